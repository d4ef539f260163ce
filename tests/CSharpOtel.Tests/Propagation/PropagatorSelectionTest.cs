using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Configuration;
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
        var warnings = new ConfigurationWarnings();
        var selection = Parse(value, warnings);
        Assert.Equal(["tracecontext", "baggage"], selection.Names);
        Assert.Empty(warnings.All);
    }

    [Theory]
    [InlineData("none")]
    [InlineData(" NONE ")]
    [InlineData("jaeger,none")] // none anywhere turns propagation off
    public void Parse_None_SelectsNothing(string value)
    {
        var warnings = new ConfigurationWarnings();
        var selection = Parse(value, warnings);
        Assert.Empty(selection.Names);
        Assert.Empty(warnings.All);
    }

    [Fact]
    public void Parse_KeepsOrder_TrimsAndIgnoresCase()
    {
        var warnings = new ConfigurationWarnings();
        var selection = Parse(" Jaeger ,B3MULTI,\ttracecontext , xray,ottrace,b3,Baggage ", warnings);
        Assert.Equal(["jaeger", "b3multi", "tracecontext", "xray", "ottrace", "b3", "baggage"], selection.Names);
        Assert.Empty(warnings.All);
    }

    [Fact]
    public void Parse_Duplicates_KeepFirstPosition()
    {
        var selection = Parse("b3,jaeger,B3, b3 ,jaeger");
        Assert.Equal(["b3", "jaeger"], selection.Names);
    }

    [Fact]
    public void Parse_EmptyEntries_AreSkipped()
    {
        Assert.Equal(["b3"], Parse(",,b3,,").Names);
    }

    [Fact]
    public void Parse_Unknown_IsReportedOnceAndIgnored()
    {
        var warnings = new ConfigurationWarnings();
        var selection = Parse("tracecontext,zipkin, Zipkin ,jaeger", warnings);
        Assert.Equal(["tracecontext", "jaeger"], selection.Names);
        Assert.Equal("zipkin", Assert.Single(warnings.All).Value);
    }

    [Theory]
    [InlineData("w3c", "w3c")]
    [InlineData("jeager", "jeager")] // a typo must not cut every trace the function is part of
    [InlineData(" Jeager , zipkin,JEAGER", "Jeager,zipkin")]
    public void Read_OnlyUnknown_FallsBackToTheDefault_WithOneWarningThatSaysSo(string value, string reported)
    {
        var warnings = new ConfigurationWarnings();
        var selection = PropagatorSelection.Read(new SettingsReader(Settings.Of(("OTEL_PROPAGATORS", value)), warnings));
        Assert.Equal(["tracecontext", "baggage"], selection.Names);
        Assert.Equal(
            new ConfigurationWarning("OTEL_PROPAGATORS", reported,
                "known propagators are tracecontext, baggage, b3, b3multi, jaeger, ottrace, xray and none; " +
                "no known name is left, so the default applies: tracecontext,baggage"),
            Assert.Single(warnings.All));
    }

    [Fact]
    public void Read_SomeKnown_KeepsThem_AndWarnsOnceAboutTheRest()
    {
        var warnings = new ConfigurationWarnings();
        var selection = PropagatorSelection.Read(new SettingsReader(Settings.Of(("OTEL_PROPAGATORS", "b3,jeager,xray,zipkin")), warnings));
        Assert.Equal(["b3", "xray"], selection.Names);
        Assert.Equal(
            new ConfigurationWarning("OTEL_PROPAGATORS", "jeager,zipkin",
                "known propagators are tracecontext, baggage, b3, b3multi, jaeger, ottrace, xray and none; using b3,xray"),
            Assert.Single(warnings.All));
    }

    [Theory]
    [InlineData("none,zipkin")] // none wins: propagation is off, as asked, and the unknown name is still reported
    public void Read_NoneAndUnknown_StaysOff(string value)
    {
        var warnings = new ConfigurationWarnings();
        var selection = PropagatorSelection.Read(new SettingsReader(Settings.Of(("OTEL_PROPAGATORS", value)), warnings));
        Assert.Empty(selection.Names);
        Assert.EndsWith("using none", Assert.Single(warnings.All).Fallback, StringComparison.Ordinal);
    }

    private static PropagatorSelection Parse(string? value, ConfigurationWarnings? warnings = null)
        => PropagatorSelection.Read(new SettingsReader(Settings.Of(("OTEL_PROPAGATORS", value)), warnings ?? new ConfigurationWarnings()));

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
