using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// A plain Kestrel server (no OpenTelemetry of its own) that records the headers of every request it gets:
/// the receiving end of a handler's outgoing HttpClient call.
/// </summary>
public sealed class DownstreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DownstreamServer(WebApplication app) => _app = app;

    /// <summary>Headers of each request received, names lower-cased, repeated values joined with ", ".</summary>
    public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

    public Uri Address => new(_app.Urls.First() + "/downstream");

    public static async Task<DownstreamServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new DownstreamServer(app);
        app.Map("/downstream", (HttpContext context) =>
        {
            server.Requests.Enqueue(context.Request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal));
            return Results.Text("downstream");
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
