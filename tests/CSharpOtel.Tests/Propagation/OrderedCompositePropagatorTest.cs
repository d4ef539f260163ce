using FunctionHost.Propagation;
using OpenTelemetry;

namespace CSharpOtel.Tests.Propagation;

public sealed class OrderedCompositePropagatorTest
{
    private const string TraceA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string SpanA = "aaaaaaaaaaaaaaaa";
    private const string TraceB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string SpanB = "bbbbbbbbbbbbbbbb";

    private static readonly Dictionary<string, string> TwoFormats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b3"] = $"{TraceA}-{SpanA}-1",
        ["uber-trace-id"] = $"{TraceB}:{SpanB}:0:1",
    };

    private static OpenTelemetry.Context.Propagation.PropagationContext Extract(string names, Dictionary<string, string> headers)
        => FunctionPropagation.Create(names.Split(','))
            .Extract(default, headers, static (c, k) => c.TryGetValue(k, out var v) ? [v] : null);

    [Theory]
    [InlineData("b3,jaeger", TraceA, SpanA)]
    [InlineData("jaeger,b3", TraceB, SpanB)]
    public void Extract_FirstConfiguredValidContextWins(string names, string trace, string span)
    {
        var context = Extract(names, TwoFormats).ActivityContext;
        Assert.Equal(trace, context.TraceId.ToHexString());
        Assert.Equal(span, context.SpanId.ToHexString());
    }

    [Fact]
    public void Extract_InvalidFirstFormat_FallsThroughToTheNext()
    {
        var headers = new Dictionary<string, string>(TwoFormats, StringComparer.OrdinalIgnoreCase) { ["b3"] = "garbage" };
        Assert.Equal(TraceB, Extract("b3,jaeger", headers).ActivityContext.TraceId.ToHexString());
    }

    [Fact]
    public void Extract_BaggageFromAllFormats_FirstListedWinsPerKey()
    {
        var headers = new Dictionary<string, string>(TwoFormats, StringComparer.OrdinalIgnoreCase)
        {
            ["baggage"] = "shared=w3c,onlyw3c=1",
            ["uberctx-shared"] = "jaeger",
            ["uberctx-onlyjaeger"] = "2",
        };

        Assert.Equal(
            new Dictionary<string, string> { ["shared"] = "jaeger", ["onlyjaeger"] = "2", ["onlyw3c"] = "1" },
            Extract("jaeger,baggage", headers).Baggage.GetBaggage());
        Assert.Equal("w3c", Extract("baggage,jaeger", headers).Baggage.GetBaggage()["shared"]);
    }

    [Fact]
    public void Extract_MergedBaggage_IsCappedWholeMembers()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["baggage"] = string.Join(",", Enumerable.Range(0, 150).Select(i => $"w{i}=v")),
            ["uber-trace-id"] = $"{TraceB}:{SpanB}:0:1",
        };
        for (var i = 0; i < 100; i++)
        {
            headers[$"uberctx-j{i}"] = "v";
        }

        var baggage = Extract("baggage,jaeger", headers).Baggage;
        Assert.Equal(BaggageLimits.MaxMembers, baggage.Count);
        Assert.All(baggage.GetBaggage().Values, v => Assert.Equal("v", v));
    }

    [Fact]
    public void Extract_ValidIncomingContext_IsKept()
    {
        var incoming = new System.Diagnostics.ActivityContext(
            System.Diagnostics.ActivityTraceId.CreateRandom(), System.Diagnostics.ActivitySpanId.CreateRandom(),
            System.Diagnostics.ActivityTraceFlags.None, isRemote: true);
        var result = FunctionPropagation.Create(["b3"]).Extract(new(incoming, default), TwoFormats,
            static (c, k) => c.TryGetValue(k, out var v) ? [v] : null);
        Assert.Equal(incoming, result.ActivityContext);
    }

    [Fact]
    public void Extract_NoPropagators_ReturnsIncomingUnchanged()
    {
        var result = Extract("tracecontext", []);
        Assert.Equal(default, result.ActivityContext);
        Assert.Empty(FunctionPropagation.Create([]).Fields);
        Assert.Equal(default, FunctionPropagation.Create([]).Extract(default, TwoFormats,
            static (c, k) => c.TryGetValue(k, out var v) ? [v] : null).ActivityContext);
    }

    [Fact]
    public void Inject_ThrowingSetterForOneFormat_DoesNotStopTheOthers()
    {
        var carrier = new Dictionary<string, string>();
        var context = new OpenTelemetry.Context.Propagation.PropagationContext(
            new System.Diagnostics.ActivityContext(System.Diagnostics.ActivityTraceId.CreateFromString(TraceA),
                System.Diagnostics.ActivitySpanId.CreateFromString(SpanA), System.Diagnostics.ActivityTraceFlags.Recorded), default);
        FunctionPropagation.Create(["b3", "jaeger"]).Inject(context, carrier, static (c, k, v) =>
        {
            if (k == "b3")
            {
                throw new InvalidOperationException("this carrier refuses b3");
            }

            c[k] = v;
        });

        Assert.Equal($"{TraceA}:{SpanA}:0:01", Assert.Single(carrier).Value);
    }

    [Fact]
    public void Fields_AreTheUnionOfTheMembers()
    {
        var fields = FunctionPropagation.Create(["b3", "jaeger", "tracecontext", "b3"]).Fields;
        Assert.Equal(["b3", "traceparent", "tracestate", "uber-trace-id"], fields.Order(StringComparer.Ordinal));
    }
}
