using System.Diagnostics;
using System.Globalization;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.OpenFaaS;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CSharpOtel.Tests.OpenFaaS;

public class InvocationTelemetryTest
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static Task<TestFunctionHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        OkHandler.Calls = 0;
        return TestFunctionHost.StartAsync<OkHandler>((h, c) => h.HandleAsync(c), settings);
    }

    private static async Task<Activity> CallAsync(TestFunctionHost host, Action<HttpRequestMessage>? shape = null)
    {
        host.Spans.Clear();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("x") };
        shape?.Invoke(request);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await host.WaitForServerSpanAsync();
    }

    [Fact]
    public async Task ServerSpan_FirstInvocationIsColdAndTheSecondIsNot()
    {
        await using var host = await StartAsync();

        // Probes are answered by the host and are no invocation: they must not use up the cold start.
        await host.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));
        await host.Client.GetAsync(new Uri("/_/health", UriKind.Relative));

        var first = await CallAsync(host);
        var second = await CallAsync(host);

        Assert.Equal(true, first.GetTagItem("faas.coldstart"));
        Assert.Equal(false, second.GetTagItem("faas.coldstart"));
        Assert.Equal("http", first.GetTagItem("faas.trigger"));
        Assert.Equal("http", second.GetTagItem("faas.trigger"));
    }

    [Fact]
    public async Task ServerSpan_CallIdFromTheGateway_IsTheInvocationId()
    {
        await using var host = await StartAsync();

        var span = await CallAsync(host, r => r.Headers.Add("X-Call-Id", "0d9b5d2c-8d4b-4a6f-9d0e-6a3c1c1f2e11"));

        Assert.Equal("0d9b5d2c-8d4b-4a6f-9d0e-6a3c1c1f2e11", span.GetTagItem("faas.invocation_id"));
        Assert.Null(span.GetTagItem("openfaas.async"));
    }

    [Fact]
    public async Task ServerSpan_QueueWorkerReplay_IsMarkedAsyncWithItsQueueDelay()
    {
        await using var host = await StartAsync();
        var queuedAt = DateTime.UtcNow - TimeSpan.FromSeconds(3);
        var queuedAtNanoseconds = (queuedAt.Ticks - DateTime.UnixEpoch.Ticks) * 100;

        // What the queue-worker sends: the stored headers of /async-function/NAME, its own User-Agent.
        var span = await CallAsync(host, r =>
        {
            r.Headers.TryAddWithoutValidation("User-Agent", "openfaas-ce/nats-queue-worker");
            r.Headers.Add("X-Call-Id", "async-1");
            r.Headers.Add("X-Start-Time", queuedAtNanoseconds.ToString(CultureInfo.InvariantCulture));
            r.Headers.Add("X-Callback-Url", "http://receiver:8080/done");
            r.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        });

        Assert.Equal(true, span.GetTagItem("openfaas.async"));
        var delay = Assert.IsType<double>(span.GetTagItem("openfaas.queue.delay"));
        Assert.InRange(delay, 3.0, 30.0);
        Assert.Equal("async-1", span.GetTagItem("faas.invocation_id"));
        Assert.Equal(TraceId, span.TraceId.ToHexString()); // traceparent survives the queue
    }

    [Fact]
    public async Task ServerSpan_CallbackUrlAlone_MarksAsync()
    {
        await using var host = await StartAsync();
        var span = await CallAsync(host, r => r.Headers.Add("X-Callback-Url", "http://receiver/done"));
        Assert.Equal(true, span.GetTagItem("openfaas.async"));
        Assert.Null(span.GetTagItem("openfaas.queue.delay")); // no X-Start-Time, no delay
    }

    [Theory]
    [InlineData("garbage")] // not a number
    [InlineData("-5")]
    [InlineData("99999999999999999999999")] // overflows
    public async Task ServerSpan_BadStartTime_IsIgnoredAndTheRequestSucceeds(string startTime)
    {
        await using var host = await StartAsync();
        var span = await CallAsync(host, r =>
        {
            r.Headers.TryAddWithoutValidation("User-Agent", "openfaas-ce/nats-queue-worker");
            r.Headers.TryAddWithoutValidation("X-Start-Time", startTime);
        });
        Assert.Equal(true, span.GetTagItem("openfaas.async"));
        Assert.Null(span.GetTagItem("openfaas.queue.delay"));
    }

    [Fact]
    public void QueueDelay_FutureOrAncientOrMissing_IsNull()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        long Nanoseconds(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) * 100;

        Assert.Null(InvocationTelemetry.QueueDelay(new StringValues(Nanoseconds(now.AddSeconds(5)).ToString(CultureInfo.InvariantCulture)), now));
        Assert.Null(InvocationTelemetry.QueueDelay(new StringValues(Nanoseconds(now.AddDays(-2)).ToString(CultureInfo.InvariantCulture)), now));
        Assert.Null(InvocationTelemetry.QueueDelay(StringValues.Empty, now));
        Assert.Equal(TimeSpan.FromMilliseconds(1500),
            InvocationTelemetry.QueueDelay(new StringValues(Nanoseconds(now.AddMilliseconds(-1500)).ToString(CultureInfo.InvariantCulture)), now));
    }

    [Fact]
    public async Task ResponseTraceparent_OffByDefault()
    {
        await using var host = await StartAsync();
        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.False(response.Headers.Contains("traceparent"));
    }

    [Fact]
    public async Task ResponseTraceparent_WhenEnabled_IsTheServerSpansContext()
    {
        await using var host = await StartAsync(Settings.Dictionary(("CSHARP_OTEL_RESPONSE_TRACEPARENT", "true")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        using var response = await host.Client.SendAsync(request);

        var span = await host.WaitForServerSpanAsync();
        Assert.Equal($"00-{TraceId}-{span.SpanId.ToHexString()}-01", response.Headers.GetValues("traceparent").Single());
    }

    [Fact]
    public async Task Probes_AreAnsweredByTheHostAndNotTraced()
    {
        await using var host = await StartAsync();

        using var ready = await host.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));
        using var health = await host.Client.GetAsync(new Uri("/_/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(0, OkHandler.Calls);

        // A real invocation afterwards is the only server span (not through CallAsync, which forgets earlier spans).
        // Once the host has stopped, every request has ended and so has its span: a probe's would be among them.
        using var invocation = await host.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent("x"));
        Assert.Equal(HttpStatusCode.OK, invocation.StatusCode);
        await host.StopAsync();
        var server = Assert.Single(host.Spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("POST", server.GetTagItem("http.request.method"));
    }

    [Fact]
    public async Task WithoutTracerProvider_TheActivityCarriesOnlyTheCallId_ForTheLogLines()
    {
        ActivityTagsHandler.Seen = null;
        await using var host = await TestFunctionHost.StartAsync<ActivityTagsHandler>(
            (h, c) => h.HandleAsync(c), new Dictionary<string, string?> { ["OTEL_SDK_DISABLED"] = "true" });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("x") };
        request.Headers.Add("X-Call-Id", "call-without-sdk");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // ASP.NET Core still makes an activity (log correlation): the call id is on it, the faas.* span attributes,
        // which nothing would record, are not (an allocation per request for nobody).
        var tags = Assert.IsType<Dictionary<string, object?>>(ActivityTagsHandler.Seen);
        Assert.Equal("call-without-sdk", tags["faas.invocation_id"]);
        Assert.DoesNotContain("faas.trigger", tags.Keys);
        Assert.DoesNotContain("faas.coldstart", tags.Keys);
        Assert.Empty(host.Spans);
    }

    public sealed class ActivityTagsHandler
    {
        public static Dictionary<string, object?>? Seen;

        public Task HandleAsync(HttpContext context)
        {
            Seen = Activity.Current?.TagObjects.ToDictionary(t => t.Key, t => t.Value);
            return context.Response.WriteAsync("ok");
        }
    }

    public sealed class OkHandler
    {
        // Tests run one at a time; StartAsync resets it.
        public static int Calls;

        public Task HandleAsync(HttpContext context)
        {
            Interlocked.Increment(ref Calls);
            return context.Response.WriteAsync("ok");
        }
    }
}
