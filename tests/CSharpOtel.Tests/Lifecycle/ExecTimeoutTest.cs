using System.Net;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>
/// An invocation cut by the watchdog's exec_timeout, behind the watchdog (<see cref="WatchdogEmulator"/>): the
/// caller gets the watchdog's 504, and the trace and the log say it was the limit, whether the function stops on
/// its cancellation token or ignores it.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class ExecTimeoutTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    [Fact]
    public async Task ExecTimeout_504_ServerSpanErrorTimeout_OneWarningWithCallIdPathAndLimit()
    {
        using var host = await PublishedHost.StartUnderWatchdogAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-exec-timeout",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["exec_timeout"] = "1s",
        });
        using var client = TracedLoad.NewClient();

        var honours = await InvokeAsync(client, host.Url + "/slow?ms=3000");
        var ignores = await InvokeAsync(client, host.Url + "/ignore?ms=3000");
        var quick = await InvokeAsync(client, host.Url + "/slow?ms=10");

        Assert.Equal(HttpStatusCode.GatewayTimeout, honours.Status);
        Assert.Equal(HttpStatusCode.GatewayTimeout, ignores.Status);
        Assert.Equal(HttpStatusCode.OK, quick.Status);

        foreach (var (cut, path) in new[] { (honours, "/slow"), (ignores, "/ignore") })
        {
            var span = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(cut.TraceId, timeout: TimeSpan.FromSeconds(15)), s => s.Kind == ReceivedSpan.ServerKind);
            log.WriteLine($"{path}: status {cut.Status}, span status {span.StatusCode}, error.type {span.Attribute("error.type")}, http.response.status_code {span.Attribute("http.response.status_code")}");
            Assert.Equal(2, span.StatusCode); // STATUS_CODE_ERROR
            Assert.Equal("timeout", span.Attribute("error.type"));

            await host.WaitForOutputAsync(cut.CallId, TimeSpan.FromSeconds(10));
            var warning = Assert.Single(WarningLines(host, cut.CallId));
            log.WriteLine(warning);
            Assert.Contains(path, warning, StringComparison.Ordinal);
            Assert.Contains("00:00:01", warning, StringComparison.Ordinal);
            Assert.Contains(cut.TraceId, warning, StringComparison.Ordinal);
        }

        var quickSpan = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(quick.TraceId), s => s.Kind == ReceivedSpan.ServerKind);
        Assert.NotEqual(2, quickSpan.StatusCode);
        Assert.Empty(WarningLines(host, quick.CallId));
    }

    private static IEnumerable<string> WarningLines(PublishedHost host, string callId)
        => host.Output.Split('\n').Where(line => line.Contains("ran into exec_timeout", StringComparison.Ordinal) && line.Contains(callId, StringComparison.Ordinal));

    private static async Task<(string TraceId, string CallId, HttpStatusCode? Status)> InvokeAsync(HttpClient client, string url)
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var callId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.Add("X-Call-Id", callId);
        using var response = await client.SendAsync(request);
        return (traceId, callId, response.StatusCode);
    }
}
