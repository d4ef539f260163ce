using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using FunctionHost.Hosting;
using FunctionHost.Lifecycle;
using FunctionHost.OpenFaaS;
using FunctionHost.Propagation;
using FunctionHost.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The host exactly as Program.cs starts it, lifecycle included, for any handler type, on real Kestrel at a free
/// loopback port, with spans also collected in memory. Settings play the part of environment variables.
/// </summary>
public sealed class TestFunctionHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TestFunctionHost(WebApplication app, List<Activity> spans)
    {
        _app = app;
        Spans = spans;
        Client = new HttpClient(new UntracedHandler()) { BaseAddress = new Uri(app.Urls.First()) };
    }

    public HttpClient Client { get; }

    /// <summary>Finished spans, in the order they ended.</summary>
    public List<Activity> Spans { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestFunctionHost> StartAsync<[DynamicallyAccessedMembers(FunctionHooks.Members)] THandler>(
        Func<THandler, HttpContext, Task> invoke,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? beforeFunction = null)
        where THandler : class
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        var merged = new Dictionary<string, string?>
        {
            // No collector in unit tests: the OTLP exporter points at a closed port and must not matter.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            // ... and its failures are not retried, so disposing a host never waits for retries to a collector that is not there.
            ["CSHARP_OTEL_EXPORT_RETRY_TIMEOUT"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(merged);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // Program.cs's start-up, step for step (TemplateConsistencyTest holds the two to the same steps in the same order).
        var spans = new List<Activity>();
        builder.UseWatchdogConventions();
        builder.AddFunctionTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        builder.AddFunctionPropagation();
        builder.AddWatchdogLifecycle();
        beforeFunction?.Invoke(builder);
        builder.AddFunction<THandler>();

        var app = builder.Build();
        app.MapFunction(invoke);
        await app.StartAsync();
        return new TestFunctionHost(app, spans);
    }

    /// <summary>Waits until a span matching <paramref name="match"/> has ended (the server span ends after the response).</summary>
    public Task<Activity> WaitForSpanAsync(Func<Activity, bool> match, TimeSpan? timeout = null)
        => Poll.UntilAsync(
            // The exporter appends on request threads; a copy may catch a slot not yet filled, hence the null check.
            () => Spans.ToArray().FirstOrDefault(s => s is not null && match(s)),
            timeout ?? TimeSpan.FromSeconds(10),
            () => $"No matching span among {Spans.Count}: {string.Join(", ", Spans.Select(s => s.DisplayName))}",
            TimeSpan.FromMilliseconds(20));

    public Task<Activity> WaitForServerSpanAsync(TimeSpan? timeout = null)
        => WaitForSpanAsync(s => s.Kind == ActivityKind.Server, timeout);

    /// <summary>
    /// Stops the host the way the lifecycle does: Kestrel waits for every request to finish (the hosting layer
    /// ends each server span then), and the final flush shuts the tracer provider down. Afterwards
    /// <see cref="Spans"/> holds every span this host will ever record, so a test may assert what is not there.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
