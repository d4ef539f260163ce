using System.Diagnostics;
using FunctionHost.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace CSharpOtel.Tests.Propagation;

/// <summary>Rules of the formats that the reference vectors do not cover.</summary>
public sealed class PropagatorRulesTest
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Span = "00f067aa0ba902b7";

    private static PropagationContext Extract(string name, Dictionary<string, string> headers)
        => FunctionPropagation.Create([name]).Propagators[0]
            .Extract(default, headers, static (c, k) => c.TryGetValue(k, out var v) ? [v] : null);

    [Fact]
    public void Jaeger_DebugIdWithTraceContext_ForcesSampled()
    {
        var context = Extract("jaeger", new(StringComparer.OrdinalIgnoreCase)
        {
            ["uber-trace-id"] = $"{Trace}:{Span}:0:0",
            ["jaeger-debug-id"] = "my-debug-session",
        });
        Assert.Equal(ActivityTraceFlags.Recorded, context.ActivityContext.TraceFlags);
    }

    [Fact]
    public void Jaeger_DebugIdAlone_CarriesNoContext()
    {
        // A propagator cannot force the local sampler for a new root trace (see README, deviations).
        var context = Extract("jaeger", new(StringComparer.OrdinalIgnoreCase) { ["jaeger-debug-id"] = "x" });
        Assert.Equal(default, context.ActivityContext);
    }

    [Fact]
    public void Jaeger_BaggageHeaderNames_AreCaseInsensitive()
    {
        var context = Extract("jaeger", new(StringComparer.OrdinalIgnoreCase) { ["UberCtx-Tenant"] = "acme" });
        Assert.Equal("acme", context.Baggage.GetBaggage()["Tenant"]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("d")]
    public void B3_SamplingStateAlone_CarriesNoContext(string value)
    {
        Assert.Equal(default, Extract("b3", new() { ["b3"] = value }).ActivityContext);
    }

    [Fact]
    public void B3_Inject_NeverSendsParentSpanId()
    {
        var carrier = new Dictionary<string, string>();
        var context = new PropagationContext(new ActivityContext(ActivityTraceId.CreateFromString(Trace),
            ActivitySpanId.CreateFromString(Span), ActivityTraceFlags.Recorded, isRemote: true), default);
        FunctionPropagation.Create(["b3", "b3multi"]).Inject(context, carrier, static (c, k, v) => c[k] = v);

        Assert.Equal(["b3", "x-b3-sampled", "x-b3-spanid", "x-b3-traceid"], carrier.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"{Trace}-{Span}-1", carrier["b3"]);
    }

    [Fact]
    public void Baggage_64MembersOf128Bytes_PassBothWays()
    {
        // W3C: 64 members and 8192 bytes must pass.
        var members = Enumerable.Range(0, 64).ToDictionary(i => $"k{i:00}", i => new string('v', 123));
        var carrier = new Dictionary<string, string>();
        new W3CBaggagePropagator().Inject(new PropagationContext(default, Baggage.Create(members)), carrier, static (c, k, v) => c[k] = v);
        Assert.Equal(8191, carrier["baggage"].Length);

        var extracted = Extract("baggage", carrier);
        Assert.Equal(members, extracted.Baggage.GetBaggage());
    }

    [Theory]
    [InlineData("tracecontext")]
    [InlineData("baggage")]
    [InlineData("b3")]
    [InlineData("b3multi")]
    [InlineData("jaeger")]
    [InlineData("ottrace")]
    [InlineData("xray")]
    public void Extract_HeadersAbsent_AllocatesNothing(string name)
    {
        var propagator = FunctionPropagation.Create([name]).Propagators[0];
        var carrier = new Dictionary<string, string[]> { ["host"] = ["example"], ["accept"] = ["*/*"] };
        Func<Dictionary<string, string[]>, string, IEnumerable<string>?> getter = static (c, k) => c.TryGetValue(k, out var v) ? v : null;
        propagator.Extract(default, carrier, getter); // warm up: JIT and static initialisers

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            propagator.Extract(default, carrier, getter);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
