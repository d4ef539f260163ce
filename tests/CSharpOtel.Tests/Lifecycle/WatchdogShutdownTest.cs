using System.Diagnostics;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>SIGTERM as of-watchdog delivers it, to the published host running as a child process.</summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class WatchdogShutdownTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    [Fact]
    public async Task Sigterm_DuringLoad_ServesGraceAndDrainsThenExitsZeroWithEverySpanDelivered()
    {
        var grace = TimeSpan.FromSeconds(3);
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-sigterm",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["healthcheck_interval"] = "3s", // the duration form
            ["write_timeout"] = "8",          // the whole-seconds form
        });
        using var client = TracedLoad.NewClient();

        // In flight when SIGTERM arrives.
        var early = Enumerable.Range(0, 8).Select(_ => TracedLoad.SendAsync(client, host.Url + "/slow?ms=2500")).ToList();
        await Task.Delay(300);
        var sinceSignal = Stopwatch.StartNew();
        host.Signal("TERM");

        // Of-watchdog keeps routing during healthcheck_interval: keep sending, every one must succeed.
        var during = new List<TracedResult>();
        while (sinceSignal.Elapsed < grace - TimeSpan.FromMilliseconds(600))
        {
            during.Add(await TracedLoad.SendAsync(client, host.Url + "/slow?ms=20"));
            await Task.Delay(50);
        }

        // Started just before the grace period ends, still running when the host stops accepting: drained.
        var late = Enumerable.Range(0, 4).Select(_ => TracedLoad.SendAsync(client, host.Url + "/slow?ms=2500")).ToList();

        // Once the grace period is over, a new connection is refused.
        await Task.Delay(grace + TimeSpan.FromMilliseconds(700) - sinceSignal.Elapsed);
        using var fresh = TracedLoad.NewClient();
        var afterGrace = await TracedLoad.SendAsync(fresh, host.Url + "/");

        var all = (await Task.WhenAll(early)).Concat(during).Concat(await Task.WhenAll(late)).ToList();
        var exitedAfter = await host.WaitForExitAsync(sinceSignal, TimeSpan.FromSeconds(30));

        log.WriteLine($"requests {all.Count}, succeeded {all.Count(r => r.Status == HttpStatusCode.OK)}, exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms");
        Assert.True(all.All(r => r.Status == HttpStatusCode.OK), TracedLoad.Describe(all) + "\n" + host.Output);
        Assert.True(during.Count >= 10, $"only {during.Count} requests during the grace period");
        Assert.Null(afterGrace.Status);
        Assert.Equal(0, host.Process.Process.ExitCode);
        // Grace (3 s) + the late requests (2.5 s) + flush; far below grace + write_timeout + telemetry_flush_timeout.
        Assert.InRange(exitedAfter, grace, TimeSpan.FromSeconds(10));

        var ids = all.Select(r => r.TraceId).ToList();
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, ids, TimeSpan.FromSeconds(20));
        log.WriteLine($"spans delivered {arrived.Count} of {ids.Count}");
        Assert.Equal(ids.Count, arrived.Count);
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

        var sinceSignal = Stopwatch.StartNew();
        host.Signal("TERM");
        await host.WaitForOutputAsync("SIGTERM received; serving for 00:01:00", TimeSpan.FromSeconds(5));
        host.Signal("TERM");
        var exitedAfter = await host.WaitForExitAsync(sinceSignal, TimeSpan.FromSeconds(20));

        log.WriteLine($"exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms");
        Assert.Equal(0, host.Process.Process.ExitCode);
        Assert.True(exitedAfter < TimeSpan.FromSeconds(5), $"{exitedAfter}\n{host.Output}");
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

        log.WriteLine($"exit {host.Process.Process.ExitCode} after {exitedAfter.TotalMilliseconds:F0} ms");
        Assert.Equal(0, host.Process.Process.ExitCode);
        // 0.5 s grace + 2 s drain + at most 2 s flush, plus process teardown.
        Assert.InRange(exitedAfter, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(6));
        Assert.Contains("drain limit 00:00:02 reached; aborted 1 request(s)", host.Output, StringComparison.Ordinal);
        Assert.Null((await stuck).Status);
    }
}
