using System.Diagnostics;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Lifecycle;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>
/// Shutdown as it happens in a container: the published host behind the watchdog (<see cref="WatchdogEmulator"/>,
/// PID 1 of its own PID namespace, so its exit kills the host), SIGTERM sent to the watchdog, which forwards it
/// at once, routes for healthcheck_interval, drains its own requests and exits. The host's own second-signal and
/// drain-limit behaviour is tested on the host alone: the watchdog forwards only the first SIGTERM.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class WatchdogShutdownTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    [Fact]
    public async Task Sigterm_DuringLoad_ServesGraceAndDrainsThenExitsZeroWithEverySpanDelivered()
    {
        var slow = TimeSpan.FromMilliseconds(2500); // the requests in flight at SIGTERM and at the end of the grace period
        var slowUrl = $"/slow?ms={slow.TotalMilliseconds}";
        using var host = await PublishedHost.StartUnderWatchdogAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-sigterm",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["healthcheck_interval"] = "3s", // the duration form
            ["write_timeout"] = "8",          // the whole-seconds form
        });
        var grace = host.Limits.GracePeriod;
        using var client = TracedLoad.NewClient();

        // In flight when SIGTERM arrives.
        var early = Enumerable.Range(0, 8).Select(_ => TracedLoad.SendAsync(client, host.Url + slowUrl)).ToList();
        await Task.Delay(300);
        var sinceSignal = Stopwatch.StartNew();
        host.Signal("TERM");

        // Of-watchdog keeps routing during healthcheck_interval: keep sending, every one must succeed. Paced, not
        // one after another: a response held for its span's export must not push later sends past the window.
        // The loop stops 1.2 s before the grace period ends: on a busy machine one Task.Delay(50) can overshoot by
        // hundreds of milliseconds, and the late requests below must reach the watchdog while it still routes.
        var sending = new List<Task<TracedResult>>();
        while (sinceSignal.Elapsed < grace - TimeSpan.FromMilliseconds(1200))
        {
            sending.Add(TracedLoad.SendAsync(client, host.Url + "/slow?ms=20"));
            await Task.Delay(50);
        }

        // Started before the grace period ends, still running when the watchdog stops routing (they take 2.5 s): drained.
        var lateSentAt = sinceSignal.Elapsed;
        var late = Enumerable.Range(0, 4).Select(_ => TracedLoad.SendAsync(client, host.Url + slowUrl)).ToList();

        // Once the grace period is over, the watchdog refuses a new connection.
        await Task.Delay(grace + TimeSpan.FromMilliseconds(700) - sinceSignal.Elapsed);
        using var fresh = TracedLoad.NewClient();
        var afterGrace = await TracedLoad.SendAsync(fresh, host.Url + "/");

        var during = await Task.WhenAll(sending);
        var all = (await Task.WhenAll(early)).Concat(during).Concat(await Task.WhenAll(late)).ToList();
        var exitedAfter = await host.WaitForExitAsync(sinceSignal, TimeSpan.FromSeconds(30));

        log.WriteLine($"requests {all.Count}, succeeded {all.Count(r => r.Status == HttpStatusCode.OK)}, exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms");
        Assert.True(all.All(r => r.Status == HttpStatusCode.OK),
            $"late requests sent {lateSentAt.TotalMilliseconds:F0} ms after SIGTERM\n" + TracedLoad.Describe(all) + "\n" + host.Output);
        Assert.True(during.Length >= 10, $"only {during.Length} requests during the grace period");
        Assert.Null(afterGrace.Status);
        Assert.Equal(0, host.Process.Process.ExitCode);
        // The watchdog exits once its grace (healthcheck_interval) is over and the late requests are answered, killing
        // the host; write_timeout (8 s) would cut them later than that, so it does not bound this.
        var lastAnswered = lateSentAt + slow > grace ? lateSentAt + slow : grace;
        log.WriteLine($"bound: {grace.TotalMilliseconds:F0} to {(lastAnswered + PublishedHost.TimingSlack).TotalMilliseconds:F0} ms (last late request answered at {lastAnswered.TotalMilliseconds:F0} ms)");
        Assert.InRange(exitedAfter, grace, lastAnswered + PublishedHost.TimingSlack);

        var ids = all.Select(r => r.TraceId).ToList();
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, ids, TimeSpan.FromSeconds(20));
        log.WriteLine($"spans delivered {arrived.Count} of {ids.Count}");
        Assert.Equal(ids.Count, arrived.Count);
    }

    [Fact]
    public async Task RollingStop_SteadyTraffic_EveryAnsweredRequestHasItsSpan()
    {
        // A rolling update's stop: light steady traffic, healthcheck_interval 2 s, the template's batching (5 s).
        var routing = TimeSpan.FromSeconds(2);
        var (host, results, signalledAt) = await RollingStopAsync(
            "lifecycle-rolling-stop", receiver.Dashboard.OtlpHttpEndpoint, signalAfter: TimeSpan.FromSeconds(1.5), routing);
        using var _ = host;

        var answered = results.Where(r => r.Result.Status == HttpStatusCode.OK).Select(r => r.Result).ToList();
        var routed = results.Where(r => r.SentAt < signalledAt + routing - TimeSpan.FromMilliseconds(250)).Select(r => r.Result).ToList();
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, answered.Select(r => r.TraceId).ToList(), TimeSpan.FromSeconds(20));
        log.WriteLine($"sent {results.Count}, answered 200 {answered.Count} ({results.Count(r => r.SentAt > signalledAt && r.Result.Status == HttpStatusCode.OK)} after SIGTERM), " +
                      $"failed while routed {routed.Count(r => r.Status != HttpStatusCode.OK)}, spans received {arrived.Count} of {answered.Count}, " +
                      $"watchdog exit {host.Process.Process.ExitCode}");

        Assert.True(routed.All(r => r.Status == HttpStatusCode.OK), TracedLoad.Describe(routed) + "\n" + host.Output);
        // About 25 are sent while the watchdog still routes; fewer than 15 means the window was not exercised.
        Assert.True(results.Count(r => r.SentAt > signalledAt && r.Result.Status == HttpStatusCode.OK) >= 15, "too few requests after SIGTERM");
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.True(answered.Count == arrived.Count,
            $"{answered.Count - arrived.Count} of {answered.Count} answered requests have no span at the receiver\n{host.Output}");

        // Spans ended early to be exported before their response completes are complete all the same.
        var late = answered.Where(r => results.Single(x => x.Result == r).SentAt > signalledAt).Select(r => r.TraceId).ToHashSet();
        var lateSpans = (await receiver.Dashboard.GetSpansAsync(AspireDashboard.MaxTraces)).Where(s => late.Contains(s.TraceId) && s.Kind == ReceivedSpan.ServerKind).ToList();
        Assert.Equal(late.Count, lateSpans.Count);
        Assert.All(lateSpans, s => Assert.Equal("200", s.Attribute("http.response.status_code")));
    }

    [Fact]
    public async Task RollingStop_CollectorBlackHoling_EveryRequestStillAnswered_HoldBounded()
    {
        // The export path must never cost a request: with the collector swallowing connections, a response after
        // SIGTERM waits at most ShutdownFlush.ResponseHoldLimit (1 s), and once that has run out, not at all.
        using var proxy = new FaultProxy(new Uri(receiver.Dashboard.OtlpHttpEndpoint));
        proxy.Set(FaultProxy.Fault.BlackHole);
        // Routing 3 s, so that the window after the first hold (1.2 s) is long enough to sample.
        var routing = TimeSpan.FromSeconds(3);
        var (host, results, signalledAt) = await RollingStopAsync(
            "lifecycle-rolling-stop-black-hole", proxy.Endpoint, signalAfter: TimeSpan.FromSeconds(1), routing);
        using var _ = host;

        var routed = results.Where(r => r.SentAt < signalledAt + routing - TimeSpan.FromMilliseconds(250)).ToList();
        // The first responses after SIGTERM wait for the first flush, up to the hold limit; once it has run out,
        // responses stop waiting for this collector.
        var later = routed.Where(r => r.SentAt > signalledAt + TimeSpan.FromSeconds(1.2)).Select(r => r.Result).ToList();
        var slowest = routed.Max(r => r.Result.Latency);
        log.WriteLine($"sent {results.Count}, signalled at {signalledAt.TotalSeconds:F1} s, routed {routed.Count}, answered 200 {routed.Count(r => r.Result.Status == HttpStatusCode.OK)}, " +
                      $"slowest {slowest.TotalMilliseconds:F0} ms, slowest sent more than 1.2 s after SIGTERM {later.Select(r => r.Latency.TotalMilliseconds).DefaultIfEmpty(double.NaN).Max():F0} ms");
        Assert.True(routed.All(r => r.Result.Status == HttpStatusCode.OK), TracedLoad.Describe(routed.Select(r => r.Result)) + "\n" + host.Output);
        Assert.True(slowest < ShutdownFlush.ResponseHoldLimit + PublishedHost.TimingSlack, $"slowest {slowest}");
        Assert.True(later.Count >= 5,
            $"only {later.Count} requests sent between 1.2 s after SIGTERM and the end of routing; sent at (s from SIGTERM): " +
            string.Join(' ', results.Select(r => (r.SentAt - signalledAt).TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))) +
            $"\n{host.Output}");
        // A response held for this collector waits the whole hold limit (its flush cannot finish): anything shorter was not held.
        Assert.True(later.All(r => r.Latency < ShutdownFlush.ResponseHoldLimit),
            "still held for a black-holing collector: " + string.Join(", ", later.Select(r => r.Latency.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
        // The operator is told once why spans may be missing from this rollout.
        Assert.Equal(1, CountOccurrences(host.Output, "responses no longer wait for the export of their spans"));
    }

    private static int CountOccurrences(string text, string value)
        => (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;

    [Fact]
    public async Task DefaultTimeouts_NoRequestFailsWhileTheWatchdogRoutes()
    {
        // No timeout set, as faas-cli new writes stack.yml: the watchdog routes for 30 s (write_timeout's default).
        var routing = TimeSpan.FromSeconds(30);
        using var host = await PublishedHost.StartUnderWatchdogAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-default-timeouts",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
        });
        using var client = TracedLoad.NewClient();

        var clock = Stopwatch.StartNew();
        host.Signal("TERM");
        var results = await SteadyLoadAsync(client, host.Url + "/slow?ms=5", clock, TimeSpan.FromMilliseconds(250),
            until: () => clock.Elapsed > routing - TimeSpan.FromMilliseconds(500));
        var exitedAfter = await host.WaitForExitAsync(clock, TimeSpan.FromSeconds(10));

        var failed = results.Where(r => r.Result.Status != HttpStatusCode.OK).ToList();
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, results.Select(r => r.Result.TraceId).ToList(), TimeSpan.FromSeconds(20));
        log.WriteLine($"sent {results.Count} over {routing.TotalSeconds:F0} s after SIGTERM, failed {failed.Count} " +
                      $"(the first {(failed.Count > 0 ? failed[0].SentAt.TotalSeconds : 0):F1} s after SIGTERM), spans received {arrived.Count}, watchdog exit after {exitedAfter.TotalSeconds:F1} s");

        if (failed.Count > 0)
        {
            Assert.Fail($"{failed.Count} of {results.Count} failed, the first {failed[0].SentAt.TotalSeconds:F1} s after SIGTERM:\n" +
                        TracedLoad.Describe(failed.Select(r => r.Result)) + "\n" + host.Output);
        }

        Assert.True(results.Count >= 100, $"only {results.Count} requests");
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.Equal(results.Count, arrived.Count);
    }

    [Fact]
    public async Task SecondSigterm_EndsPromptly()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["write_timeout"] = "60s", // healthcheck_interval defaults to it, as in of-watchdog
        });
        using var client = TracedLoad.NewClient();
        var stuck = TracedLoad.SendAsync(client, host.Url + "/slow?ms=120000");
        await Task.Delay(300);

        host.Signal("TERM");
        await host.WaitForOutputAsync("SIGTERM received; serving for 00:01:01", TimeSpan.FromSeconds(5));
        var sinceSecond = Stopwatch.StartNew();
        host.Signal("TERM");
        var exitedAfter = await host.WaitForExitAsync(sinceSecond, TimeSpan.FromSeconds(20));

        // The serving period (61 s) and the drain (60 s) are skipped: only the aborted request's hold for its span's
        // export and the flush are left.
        var latest = ShutdownFlush.ResponseHoldLimit + host.Limits.TelemetryFlushTimeout + PublishedHost.TimingSlack;
        log.WriteLine($"exit {host.Process.Process.ExitCode} {exitedAfter.TotalMilliseconds:F0} ms after the second SIGTERM (bound {latest.TotalMilliseconds:F0} ms)");
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.True(exitedAfter < latest, $"{exitedAfter}\n{host.Output}");
        Assert.Null((await stuck).Status); // aborted, not answered
    }

    [Fact]
    public async Task DrainLimit_AbortsWhatIsLeftAndExitsZero()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            // The collector is down too: the flush must still end within telemetry_flush_timeout.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["healthcheck_interval"] = "500ms",
            ["write_timeout"] = "2s",
            ["telemetry_flush_timeout"] = "2s",
        });
        using var client = TracedLoad.NewClient();
        var stuck = TracedLoad.SendAsync(client, host.Url + "/slow?ms=120000");
        await Task.Delay(300);

        var sinceSignal = Stopwatch.StartNew();
        host.Signal("TERM");
        var exitedAfter = await host.WaitForExitAsync(sinceSignal, TimeSpan.FromSeconds(20));

        // Serving (healthcheck_interval + 1 s), then the drain limit aborts the stuck request; its end waits up to the
        // hold limit for its span's export (the collector is down: the full hold), then the final flush, bounded by
        // telemetry_flush_timeout. Measured here: 3.56 s to the abort, 4.57 s to the end of the hold, 6.61 s flushed.
        // Waiting for the handler instead would take 120 s.
        var aborted = host.Limits.ServingPeriod + host.Limits.DrainLimit;
        var latest = aborted + ShutdownFlush.ResponseHoldLimit + host.Limits.TelemetryFlushTimeout + PublishedHost.TimingSlack;
        log.WriteLine($"exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms (bound {aborted.TotalMilliseconds:F0} to {latest.TotalMilliseconds:F0} ms)");
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.InRange(exitedAfter, aborted, latest);
        Assert.Contains("drain limit 00:00:02 reached; aborted 1 request(s)", host.Output, StringComparison.Ordinal);
        Assert.Null((await stuck).Status);
    }

    /// <summary>One request every <paramref name="interval"/>, whatever the earlier ones do, until <paramref name="until"/>.</summary>
    /// <summary>
    /// A rolling update's stop: the host under the watchdog (healthcheck_interval = <paramref name="routing"/>,
    /// write_timeout 3 s), steady
    /// traffic of about 15 requests/s, SIGTERM after <paramref name="signalAfter"/>, traffic until the watchdog
    /// exits. The caller disposes the host, after reading its output.
    /// </summary>
    private static async Task<(PublishedHost Host, List<(TimeSpan SentAt, TracedResult Result)> Results, TimeSpan SignalledAt)> RollingStopAsync(
        string serviceName, string otlpEndpoint, TimeSpan signalAfter, TimeSpan routing)
    {
        var host = await PublishedHost.StartUnderWatchdogAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint,
            ["healthcheck_interval"] = $"{routing.TotalSeconds}s",
            ["write_timeout"] = "3s",
        });
        try
        {
            using var client = TracedLoad.NewClient();
            var clock = Stopwatch.StartNew();
            var load = SteadyLoadAsync(client, host.Url + "/slow?ms=5", clock, TimeSpan.FromMilliseconds(66),
                until: () => host.Process.Process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20));
            await Task.Delay(signalAfter);
            var signalledAt = clock.Elapsed;
            host.Signal("TERM");
            var results = await load;
            await host.WaitForExitAsync(clock, TimeSpan.FromSeconds(10));
            return (host, results, signalledAt);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static async Task<List<(TimeSpan SentAt, TracedResult Result)>> SteadyLoadAsync(
        HttpClient client, string url, Stopwatch clock, TimeSpan interval, Func<bool> until)
    {
        var sends = new List<Task<(TimeSpan, TracedResult)>>();
        var next = clock.Elapsed;
        while (!until())
        {
            sends.Add(SendAsync(clock.Elapsed));
            next += interval;
            if (next - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }
        }

        return [.. await Task.WhenAll(sends)];

        async Task<(TimeSpan, TracedResult)> SendAsync(TimeSpan sentAt) => (sentAt, await TracedLoad.SendAsync(client, url));
    }
}
