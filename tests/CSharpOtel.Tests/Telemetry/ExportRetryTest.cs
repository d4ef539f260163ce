using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Telemetry;

/// <summary>
/// The published host (a real process, the template's defaults) exporting to a real OTLP receiver that restarts,
/// refuses, throttles and rejects, under steady traffic: nothing retryable is lost, order holds, rejections are
/// not retried, every failure is visible once, and shutdown during an outage stays within its bound.
/// </summary>
public sealed partial class ExportRetryTest(ITestOutputHelper log)
{
    /// <summary>About 15 requests/s, one at a time, so the spans end in the order the requests were sent.</summary>
    private static readonly TimeSpan RequestInterval = TimeSpan.FromMilliseconds(66);

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task CollectorRestart_SteadyTraffic_NothingLost_InOrder_WarnedOnce_RecoveryLogged(string protocol)
    {
        await using var receiver = await CountingOtlpReceiver.StartAsync();
        // An outage longer than the SDK's own export deadline (since 1.21: OTEL_EXPORTER_OTLP_TIMEOUT and
        // OTEL_BSP_EXPORT_TIMEOUT end a whole export), so only the template's retry timeout keeps the batch.
        using var host = await StartHostAsync(receiver, protocol,
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000"), ("OTEL_BSP_EXPORT_TIMEOUT", "3000"));
        using var client = TracedLoad.NewClient();

        using var traffic = new CancellationTokenSource();
        var sent = SteadyTrafficAsync(client, host.Url + "/", traffic.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await receiver.StopAsync();
        var outage = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await receiver.StartAgainAsync();
        log.WriteLine($"receiver away for {outage.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await traffic.CancelAsync();
        var results = await sent;

        Assert.True(results.All(r => r.Status == HttpStatusCode.OK), TracedLoad.Describe(results));
        var ids = results.Select(r => r.TraceId).ToList();
        var arrived = await receiver.WaitForAsync(ids, TimeSpan.FromSeconds(20));
        log.WriteLine($"{protocol}: {results.Count} requests answered 200, {arrived} spans delivered, {ids.Count - arrived} lost; " +
                      $"{receiver.Attempts.Count} export attempts");
        Assert.Equal(ids.Count, arrived);

        // Delivered in the order the requests were sent: the failed batch went again before newer spans.
        var order = receiver.TraceIds.Where(ids.Contains).Distinct().ToList();
        Assert.Equal(ids, order);

        await host.WaitForOutputAsync("delivered again after", TimeSpan.FromSeconds(10));
        Assert.Equal(1, Lines(host.Output, "export: traces to ").Count(l => l.Contains("failed:", StringComparison.Ordinal)));
        var warning = Assert.Single(Lines(host.Output, "failed:"));
        Assert.Contains(protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint, warning, StringComparison.Ordinal);
        Assert.Contains("retrying for up to", warning, StringComparison.Ordinal);
        log.WriteLine(warning);
        log.WriteLine(Assert.Single(Lines(host.Output, "delivered again after")));
    }

    [Theory]
    [InlineData("http/protobuf", 503)]
    [InlineData("http/protobuf", 429)]
    [InlineData("grpc", 503)]
    [InlineData("grpc", 429)]
    public async Task Throttled_RetryAfterHonoured_NothingLost(string protocol, int status)
    {
        await using var receiver = await CountingOtlpReceiver.StartAsync();
        using var host = await StartHostAsync(receiver, protocol);
        using var client = TracedLoad.NewClient();

        receiver.Answer(status, retryAfter: TimeSpan.FromSeconds(3));
        var first = await TracedLoad.SendAsync(client, host.Url + "/");
        await Poll.UntilAsync(() => receiver.Attempts.Count >= 2, TimeSpan.FromSeconds(15), () => $"{receiver.Attempts.Count} export attempt(s), expected a retry");
        receiver.Answer(200);
        Assert.Equal(1, await receiver.WaitForAsync([first.TraceId], TimeSpan.FromSeconds(15)));

        var attempts = receiver.Attempts;
        var gap = attempts[1].At - attempts[0].At;
        log.WriteLine($"{protocol} {status}: {attempts.Count} attempts, first retry after {gap.TotalSeconds:F2} s");
        Assert.True(gap >= TimeSpan.FromSeconds(2.9), $"retried after {gap}, asked 3 s");
        Assert.Contains("export: traces to ", host.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http/protobuf", 404, "check the path")]
    [InlineData("http/protobuf", 401, "OTEL_EXPORTER_OTLP_HEADERS")]
    [InlineData("grpc", 401, "OTEL_EXPORTER_OTLP_HEADERS")]
    [InlineData("grpc", 404, "OTLP/gRPC endpoint")]
    public async Task Rejected_NotRetried_WarnedOnceWithHint_RecoveryLogged(string protocol, int status, string hint)
    {
        await using var receiver = await CountingOtlpReceiver.StartAsync();
        using var host = await StartHostAsync(receiver, protocol, ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret-4711"));
        using var client = TracedLoad.NewClient();

        receiver.Answer(status);
        var clock = Stopwatch.StartNew();
        for (var batch = 1; batch <= 3; batch++)
        {
            await TracedLoad.SendAsync(client, host.Url + "/");
            await Poll.UntilAsync(() => receiver.Attempts.Count >= batch, TimeSpan.FromSeconds(10), () => $"{receiver.Attempts.Count} export attempt(s), expected {batch}");
        }

        await host.WaitForOutputAsync("not retried", TimeSpan.FromSeconds(15));
        log.WriteLine($"warning after {clock.Elapsed.TotalSeconds:F1} s");

        var warning = Assert.Single(Lines(host.Output, "export: traces to "));
        log.WriteLine(warning);
        Assert.Contains(protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint + "/v1/traces", warning, StringComparison.Ordinal);
        Assert.Contains(hint, warning, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-4711", host.Output, StringComparison.Ordinal);

        receiver.Answer(200);
        var after = await TracedLoad.SendAsync(client, host.Url + "/");
        Assert.Equal(1, await receiver.WaitForAsync([after.TraceId], TimeSpan.FromSeconds(10)));
        await host.WaitForOutputAsync("delivered again after", TimeSpan.FromSeconds(5));

        // Batches go out one at a time, a retried one before any newer (CollectorRestart_... shows the order): a
        // rejected batch sent again would have gone out before this one, refused or, once accepted, arrived.
        Assert.Equal(4, receiver.Attempts.Count);
        Assert.Equal(after.TraceId, Assert.Single(receiver.TraceIds.Distinct()));
    }

    [Theory]
    [InlineData("http/protobuf", "is this a gRPC port")]
    [InlineData("grpc", "is this an OTLP/HTTP port")]
    public async Task ProtocolMismatch_WarnedOnceWithHint_NotRetried(string protocol, string hint)
    {
        await using var receiver = await CountingOtlpReceiver.StartAsync();
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            // The other protocol's port: HTTP/1.1 to the HTTP/2-only gRPC port, or HTTP/2 to the HTTP/1.1 port.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = protocol == "grpc" ? receiver.HttpEndpoint : receiver.GrpcEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        });
        using var client = TracedLoad.NewClient();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await TracedLoad.SendAsync(client, host.Url + "/")).Status);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await host.WaitForOutputAsync(hint, TimeSpan.FromSeconds(15));
        log.WriteLine($"warning after {clock.Elapsed.TotalSeconds:F1} s");
        var warning = Assert.Single(Lines(host.Output, "export: traces to "));
        log.WriteLine(warning);
        Assert.Contains("not retried", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShutdownDuringOutage_EndsWithinFlushBound_ReportsUndelivered()
    {
        await using var receiver = await CountingOtlpReceiver.StartAsync();
        using var host = await StartHostAsync(receiver, "http/protobuf",
            ("healthcheck_interval", "0"), ("telemetry_flush_timeout", "2s"));
        using var client = TracedLoad.NewClient();

        await receiver.StopAsync();
        var results = await TracedLoad.RunAsync(client, host.Url + "/", count: 20, concurrency: 1, TimeSpan.FromSeconds(20));
        Assert.True(results.All(r => r.Status == HttpStatusCode.OK), TracedLoad.Describe(results));
        await host.WaitForOutputAsync("retrying for up to", TimeSpan.FromSeconds(15));

        var sinceSignal = Stopwatch.StartNew();
        host.Signal("TERM");
        var exitedAfter = await host.WaitForExitAsync(sinceSignal, TimeSpan.FromSeconds(30));
        // healthcheck_interval 0, nothing in flight: the serving period (0 + 1 s) and the flush bound; the retry (60 s)
        // and the export timeout (10 s) must not hold the exit.
        var latest = host.Limits.ServingPeriod + host.Limits.TelemetryFlushTimeout + PublishedHost.TimingSlack;
        log.WriteLine($"exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms (bound {latest.TotalMilliseconds:F0} ms)");
        var report = Assert.Single(Lines(host.Output, "lifecycle: telemetry flush ended"));
        log.WriteLine(report);
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.True(exitedAfter < latest, exitedAfter + "\n" + host.Output);
        Assert.Contains("0 span(s) exported, 20 not delivered", report, StringComparison.Ordinal);
        // The causes add up to the total: the spans were either in the batch being retried or still queued.
        var causes = CausesPattern().Match(report);
        Assert.True(causes.Success, report);
        Assert.Equal(20, int.Parse(causes.Groups[1].Value, CultureInfo.InvariantCulture) + int.Parse(causes.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.DoesNotContain("telemetry flushed", host.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http/protobuf", "http://127.0.0.1:4317", "uses port 4317")]
    [InlineData("grpc", "http://127.0.0.1:4318", "uses port 4318")]
    public async Task SwappedPort_WarnedAtStartup(string protocol, string endpoint, string expected)
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        });
        using var client = TracedLoad.NewClient();
        await TracedLoad.SendAsync(client, host.Url + "/");
        await host.WaitForOutputAsync(expected, TimeSpan.FromSeconds(10));
        log.WriteLine(Assert.Single(Lines(host.Output, expected)));
    }

    private static Task<PublishedHost> StartHostAsync(CountingOtlpReceiver receiver, string protocol, params (string Key, string? Value)[] extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "export-retry",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return PublishedHost.StartAsync(environment);
    }

    private static async Task<List<TracedResult>> SteadyTrafficAsync(HttpClient client, string url, CancellationToken stop)
    {
        var results = new List<TracedResult>();
        var next = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            results.Add(await TracedLoad.SendAsync(client, url));
            var wait = RequestInterval * results.Count - next.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        return results;
    }

    [GeneratedRegex(@"(\d+) cut off by shutdown, (\d+) still queued at exit")]
    private static partial Regex CausesPattern();

    private static List<string> Lines(string output, string containing)
        => output.Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal)).ToList();
}
