using System.Net;
using System.Text.RegularExpressions;
using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>Failing functions, vanishing clients and oversize requests, against the published host.</summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class RequestGuardTest(AspireDashboardFixture receiver)
{
    private const string SecretText = "secret-exception-text-4711"; // Handler.SecretText in TestFunction/

    [Fact]
    public async Task HandlerException_Is500WithoutDetails_SpanErrorWithExceptionEvent_LoggedWithTraceId_HostSurvives()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "lifecycle-throw",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
        });
        using var client = TracedLoad.NewClient();

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, host.Url + "/throw");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain(SecretText, body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"\bat \w"), body);

        var span = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(traceId), s => s.Kind == ReceivedSpan.ServerKind);
        Assert.Equal(2, span.StatusCode); // STATUS_CODE_ERROR
        Assert.Contains("exception", span.EventNames);
        Assert.Equal("500", span.Attribute("http.response.status_code"));

        await host.WaitForOutputAsync($"the function failed; answered 500 (trace {traceId})", TimeSpan.FromSeconds(5));

        var more = await TracedLoad.RunAsync(client, host.Url + "/throw", count: 50, concurrency: 4, TimeSpan.FromSeconds(30));
        Assert.All(more, r => Assert.Equal(HttpStatusCode.InternalServerError, r.Status));
        Assert.Equal(HttpStatusCode.OK, (await TracedLoad.SendAsync(client, host.Url + "/")).Status);
        Assert.False(host.Process.Process.HasExited);
    }

    [Fact]
    public async Task HandlerException_InDevelopment_BodyShowsTheException()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        });
        using var client = TracedLoad.NewClient();
        using var response = await client.GetAsync(host.Url + "/throw");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(SecretText, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_OversizeBodyIs413_OversizeHeadersAre431_HostSurvives()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["max_request_body_size"] = "1000",
            ["max_request_headers_total_size"] = "4096",
            ["max_request_header_count"] = "bogus", // warned about once, default applies
        });
        using var client = TracedLoad.NewClient();

        using var small = await client.PostAsync(host.Url + "/echo", new StringContent(new string('a', 1000)));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal("1000", await small.Content.ReadAsStringAsync());

        using var big = await client.PostAsync(host.Url + "/echo", new StringContent(new string('a', 5000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);

        // Chunked, so the limit is only found while the function reads the body.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, host.Url + "/echo")
        {
            Content = new StreamContent(new MemoryStream(new byte[5000])),
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        using var headers = new HttpRequestMessage(HttpMethod.Get, host.Url + "/");
        headers.Headers.Add("X-Big", new string('h', 8000));
        using var headersResponse = await client.SendAsync(headers);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, headersResponse.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await TracedLoad.SendAsync(client, host.Url + "/")).Status);
        // One warning line (stdout lines are JSON by default: the quotes are escaped, and the text may appear in
        // more than one field of the line).
        Assert.Single(host.Output.Split('\n'), line => Regex.IsMatch(line, @"max_request_header_count has an invalid value 'bogus'"));
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheHandlersToken()
    {
        using var host = await PublishedHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
        });
        using (var client = TracedLoad.NewClient())
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(host.Url + "/wait-cancel", cts.Token));
        }

        await host.WaitForOutputAsync("handler observed cancellation", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("the function failed", host.Output, StringComparison.Ordinal); // a vanished client is no failure
        using var again = TracedLoad.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await TracedLoad.SendAsync(again, host.Url + "/")).Status);
    }
}
