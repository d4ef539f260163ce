using System.Net;
using System.Text.RegularExpressions;
using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>
/// What an operator sees on the published host's stdout when requests hit a size limit, and when the function's
/// outgoing call fails: one warning line per cause, naming the limit and the variable that raises it; one warning
/// line per failed call, without a stack trace.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed partial class RequestRejectionLogTest(AspireDashboardFixture receiver)
{
    [Fact]
    public async Task Rejections_431And413_AreWarnedOncePerCause_NamingTheLimitAndItsVariable()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["max_request_body_size"] = "1000",
            ["max_request_headers_total_size"] = "4096",
            ["max_request_header_count"] = "20",
        });
        using var client = TracedLoad.NewClient();

        for (var i = 0; i < 3; i++)
        {
            using var headers = new HttpRequestMessage(HttpMethod.Get, host.Url + "/");
            headers.Headers.Add("X-Big", new string('h', 8000));
            using var tooLarge = await client.SendAsync(headers);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooLarge.StatusCode);

            using var many = new HttpRequestMessage(HttpMethod.Get, host.Url + "/");
            for (var h = 0; h < 30; h++)
            {
                many.Headers.Add($"X-H{h}", "v");
            }

            using var tooMany = await client.SendAsync(many);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooMany.StatusCode);

            using var body = await client.PostAsync(host.Url + "/echo", new StringContent(new string('a', 5000)));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await TracedLoad.SendAsync(client, host.Url + "/")).Status);
        await host.WaitForOutputAsync("413", TimeSpan.FromSeconds(5));
        var lines = host.Output.Split('\n');
        var rejections = lines.Where(l => l.Contains("lifecycle: request rejected", StringComparison.Ordinal)).ToList();
        Assert.True(rejections.Count == 3, "expected one line per cause:\n" + host.Output);
        Assert.Single(rejections, l => l.Contains("rejected with 431: its headers are larger than 4096 bytes in all (max_request_headers_total_size); raise max_request_headers_total_size", StringComparison.Ordinal));
        Assert.Single(rejections, l => l.Contains("rejected with 431: it has more than 20 headers (max_request_header_count); raise max_request_header_count", StringComparison.Ordinal));
        Assert.Single(rejections, l => l.Contains("rejected with 413: its body is larger than 1000 bytes (max_request_body_size); raise max_request_body_size", StringComparison.Ordinal));
        Assert.All(rejections, l => Assert.Contains("\"level\":\"warn", l, StringComparison.Ordinal));
        Assert.DoesNotMatch(StackFrame(), host.Output);
    }

    [Fact]
    public async Task FailedOutgoingCall_IsOneWarningLine_WithoutStackTrace()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
        });
        using var client = TracedLoad.NewClient();
        var closed = $"http://127.0.0.1:{FreePort.Next()}/orders";

        using var response = await client.GetAsync($"{host.Url}/call?url={Uri.EscapeDataString(closed + "?token=secret-4711")}");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await host.WaitForOutputAsync("outgoing call failed", TimeSpan.FromSeconds(5));
        var line = Assert.Single(host.Output.Split('\n'), l => l.Contains(closed, StringComparison.Ordinal));
        Assert.Contains($"outgoing call failed: GET {closed}: Connection refused", line, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"warn", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-4711", host.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), host.Output);
    }

    // A stack frame as the JSON formatter writes an exception ("\n   at Namespace.Type.Method(").
    [GeneratedRegex(@"\bat [A-Z][\w.]+\.\w+\(")]
    private static partial Regex StackFrame();
}
