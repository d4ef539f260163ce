using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>
/// The watchdog's max_inflight, behind the watchdog (<see cref="WatchdogEmulator"/>, or a real fwatchdog with
/// dev/real-watchdog.sh): bursts of more concurrent requests than the limit. The watchdog answers 429 itself to
/// those beyond it, so the host never sees them; what the host can say is that it ran at the limit (one warning
/// that says where the 429s are counted), and what it served is not lost (every 200 has exactly one server span).
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed partial class MaxInflightTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    private const int MaxInflight = 4;
    private const int Waves = 10;
    private const int PerWave = 3 * MaxInflight;

    [Fact]
    public async Task BurstsBeyondTheLimit_WatchdogAnswers429_EveryAnswered200HasOneSpan_HostWarnsOnce()
    {
        using var host = await PublishedHost.StartUnderWatchdogAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-max-inflight",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["max_inflight"] = MaxInflight.ToString(CultureInfo.InvariantCulture),
        });
        using var client = TracedLoad.NewClient();
        (HttpStatusCode Status, string Body) ready, extra;

        // At the limit: MaxInflight requests that run until they are cancelled; the host warns when it has them all.
        // Then the watchdog is asked for readiness and sent one more request, and the held ones are cancelled.
        using (var hold = new CancellationTokenSource())
        {
            var held = Enumerable.Range(0, MaxInflight).Select(_ => TracedLoad.SendAsync(client, host.Url + "/wait-cancel", hold.Token)).ToList();
            await host.WaitForOutputAsync("the watchdog's max_inflight", TimeSpan.FromSeconds(10));
            (ready, extra) = (await GetAsync(client, host.Url + "/_/ready"), await GetAsync(client, host.Url + "/"));
            await hold.CancelAsync();
            await Task.WhenAll(held);
        }

        await Poll.UntilAsync(async () => (await GetAsync(client, host.Url + "/_/ready")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(10),
            () => "the watchdog still reports the limit met after the held requests were cancelled");

        // Then waves: PerWave requests at once, each held 600 ms by the function, so most find the limit met; the
        // next wave starts when all are answered.
        var waves = new List<TracedResult[]>();
        for (var wave = 0; wave < Waves; wave++)
        {
            waves.Add(await Task.WhenAll(Enumerable.Range(0, PerWave).Select(_ => TracedLoad.SendAsync(client, host.Url + "/slow?ms=600"))));
        }

        var all = waves.SelectMany(w => w).ToList();
        var answered = all.Where(r => r.Status == HttpStatusCode.OK).ToList();
        var rejected = all.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, answered.Select(r => r.TraceId).ToList(), TimeSpan.FromSeconds(20));
        var spans = (await receiver.Dashboard.GetSpansAsync(AspireDashboard.MaxTraces)).ToLookup(s => s.TraceId);
        var metrics = await WatchdogMetricsAsync();
        log.WriteLine($"sent {all.Count} in {Waves} waves of {PerWave} (max_inflight {MaxInflight}), answered 200 {answered.Count}, 429 {rejected.Count} " +
                      $"(at most {waves.Max(w => w.Count(r => r.Status == HttpStatusCode.OK))} 200s in a wave), spans received {arrived.Count} of {answered.Count}, " +
                      $"spans of the 429s {rejected.Sum(r => spans[r.TraceId].Count())}; at the limit: /_/ready {(int)ready.Status}, / {(int)extra.Status} \"{extra.Body.Trim()}\"; " +
                      $"warnings {WarningLines(host).Count}; watchdog :8081/metrics: {metrics ?? "not emulated"}");

        Assert.True(answered.Count + rejected.Count == all.Count, "neither 200 nor 429:\n" + TracedLoad.Describe(all.Except(answered).Except(rejected)) + "\n" + host.Output);
        Assert.All(waves, w => Assert.InRange(w.Count(r => r.Status == HttpStatusCode.OK), 0, MaxInflight));
        Assert.NotEmpty(answered);
        Assert.NotEmpty(rejected);
        Assert.Equal(HttpStatusCode.TooManyRequests, ready.Status);
        Assert.Equal((HttpStatusCode.TooManyRequests, $"Concurrent request limit exceeded. Max concurrent requests: {MaxInflight}\n"), extra);

        // Nothing the host served is lost, and nothing the watchdog turned away reached it.
        Assert.All(answered, r => Assert.Single(spans[r.TraceId], s => s.Kind == ReceivedSpan.ServerKind));
        Assert.All(rejected, r => Assert.Empty(spans[r.TraceId]));
        var warning = Assert.Single(WarningLines(host));
        Assert.Contains("http_requests_total{code=\\\"429\\\"}", warning, StringComparison.Ordinal);

        // The real watchdog counts every 429 (the one asked at the limit too) and every 200 on its metrics port.
        if (metrics is not null)
        {
            Assert.Equal(rejected.Count + 1, Counter(metrics, "429"));
            Assert.Equal(answered.Count, Counter(metrics, "200"));
        }
    }

    private static List<string> WarningLines(PublishedHost host)
        => host.Output.Split('\n').Where(l => l.Contains("the watchdog's max_inflight", StringComparison.Ordinal)).ToList();

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The real watchdog's request counters (its metrics port, always :8081); null behind the emulator.</summary>
    private static async Task<string?> WatchdogMetricsAsync()
    {
        if (PublishedHost.RealWatchdog is null)
        {
            return null;
        }

        using var client = new HttpClient(new UntracedHandler());
        var text = await client.GetStringAsync(new Uri("http://127.0.0.1:8081/metrics"));
        return string.Join(", ", text.Split('\n').Where(l => l.StartsWith("http_requests_total", StringComparison.Ordinal)));
    }

    private static long Counter(string metrics, string code)
        => RequestsTotal().Matches(metrics).Where(m => m.Groups["code"].Value == code).Sum(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""http_requests_total\{code="(?<code>\d+)",method="\w+"\} (?<count>\d+)""")]
    private static partial Regex RequestsTotal();
}
