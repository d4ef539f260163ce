using System.Net;
using CSharpOtel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>Sustained concurrent load with a healthy collector: no errors, and with the default export settings no span dropped.</summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class OverloadTest(AspireDashboardFixture receiver, ITestOutputHelper log)
{
    [Fact]
    public async Task SustainedConcurrentLoad_NoErrors_NoSpanDropped()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-overload",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["OTEL_BSP_SCHEDULE_DELAY"] = null, // the template's defaults, as a user gets them
            ["dropped_spans_report_interval"] = "1s",
        });
        using var client = TracedLoad.NewClient();

        var started = DateTime.UtcNow;
        var results = await TracedLoad.RunAsync(client, host.Url + "/", count: 4000, concurrency: 16, TimeSpan.FromSeconds(40));
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        Assert.True(results.All(r => r.Status == HttpStatusCode.OK), TracedLoad.Describe(results));
        Assert.Equal(4000, results.Count);

        var ids = results.Select(r => r.TraceId).ToList();
        var arrived = await TracedLoad.WaitForTracesAsync(receiver.Dashboard, ids, TimeSpan.FromSeconds(30));
        log.WriteLine($"{results.Count} requests in {seconds:F1} s ({results.Count / seconds:F0}/s), all OK; spans delivered {arrived.Count} of {ids.Count}");
        Assert.DoesNotContain("not delivered", host.Output, StringComparison.Ordinal);
        Assert.Equal(ids.Count, arrived.Count);
    }
}
