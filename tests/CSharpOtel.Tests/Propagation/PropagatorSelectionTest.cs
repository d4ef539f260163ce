using FunctionHost.Propagation;

namespace CSharpOtel.Tests.Propagation;

public sealed class PropagatorSelectionTest
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_UnsetOrEmpty_IsTraceContextAndBaggage(string? value)
    {
        var selection = PropagatorSelection.Parse(value);
        Assert.Equal(["tracecontext", "baggage"], selection.Names);
        Assert.Empty(selection.Unknown);
    }

    [Theory]
    [InlineData("none")]
    [InlineData(" NONE ")]
    [InlineData("jaeger,none")] // none anywhere turns propagation off
    public void Parse_None_SelectsNothing(string value)
    {
        var selection = PropagatorSelection.Parse(value);
        Assert.Empty(selection.Names);
        Assert.Empty(selection.Unknown);
    }

    [Fact]
    public void Parse_KeepsOrder_TrimsAndIgnoresCase()
    {
        var selection = PropagatorSelection.Parse(" Jaeger ,B3MULTI,\ttracecontext , xray,ottrace,b3,Baggage ");
        Assert.Equal(["jaeger", "b3multi", "tracecontext", "xray", "ottrace", "b3", "baggage"], selection.Names);
        Assert.Empty(selection.Unknown);
    }

    [Fact]
    public void Parse_Duplicates_KeepFirstPosition()
    {
        var selection = PropagatorSelection.Parse("b3,jaeger,B3, b3 ,jaeger");
        Assert.Equal(["b3", "jaeger"], selection.Names);
    }

    [Fact]
    public void Parse_EmptyEntries_AreSkipped()
    {
        Assert.Equal(["b3"], PropagatorSelection.Parse(",,b3,,").Names);
    }

    [Fact]
    public void Parse_Unknown_IsReportedOnceAndIgnored()
    {
        var selection = PropagatorSelection.Parse("tracecontext,zipkin, Zipkin ,jaeger");
        Assert.Equal(["tracecontext", "jaeger"], selection.Names);
        Assert.Equal(["zipkin"], selection.Unknown);
    }

    [Fact]
    public void Parse_OnlyUnknown_SelectsNothingRatherThanTheDefaults()
    {
        var selection = PropagatorSelection.Parse("w3c");
        Assert.Empty(selection.Names);
        Assert.Equal(["w3c"], selection.Unknown);
    }

    [Fact]
    public void Create_BuildsMembersInOrder()
    {
        var composite = FunctionPropagation.Create(["xray", "b3multi", "tracecontext", "baggage", "b3", "jaeger", "ottrace"]);
        Assert.Collection(composite.Propagators,
            p => Assert.IsType<XRayPropagator>(p),
            p => Assert.Equal(new HashSet<string> { "x-b3-traceid", "x-b3-spanid", "x-b3-sampled" }, p.Fields),
            p => Assert.IsType<OpenTelemetry.Context.Propagation.TraceContextPropagator>(p),
            p => Assert.IsType<W3CBaggagePropagator>(p),
            p => Assert.Equal(new HashSet<string> { "b3" }, p.Fields),
            p => Assert.IsType<JaegerPropagator>(p),
            p => Assert.IsType<OtTracePropagator>(p));
    }
}
