using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>A real downstream HTTP server on loopback that records the headers of every request it receives.</summary>
public sealed class HeaderRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HeaderRecorder(WebApplication app) => _app = app;

    /// <summary>A pseudo-header in each recorded request: the request's path.</summary>
    public const string PathKey = ":path";

    public ConcurrentQueue<IDictionary<string, string>> Requests { get; } = new();

    public Uri Url => new(_app.Urls.First());

    public static async Task<HeaderRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var recorder = new HeaderRecorder(app);
        app.Run(context =>
        {
            var headers = context.Request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            headers[PathKey] = context.Request.Path.Value ?? "";
            recorder.Requests.Enqueue(headers);
            return context.Response.WriteAsync("downstream");
        });
        await app.StartAsync();
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
