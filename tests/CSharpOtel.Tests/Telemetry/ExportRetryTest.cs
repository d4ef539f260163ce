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
        // All three signals from one process, each with its own exporter and retries. The outage is longer than the
        // SDK's own export deadlines (since 1.21: OTEL_EXPORTER_OTLP_TIMEOUT with OTEL_BSP_EXPORT_TIMEOUT,
        // OTEL_METRIC_EXPORT_TIMEOUT or OTEL_BLRP_EXPORT_TIMEOUT end a whole export), so only the template's retry
        // timeout keeps the data. Metrics go as deltas: a lost cumulative export would be hidden by the next one,
        // which carries the running total; a lost delta is missing from the sum for good.
        using var host = await StartHostAsync(receiver, protocol,
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000"), ("OTEL_BSP_EXPORT_TIMEOUT", "3000"),
            ("OTEL_METRICS_EXPORTER", "otlp"), ("OTEL_METRIC_EXPORT_INTERVAL", "500"), ("OTEL_METRIC_EXPORT_TIMEOUT", "3000"),
            ("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta"),
            ("OTEL_LOGS_EXPORTER", "otlp"), ("OTEL_BLRP_SCHEDULE_DELAY", "200"), ("OTEL_BLRP_EXPORT_TIMEOUT", "3000"));
        using var client = TracedLoad.NewClient();

        // Each request to /signals ends a span, writes a log record in its trace and adds 1 to the counter test.requests.
        using var traffic = new CancellationTokenSource();
        var sent = SteadyTrafficAsync(client, host.Url + "/signals", traffic.Token);
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
        string Lost() => $"{protocol}: {results.Count} requests answered 200; lost: {ids.Count - receiver.TraceIds.Intersect(ids).Count()} spans, " +
            $"{ids.Count - receiver.LogTraceIds.Intersect(ids).Count()} log records, {ids.Count - Counted(receiver)} of the counter's {ids.Count}; " +
            $"{receiver.Attempts.Count} export attempts";
        await Poll.UntilAsync(
            () => receiver.TraceIds.Intersect(ids).Count() == ids.Count && receiver.LogTraceIds.Intersect(ids).Count() == ids.Count && Counted(receiver) >= ids.Count,
            TimeSpan.FromSeconds(20), Lost);
        log.WriteLine(Lost());
        Assert.Equal(ids.Count, Counted(receiver));

        // Delivered in the order the requests were sent: the failed batch went again before newer spans and records.
        Assert.Equal(ids, receiver.TraceIds.Where(ids.Contains).Distinct().ToList());
        Assert.Equal(ids, receiver.LogTraceIds.Where(ids.Contains).Distinct().ToList());

        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            await host.WaitForOutputAsync($"export: {signal} to {(protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint)}", TimeSpan.FromSeconds(10));
            var lines = Lines(host.Output, $"export: {signal} to ");
            var warning = Assert.Single(lines, l => l.Contains("failed:", StringComparison.Ordinal));
            Assert.Contains("retrying for up to", warning, StringComparison.Ordinal);
            log.WriteLine(warning);
            await Poll.UntilAsync(() => Lines(host.Output, $"export: {signal} to ").Any(l => l.Contains("delivered again after", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), () => $"no recovery line for {signal}:\n{host.Output}");
        }
    }

    /// <summary>The sum of the counter test.requests over its delta points, each interval once (a resent export is not counted twice).</summary>
    private static long Counted(CountingOtlpReceiver receiver)
        => receiver.SumPoints.Where(p => p.Metric == "test.requests" && p.Delta).DistinctBy(p => (p.StartTime, p.Time)).Sum(p => p.Value);

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
    public async Task MetricsAndLogsNotDelivered_SummarisedPerSignal_WithTheirCounts()
    {
        await using var receiver = await CountingOtlpReceiver.StartAsync();
        using var host = await StartHostAsync(receiver, "http/protobuf",
            ("OTEL_METRICS_EXPORTER", "otlp"), ("OTEL_METRIC_EXPORT_INTERVAL", "500"),
            ("OTEL_LOGS_EXPORTER", "otlp"), ("OTEL_BLRP_SCHEDULE_DELAY", "200"),
            ("OTEL_BLRP_MAX_QUEUE_SIZE", "20"), ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "20"),
            ("dropped_spans_report_interval", "1s"));
        using var client = TracedLoad.NewClient();

        // Rejected: every export is answered 400 and not retried. Only the host's start-up lines and the function
        // write log records (the export and summary lines are not exported), so their count comes to rest and the
        // summary's total must equal what the receiver refused. Metrics keep coming every 500 ms: the host counts a
        // refusal once the answer is back, so its total never runs ahead of the receiver's.
        receiver.Answer(400);
        for (var i = 0; i < 10; i++)
        {
            await TracedLoad.SendAsync(client, host.Url + "/signals");
        }

        await Poll.UntilAsync(() => Refused(receiver, "logs") >= 10 && Totals(host, "log record(s)").LastOrDefault() == Refused(receiver, "logs"),
            TimeSpan.FromSeconds(10), () => $"{Refused(receiver, "logs")} log records refused, summaries: {string.Join(", ", Totals(host, "log record(s)"))}\n{host.Output}");
        await host.WaitForOutputAsync("metric(s) not delivered in the last 00:00:01", TimeSpan.FromSeconds(10));
        var metrics = Lines(host.Output, "metric(s) not delivered").Last();
        Assert.Contains("rejected by the collector", metrics, StringComparison.Ordinal);
        Assert.InRange(Totals(host, "metric(s)").Last(), 1, Refused(receiver, "metrics"));
        log.WriteLine(Lines(host.Output, "log record(s) not delivered").Last());
        log.WriteLine(metrics);

        // Queue full: the collector away, the one batch being retried holds the exporter, and 60 records meet a queue of 20.
        await receiver.StopAsync();
        for (var i = 0; i < 60; i++)
        {
            await TracedLoad.SendAsync(client, host.Url + "/signals");
        }

        await Poll.UntilAsync(() => Lines(host.Output, "export queue full (OTEL_BLRP_MAX_QUEUE_SIZE)").Any(l => !l.Contains(": 0 export queue full", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), () => host.Output);
        var queueFull = Lines(host.Output, "export queue full (OTEL_BLRP_MAX_QUEUE_SIZE)").Last(l => !l.Contains(": 0 export queue full", StringComparison.Ordinal));
        log.WriteLine(queueFull);
        Assert.Contains("log record(s) not delivered", queueFull, StringComparison.Ordinal);
    }

    private static int Refused(CountingOtlpReceiver receiver, string signal)
        => receiver.Attempts.Where(a => a.Signal == signal && a.Status != 200).Sum(a => a.Items);

    /// <summary>The "since start" totals of a signal's summary lines, in order.</summary>
    private static List<long> Totals(PublishedHost host, string items)
        => Lines(host.Output, items + " not delivered").Select(l => long.Parse(TotalPattern().Match(l).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

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

    [GeneratedRegex(@"\((\d+) since start\)")]
    private static partial Regex TotalPattern();

    private static List<string> Lines(string output, string containing)
        => output.Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal)).ToList();
}
