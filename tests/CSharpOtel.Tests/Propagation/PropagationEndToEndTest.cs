using System.Diagnostics;
using CSharpOtel.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace CSharpOtel.Tests.Propagation;

/// <summary>
/// The real host on Kestrel: what incoming headers do to the server span and Baggage.Current, and what the
/// handler's outgoing HttpClient call carries to a real downstream Kestrel server.
/// </summary>
public sealed class PropagationEndToEndTest
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string TraceId64 = "a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";
    private const string FunctionPath = "/fn";

    /// <summary>Every header name any of the formats uses (prefixes end with '-').</summary>
    private static readonly string[] PropagationHeaders =
    [
        "traceparent", "tracestate", "baggage", "request-id", "correlation-context", "b3", "x-b3-traceid",
        "x-b3-spanid", "x-b3-sampled", "x-b3-flags", "x-b3-parentspanid", "uber-trace-id", "uberctx-",
        "ot-tracer-traceid", "ot-tracer-spanid", "ot-tracer-sampled", "ot-baggage-", "x-amzn-trace-id",
    ];

    public sealed class NoopHandler;

    private sealed class Observed
    {
        public ActivityTraceId TraceId { get; set; }
        public ActivitySpanId ParentSpanId { get; set; }
        public IReadOnlyDictionary<string, string> Baggage { get; set; } = new Dictionary<string, string>();
    }

    private static Task<TestFunctionHost> StartAsync(string? propagators, Observed observed, Uri? downstream = null,
        CapturingLoggerProvider? logs = null)
    {
        var settings = new Dictionary<string, string?>();
        if (propagators is not null)
        {
            settings["OTEL_PROPAGATORS"] = propagators;
        }

        return TestFunctionHost.StartAsync<NoopHandler>(
            async (_, context) =>
            {
                observed.TraceId = Activity.Current?.TraceId ?? default;
                observed.ParentSpanId = Activity.Current?.ParentSpanId ?? default;
                observed.Baggage = Baggage.Current.GetBaggage().ToDictionary();
                if (downstream is not null)
                {
                    // Baggage set by the handler goes out with the call too.
                    Baggage.SetBaggage("handler", "added here");
                    using var client = new HttpClient();
                    using var response = await client.GetAsync(downstream, context.RequestAborted);
                    response.EnsureSuccessStatusCode();
                }

                await context.Response.WriteAsync("ok", context.RequestAborted);
            },
            settings,
            builder =>
            {
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                }
            });
    }

    private static async Task<Activity> SendAsync(TestFunctionHost host, params (string Name, string Value)[] headers)
    {
        Assert.Equal(200, await RawHttp.GetAsync(host.Client.BaseAddress!, FunctionPath, headers));
        return await host.WaitForSpanAsync(s => s.Kind == ActivityKind.Server && (s.GetTagItem("url.path") as string) == FunctionPath);
    }

    public static TheoryData<string, string, (string, string)[]> SingleFormatRequests => new()
    {
        // NGINX's OpenTracing module sends the Jaeger header; the URL-encoded form comes through some proxies.
        { "jaeger", "uber-trace-id only", [("uber-trace-id", $"{TraceId}:{SpanId}:0:1")] },
        { "jaeger", "uber-trace-id URL-encoded", [("uber-trace-id", $"{TraceId}%3A{SpanId}%3A0%3A1")] },
        { "b3", "b3 single", [("b3", $"{TraceId}-{SpanId}-1")] },
        { "b3multi", "B3 multi", [("X-B3-TraceId", TraceId), ("X-B3-SpanId", SpanId), ("X-B3-Sampled", "1")] },
        { "xray", "X-Amzn-Trace-Id", [("X-Amzn-Trace-Id", $"Root=1-{TraceId[..8]}-{TraceId[8..]};Parent={SpanId};Sampled=1")] },
        { "tracecontext", "traceparent", [("traceparent", $"00-{TraceId}-{SpanId}-01")] },
    };

    [Theory]
    [MemberData(nameof(SingleFormatRequests))]
    public async Task Incoming_SingleFormat_ParentsTheServerSpan(string propagators, string description, (string, string)[] headers)
    {
        var observed = new Observed();
        await using var host = await StartAsync(propagators + ",tracecontext", observed);
        var span = await SendAsync(host, headers);

        Assert.True(TraceId == span.TraceId.ToHexString(), description);
        Assert.Equal(SpanId, span.ParentSpanId.ToHexString());
        Assert.True(span.Recorded);
        Assert.Equal(TraceId, observed.TraceId.ToHexString());
    }

    [Fact]
    public async Task Incoming_OtTrace64Bit_ParentsTheServerSpanWithPaddedTraceId()
    {
        var observed = new Observed();
        await using var host = await StartAsync("ottrace", observed);
        var span = await SendAsync(host, ("ot-tracer-traceid", TraceId64), ("ot-tracer-spanid", SpanId),
            ("ot-tracer-sampled", "true"), ("ot-baggage-tenant", "acme"));

        Assert.Equal("0000000000000000" + TraceId64, span.TraceId.ToHexString());
        Assert.Equal(SpanId, span.ParentSpanId.ToHexString());
        Assert.Equal("acme", observed.Baggage["tenant"]);
    }

    [Fact]
    public async Task Incoming_JaegerOnly_IgnoresTraceparent()
    {
        // .NET's own hosting propagation would parent the span on traceparent; OTEL_PROPAGATORS=jaeger must not.
        var observed = new Observed();
        await using var host = await StartAsync("jaeger", observed);
        var span = await SendAsync(host, ("traceparent", $"00-{TraceId}-{SpanId}-01"));

        Assert.NotEqual(TraceId, span.TraceId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
    }

    [Fact]
    public async Task Incoming_None_StartsANewTraceWithoutBaggage()
    {
        var observed = new Observed();
        await using var host = await StartAsync("none", observed);
        var span = await SendAsync(host, ("traceparent", $"00-{TraceId}-{SpanId}-01"), ("baggage", "k=v"),
            ("uber-trace-id", $"{TraceId}:{SpanId}:0:1"), ("b3", $"{TraceId}-{SpanId}-1"));

        Assert.NotEqual(TraceId, span.TraceId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
        Assert.Empty(observed.Baggage);
    }

    [Fact]
    public async Task Incoming_SeveralFormats_FirstConfiguredWins()
    {
        const string otherTrace = "11111111111111111111111111111111";
        const string otherSpan = "2222222222222222";
        var observed = new Observed();
        await using var host = await StartAsync("b3,jaeger", observed);
        var span = await SendAsync(host, ("uber-trace-id", $"{otherTrace}:{otherSpan}:0:1"), ("b3", $"{TraceId}-{SpanId}-1"));

        Assert.Equal(TraceId, span.TraceId.ToHexString());
        Assert.Equal(SpanId, span.ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task Incoming_UberctxAndBaggage_ReachBaggageCurrent()
    {
        var observed = new Observed();
        await using var host = await StartAsync("tracecontext,baggage,jaeger", observed);
        await SendAsync(host, ("uber-trace-id", $"{TraceId}:{SpanId}:0:1"), ("uberctx-user", "jane%20doe"),
            ("uberctx-shared", "from-jaeger"), ("baggage", "tenant=acme%2C%20inc,shared=from-w3c"));

        Assert.Equal("jane doe", observed.Baggage["user"]);
        Assert.Equal("acme, inc", observed.Baggage["tenant"]);
        // Merge rule: for a key in several formats the format listed first in OTEL_PROPAGATORS wins.
        Assert.Equal("from-w3c", observed.Baggage["shared"]);
    }

    [Fact]
    public async Task Incoming_HostileHeaders_NeverFailTheRequest()
    {
        var observed = new Observed();
        await using var host = await StartAsync("tracecontext,baggage,b3,b3multi,jaeger,ottrace,xray", observed);
        // Kestrel refuses headers above 32 KB in all; this stays below so the propagators see all of it.
        var longValue = new string('%', 4_000);
        var span = await SendAsync(host, ("uber-trace-id", longValue), ("b3", "0"), ("X-B3-TraceId", "zz"),
            ("X-B3-SpanId", longValue), ("baggage", string.Concat(Enumerable.Repeat("k=%E0%A4%A,", 600))),
            ("uberctx-x", "%FF"), ("ot-tracer-traceid", longValue), ("X-Amzn-Trace-Id", "Root=;Parent=;Sampled=;;;="),
            ("traceparent", "00-" + longValue));

        Assert.Equal(default, span.ParentSpanId);
        Assert.Empty(observed.Baggage);
    }

    [Fact]
    public async Task Outgoing_AllFormats_CarryTheSameTraceAndTheBaggage()
    {
        await using var downstream = await HeaderRecorder.StartAsync();
        var observed = new Observed();
        await using var host = await StartAsync("tracecontext,baggage,b3,b3multi,jaeger,ottrace,xray", observed, new Uri(downstream.Url, "/downstream"));
        await SendAsync(host, ("traceparent", $"00-{TraceId}-{SpanId}-01"), ("baggage", "tenant=acme"));

        var headers = Assert.Single(downstream.Requests);
        var client = await host.WaitForSpanAsync(s => s.Kind == ActivityKind.Client);
        var clientSpanId = client.SpanId.ToHexString();
        Assert.Equal(TraceId, client.TraceId.ToHexString());

        Assert.Equal($"00-{TraceId}-{clientSpanId}-01", headers["traceparent"]);
        Assert.Equal($"{TraceId}-{clientSpanId}-1", headers["b3"]);
        Assert.Equal(TraceId, headers["x-b3-traceid"]);
        Assert.Equal(clientSpanId, headers["x-b3-spanid"]);
        Assert.Equal("1", headers["x-b3-sampled"]);
        Assert.Equal($"{TraceId}:{clientSpanId}:0:01", headers["uber-trace-id"]);
        Assert.Equal(TraceId64, headers["ot-tracer-traceid"]); // OT sends the low 64 bits
        Assert.Equal(clientSpanId, headers["ot-tracer-spanid"]);
        Assert.Equal("true", headers["ot-tracer-sampled"]);
        Assert.Equal($"Root=1-{TraceId[..8]}-{TraceId[8..]};Parent={clientSpanId};Sampled=1", headers["x-amzn-trace-id"]);

        var baggage = headers["baggage"].Split(',');
        Assert.Equal(["handler=added%20here", "tenant=acme"], baggage.Order());
        Assert.Equal("acme", headers["uberctx-tenant"]);
        Assert.Equal("added%20here", headers["uberctx-handler"]);
        Assert.Equal("acme", headers["ot-baggage-tenant"]);
        Assert.Equal("added here", headers["ot-baggage-handler"]);
        Assert.Equal(
            ["b3", "baggage", "ot-baggage-handler", "ot-baggage-tenant", "ot-tracer-sampled", "ot-tracer-spanid",
             "ot-tracer-traceid", "traceparent", "uber-trace-id", "uberctx-handler", "uberctx-tenant", "x-amzn-trace-id",
             "x-b3-sampled", "x-b3-spanid", "x-b3-traceid"],
            PropagationHeaderNames(headers));
    }

    [Theory]
    [InlineData("b3", new[] { "b3" })]
    [InlineData("jaeger", new[] { "uber-trace-id", "uberctx-handler" })]
    [InlineData("b3multi,xray", new[] { "x-amzn-trace-id", "x-b3-sampled", "x-b3-spanid", "x-b3-traceid" })]
    [InlineData("none", new string[0])]
    public async Task Outgoing_OnlyTheConfiguredFormats(string propagators, string[] expected)
    {
        await using var downstream = await HeaderRecorder.StartAsync();
        var observed = new Observed();
        await using var host = await StartAsync(propagators, observed, new Uri(downstream.Url, "/downstream"));
        await SendAsync(host);

        var headers = Assert.Single(downstream.Requests);
        Assert.Equal(expected, PropagationHeaderNames(headers));
    }

    [Fact]
    public async Task UnknownPropagator_LogsOneWarningNamingVariableAndValue()
    {
        var logs = new CapturingLoggerProvider();
        var observed = new Observed();
        await using var host = await StartAsync("jaeger, zipkin ,ZIPKIN", observed, logs: logs);

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("propagator", StringComparison.Ordinal));
        Assert.Equal(
            "OTEL_PROPAGATORS has an invalid value 'zipkin'; known propagators are tracecontext, baggage, b3, b3multi, jaeger, ottrace, xray and none; using jaeger.",
            warning.Message);
        var span = await SendAsync(host, ("uber-trace-id", $"{TraceId}:{SpanId}:0:1"));
        Assert.Equal(TraceId, span.TraceId.ToHexString());
    }

    private static string[] PropagationHeaderNames(IDictionary<string, string> headers)
        => [.. headers.Keys
            .Where(name => PropagationHeaders.Any(p => p.EndsWith('-') ? name.StartsWith(p, StringComparison.Ordinal) : name == p))
            .Order(StringComparer.Ordinal)];
}
