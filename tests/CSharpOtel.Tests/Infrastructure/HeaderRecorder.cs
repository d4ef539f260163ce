using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// A real downstream HTTP server on loopback (no OpenTelemetry of its own) that records every request it receives:
/// the receiving end of a handler's outgoing HttpClient call, or a stand-in collector that keeps what was exported.
/// </summary>
public sealed class HeaderRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HeaderRecorder(WebApplication app) => _app = app;

    /// <summary>A pseudo-header in each recorded request: the request's path.</summary>
    public const string PathKey = ":path";

    /// <summary>A pseudo-header in each recorded request: its body, one char per byte (protobuf strings stay readable).</summary>
    public const string BodyKey = ":body";

    public ConcurrentQueue<IDictionary<string, string>> Requests { get; } = new();

    public Uri Url => new(_app.Urls.First());

    public static async Task<HeaderRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var recorder = new HeaderRecorder(app);
        app.Run(async context =>
        {
            var headers = context.Request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            headers[PathKey] = context.Request.Path.Value ?? "";
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            headers[BodyKey] = System.Text.Encoding.Latin1.GetString(body.ToArray());
            recorder.Requests.Enqueue(headers);
            await context.Response.WriteAsync("downstream");
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
