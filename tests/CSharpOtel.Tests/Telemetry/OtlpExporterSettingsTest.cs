using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Telemetry;

/// <summary>What the OTLP exporter actually sends, seen by a fake collector that records requests.</summary>
public sealed class OtlpExporterSettingsTest : IDisposable
{
    private readonly DirectoryInfo _secrets = Directory.CreateTempSubdirectory("csharp-otel-secrets-");

    private static Task<IDictionary<string, string>> FirstExportAsync(HeaderRecorder collector)
        => Poll.UntilAsync(() => collector.Requests.TryPeek(out var request) ? request : null,
            TimeSpan.FromSeconds(10), () => "Nothing was exported.");

    private static async Task CallAsync(TestFunctionHost host)
        => await host.Client.GetStringAsync(new Uri("/", UriKind.Relative));

    [Fact]
    public async Task GenericEndpoint_HttpProtobufByDefault_SignalPathAppended_HeadersFromSecretAndVariable()
    {
        await using var collector = await HeaderRecorder.StartAsync();
        File.WriteAllText(Path.Combine(_secrets.FullName, "otel-exporter-otlp-headers"), "x-api-key=from-secret\n");
        await using var host = await TestFunctionHost.StartAsync<SamplerTest.RecordingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(
                ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url.ToString().TrimEnd('/')),
                ("OTEL_EXPORTER_OTLP_HEADERS", "x-team=payments"),
                ("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName)));

        await CallAsync(host);
        var export = await FirstExportAsync(collector);

        Assert.Equal("/v1/traces", export[HeaderRecorder.PathKey]);
        Assert.Equal("application/x-protobuf", export["content-type"]);
        Assert.Equal("from-secret", export["x-api-key"]);
        Assert.Equal("payments", export["x-team"]);
    }

    [Fact]
    public async Task PerSignalEndpointAndHeaders_WinAndTheEndpointIsUsedAsGiven()
    {
        await using var collector = await HeaderRecorder.StartAsync();
        await using var host = await TestFunctionHost.StartAsync<SamplerTest.RecordingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "x-generic=1"),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", new Uri(collector.Url, "/custom/traces").ToString()),
                ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-traces=1"),
                ("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName)));

        await CallAsync(host);
        var export = await FirstExportAsync(collector);

        Assert.Equal("/custom/traces", export[HeaderRecorder.PathKey]);
        Assert.Equal("1", export["x-traces"]);
        Assert.False(export.ContainsKey("x-generic"));
    }

    [Fact]
    public async Task MetricsOtlp_ExportsRequestDurationAndRuntimeMetrics()
    {
        await using var collector = await HeaderRecorder.StartAsync();
        await using var host = await TestFunctionHost.StartAsync<SamplerTest.RecordingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(
                ("OTEL_TRACES_EXPORTER", "none"),
                ("OTEL_METRICS_EXPORTER", "otlp"),
                ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url.ToString().TrimEnd('/')),
                ("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName)));

        await CallAsync(host);

        // Metric names are plain strings inside the protobuf body.
        var seen = "";
        await Poll.UntilAsync(
            () =>
            {
                seen = string.Join('\n', collector.Requests.Where(r => r[HeaderRecorder.PathKey] == "/v1/metrics").Select(r => r[HeaderRecorder.BodyKey]));
                return seen.Contains("http.server.request.duration", StringComparison.Ordinal) &&
                       seen.Contains("dotnet.gc.collections", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(10), () => $"The exported metrics lack the request duration or GC collections: {seen.Length} bytes seen.");

        Assert.Contains("http.server.request.duration", seen, StringComparison.Ordinal);
        Assert.Contains("dotnet.gc.collections", seen, StringComparison.Ordinal);

        // Stopped, the host has flushed and shut down every provider: a trace export would have happened by now.
        await host.StopAsync();
        Assert.DoesNotContain(collector.Requests, r => r[HeaderRecorder.PathKey] == "/v1/traces");
    }

    public void Dispose() => _secrets.Delete(recursive: true);
}
