using System.Diagnostics;
using System.Globalization;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.OpenFaaS;

/// <summary>
/// An asynchronous invocation as the queue-worker replays it (POST, no keep-alive, its User-Agent, the headers the
/// gateway stored: X-Call-Id, X-Start-Time from when it was queued, the caller's traceparent), sent
/// through the watchdog (<see cref="WatchdogEmulator"/>, or a real fwatchdog with dev/real-watchdog.sh) to the
/// published host: the span at the real receiver is marked async, carries the queue delay and the call id, and
/// joins the caller's trace. Telemetry/OtlpReceiverTest checks the same attributes on the in-process host.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class AsyncInvocationTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    [Fact]
    public async Task QueueWorkerReplay_ThroughTheWatchdog_SpanIsAsyncWithQueueDelayCallIdAndTheCallersParent()
    {
        using var host = await PublishedHost.StartUnderWatchdogAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "openfaas-async",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        const string CallerSpanId = "00f067aa0ba902b7";
        var callId = Guid.NewGuid().ToString();
        var queued = TimeSpan.FromSeconds(2);
        var sinceStartTime = Stopwatch.StartNew();
        var startTime = (DateTime.UtcNow.Ticks - queued.Ticks - DateTime.UnixEpoch.Ticks) * 100; // Unix nanoseconds
        using var client = TracedLoad.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, host.Url + "/echo") { Content = new StringContent("queued body") };
        request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("User-Agent", "openfaas-ce/nats-queue-worker");
        request.Headers.Add("X-Call-Id", callId);
        request.Headers.Add("X-Start-Time", startTime.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("traceparent", $"00-{traceId}-{CallerSpanId}-01");
        using var response = await client.SendAsync(request);
        var upperBound = queued + sinceStartTime.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("11", await response.Content.ReadAsStringAsync());

        var server = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(traceId), s => s.Kind == ReceivedSpan.ServerKind);
        var delay = double.Parse(server.Attribute("openfaas.queue.delay") ?? "NaN", CultureInfo.InvariantCulture);
        log.WriteLine($"async span: parent {server.ParentSpanId}, faas.invocation_id {server.Attribute("faas.invocation_id")}, " +
                      $"openfaas.async {server.Attribute("openfaas.async")}, openfaas.queue.delay {delay:F3} s (queued {queued.TotalSeconds:F0} s before the send, " +
                      $"answered within {upperBound.TotalSeconds:F3} s), faas.trigger {server.Attribute("faas.trigger")}, faas.coldstart {server.Attribute("faas.coldstart")}");

        Assert.Equal(CallerSpanId, server.ParentSpanId);
        Assert.Equal(callId, server.Attribute("faas.invocation_id"));
        Assert.Equal("true", server.Attribute("openfaas.async"), ignoreCase: true);
        Assert.InRange(delay, queued.TotalSeconds, upperBound.TotalSeconds);
        Assert.Equal("http", server.Attribute("faas.trigger"));
        Assert.Equal("true", server.Attribute("faas.coldstart"), ignoreCase: true);
    }
}
