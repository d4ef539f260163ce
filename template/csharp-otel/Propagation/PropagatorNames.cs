namespace FunctionHost.Propagation;

/// <summary>The values <c>OTEL_PROPAGATORS</c> accepts, as the OpenTelemetry specification names them.</summary>
internal static class PropagatorNames
{
    public const string TraceContext = "tracecontext";
    public const string Baggage = "baggage";
    public const string B3 = "b3";
    public const string B3Multi = "b3multi";
    public const string Jaeger = "jaeger";
    public const string OtTrace = "ottrace";
    public const string XRay = "xray";
    public const string None = "none";

    /// <summary>What an unset or empty <c>OTEL_PROPAGATORS</c> means (specification default).</summary>
    public static readonly IReadOnlyList<string> Default = [TraceContext, Baggage];

    /// <summary>Every name that selects a propagator (<see cref="None"/> selects none, so it is not listed).</summary>
    public static readonly IReadOnlyList<string> Known = [TraceContext, Baggage, B3, B3Multi, Jaeger, OtTrace, XRay];
}
