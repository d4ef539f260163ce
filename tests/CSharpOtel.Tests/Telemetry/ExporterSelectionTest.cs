using System.Diagnostics;
using CSharpOtel.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CSharpOtel.Tests.Telemetry;

public class ExporterSelectionTest
{
    private static Task<TestFunctionHost> StartAsync(params (string Key, string? Value)[] settings)
        => TestFunctionHost.StartAsync<SamplerTest.RecordingHandler>((h, c) => h.HandleAsync(c), Settings.Dictionary(settings));

    [Fact]
    public async Task Defaults_TracesOnly()
    {
        await using var host = await StartAsync();

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.Null(host.Services.GetService<LoggerProvider>());
        Assert.Equal("True", await host.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    [Fact]
    public async Task TracesNone_NothingIsRecordedAndTheFunctionServes()
    {
        await using var host = await StartAsync(("OTEL_TRACES_EXPORTER", "none"));

        Assert.Null(host.Services.GetService<TracerProvider>());
        var recorded = await host.Client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.NotEqual("True", recorded);
        await host.StopAsync(); // every request ended, every span it could have had with it
        Assert.Empty(host.Spans);
    }

    [Fact]
    public async Task MetricsAndLogsOtlp_HaveProviders()
    {
        await using var host = await StartAsync(("OTEL_METRICS_EXPORTER", "otlp"), ("OTEL_LOGS_EXPORTER", "otlp"));

        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.NotNull(host.Services.GetService<LoggerProvider>());
    }

    [Fact]
    public async Task TracesConsole_WritesTheServerSpanToStdout()
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            await using var host = await StartAsync(("OTEL_TRACES_EXPORTER", "console"), ("CSHARP_OTEL_LOG_FORMAT", "simple"));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/console-export");
            request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            using var response = await host.Client.SendAsync(request);

            // The server span ends after the response is sent, and the console exporter writes it when it ends.
            await Poll.UntilAsync(() => captured.ToString().Contains("0af7651916cd43dd8448eb211c80319c", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), () => "The server span never reached stdout:\n" + captured);
        }
        finally
        {
            Console.SetOut(original);
        }

        var output = captured.ToString();
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", output, StringComparison.Ordinal);
        Assert.Contains("/console-export", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdkDisabled_NothingRecordedButTheTraceContextStillReachesDownstream()
    {
        await using var downstream = await HeaderRecorder.StartAsync();
        await using var host = await TestFunctionHost.StartAsync<ForwardingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(("OTEL_SDK_DISABLED", "true")),
            beforeFunction: b => b.Services.AddHttpClient<ForwardingHandler>(client => client.BaseAddress = downstream.Url));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await host.StopAsync(); // every request ended, every span it could have had with it
        Assert.Empty(host.Spans);

        // The trace id and the sampled flag pass through; the parent id is this function's unexported span.
        var traceparent = Assert.Single(downstream.Requests)["traceparent"];
        Assert.StartsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-", traceparent, StringComparison.Ordinal);
        Assert.EndsWith("-01", traceparent, StringComparison.Ordinal);
        Assert.DoesNotContain("00f067aa0ba902b7", traceparent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OTEL_SDK_DISABLED", "true")]
    [InlineData("OTEL_TRACES_EXPORTER", "none")]
    public async Task NoTracerProvider_ConfiguredFormatsAndBaggageStillReachDownstream(string key, string value)
    {
        await using var downstream = await HeaderRecorder.StartAsync();
        await using var host = await TestFunctionHost.StartAsync<ForwardingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary((key, value), ("OTEL_PROPAGATORS", "jaeger,baggage")),
            beforeFunction: b => b.Services.AddHttpClient<ForwardingHandler>(client => client.BaseAddress = downstream.Url));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("uber-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1");
        request.Headers.Add("baggage", "tenant=acme");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        // Only the configured formats go out: Jaeger with the caller's trace id, the baggage, and no W3C header.
        var headers = Assert.Single(downstream.Requests);
        Assert.StartsWith("4bf92f3577b34da6a3ce929d0e0e4736:", headers["uber-trace-id"], StringComparison.Ordinal);
        Assert.EndsWith(":0:01", headers["uber-trace-id"], StringComparison.Ordinal);
        Assert.Equal("tenant=acme", headers["baggage"]);
        Assert.False(headers.ContainsKey("traceparent"));
    }

    public sealed class ForwardingHandler(HttpClient client)
    {
        public async Task HandleAsync(HttpContext context)
        {
            var recorded = Activity.Current?.Recorded.ToString() ?? "no activity";
            await client.GetStringAsync(new Uri("/down", UriKind.Relative), context.RequestAborted);
            await context.Response.WriteAsync(recorded);
        }
    }
}
