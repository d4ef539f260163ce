using System.Diagnostics;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>
/// The published host exporting through <see cref="FaultProxy"/> to the real receiver while the "collector"
/// black-holes, stalls, answers 503, goes away and comes back. One process lives through every phase, as a
/// function would through a collector's bad day.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class CollectorFaultTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    /// <summary>The stated memory bound with the collector away: the export queue is bounded, so RSS is too.</summary>
    private const long PeakMemoryBound = 300L * 1024 * 1024;

    [Fact]
    public async Task CollectorFaults_RequestsUnaffected_DropsReported_MemoryBounded_ExportResumes_ShutdownBounded()
    {
        using var proxy = new FaultProxy(new Uri(receiver.Dashboard.OtlpHttpEndpoint));
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-faults",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = proxy.Endpoint,
            // The default per-attempt timeout (10 s): the dashboard takes seconds to take in a full 2048-span batch of
            // the backlog, and a shorter timeout would fail, and retry, every such attempt.
            // Smaller than the template's 16384, so the backlog delivered after the outage keeps the receiver below
            // the 10,000 traces the Aspire Dashboard holds.
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "4096",
            ["dropped_spans_report_interval"] = "1s",
            ["healthcheck_interval"] = "0",
            ["write_timeout"] = "5s",
            ["telemetry_flush_timeout"] = "2s",
        });
        using var client = TracedLoad.NewClient();
        var url = host.Url + "/";

        var baseline = await PhaseAsync("healthy", FaultProxy.Fault.None, count: 400);
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, Ids(baseline), TimeSpan.FromSeconds(20));
        log.WriteLine($"healthy: spans delivered {arrived.Count} of {baseline.Count}");
        Assert.Equal(baseline.Count, arrived.Count);
        var baselineP50 = Percentile(baseline, 0.5);

        foreach (var fault in new[] { FaultProxy.Fault.BlackHole, FaultProxy.Fault.Slow, FaultProxy.Fault.ServiceUnavailable, FaultProxy.Fault.Down })
        {
            var results = await PhaseAsync(fault.ToString(), fault, count: 400);
            // Export never runs on a request's path: latency stays that of a healthy collector, give or take noise.
            Assert.True(Percentile(results, 0.5) < baselineP50 * 3 + TimeSpan.FromMilliseconds(20),
                $"{fault}: p50 {Percentile(results, 0.5)} against {baselineP50} healthy");
        }

        // Collector away under heavier load, more spans than the queue holds: the queue overflows, drops are counted and summarised, memory stays bounded.
        proxy.Set(FaultProxy.Fault.BlackHole);
        var flood = await TracedLoad.RunAsync(client, url, count: 10_000, concurrency: 8, TimeSpan.FromSeconds(60));
        Assert.Equal(10_000, flood.Count);
        Assert.True(flood.All(r => r.Status == HttpStatusCode.OK), TracedLoad.Describe(flood));
        await host.WaitForOutputAsync("span(s) not delivered in the last 00:00:01", TimeSpan.FromSeconds(10));
        var peak = host.PeakResidentBytes();
        log.WriteLine($"collector away: {flood.Count} requests OK, peak RSS {peak / (1024 * 1024)} MiB");
        Assert.True(peak < PeakMemoryBound, $"peak RSS {peak} bytes");

        // The collector comes back on the same address: the retried batch and the queued backlog go first (the
        // queue is full, so newer spans would be dropped), then spans of requests sent from now on arrive.
        proxy.Set(FaultProxy.Fault.None);
        await WaitForBacklogAsync(host, client, url, TimeSpan.FromSeconds(120));
        var resumed = await PhaseAsync("restarted", FaultProxy.Fault.None, count: 200);
        arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, Ids(resumed), TimeSpan.FromSeconds(30));
        log.WriteLine($"restarted: spans delivered {arrived.Count} of {resumed.Count}");
        Assert.Equal(resumed.Count, arrived.Count);

        // Shutdown with the collector black-holing ends within write_timeout + telemetry_flush_timeout.
        proxy.Set(FaultProxy.Fault.BlackHole);
        await TracedLoad.RunAsync(client, url, count: 200, concurrency: 4, TimeSpan.FromSeconds(20));
        var sinceSignal = Stopwatch.StartNew();
        host.Signal("TERM");
        var exitedAfter = await host.WaitForExitAsync(sinceSignal, TimeSpan.FromSeconds(30));
        // healthcheck_interval 0 and nothing in flight: the serving period (0 + 1 s) and the flush bound are all that is left.
        var latest = host.Limits.ServingPeriod + host.Limits.TelemetryFlushTimeout + PublishedHost.TimingSlack;
        log.WriteLine($"shutdown with the collector black-holing: exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms (bound {latest.TotalMilliseconds:F0} ms)");
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.True(exitedAfter < latest, exitedAfter + "\n" + host.Output);

        async Task<IReadOnlyList<TracedResult>> PhaseAsync(string name, FaultProxy.Fault fault, int count)
        {
            proxy.Set(fault);
            var results = await TracedLoad.RunAsync(client, url, count, concurrency: 4, TimeSpan.FromSeconds(30));
            log.WriteLine($"{name}: {results.Count(r => r.Status == HttpStatusCode.OK)} of {results.Count} requests OK, " +
                          $"p50 {Percentile(results, 0.5).TotalMilliseconds:F1} ms, p99 {Percentile(results, 0.99).TotalMilliseconds:F1} ms");
            Assert.Equal(count, results.Count);
            Assert.True(results.All(r => r.Status == HttpStatusCode.OK), $"{name}:\n{TracedLoad.Describe(results)}");
            return results;
        }
    }

    /// <summary>Sends a probe every few seconds until one arrives: then the exporter has caught up and the queue has room.</summary>
    private async Task WaitForBacklogAsync(PublishedHost host, HttpClient client, string url, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var probe = await TracedLoad.SendAsync(client, url);
            try
            {
                await receiver.Dashboard.WaitForTraceAsync(probe.TraceId, timeout: TimeSpan.FromSeconds(10));
                log.WriteLine($"backlog delivered after {clock.Elapsed.TotalSeconds:F1} s");
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException($"the backlog was not delivered within {timeout}:\n" +
            string.Join('\n', host.Output.Split('\n').Where(l => l.Contains("export:", StringComparison.Ordinal) || l.Contains("not delivered", StringComparison.Ordinal))));
    }

    private static List<string> Ids(IEnumerable<TracedResult> results) => results.Select(r => r.TraceId).ToList();

    private static TimeSpan Percentile(IReadOnlyList<TracedResult> results, double p)
    {
        var sorted = results.Select(r => r.Latency).Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
