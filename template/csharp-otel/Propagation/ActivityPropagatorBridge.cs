using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// Replaces .NET's own <see cref="DistributedContextPropagator.Current"/> so that the OTEL_PROPAGATORS choice is
/// the only one on the wire.
/// </summary>
/// <remarks>
/// Left alone, .NET propagates W3C by itself: ASP.NET Core hosting parents the request's activity on an incoming
/// <c>traceparent</c> (so <c>none</c> or <c>jaeger</c> alone would still follow W3C), and HttpClient's
/// DiagnosticsHandler adds <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> to outgoing requests (so a
/// <c>b3</c>-only function would still send W3C headers). This bridge extracts with the configured propagator and
/// injects nothing: the OpenTelemetry HttpClient instrumentation injects with the configured propagator instead.
/// </remarks>
public sealed class ActivityPropagatorBridge : DistributedContextPropagator
{
    private readonly TextMapPropagator _propagator;
    private readonly IReadOnlyCollection<string> _fields;

    public ActivityPropagatorBridge(TextMapPropagator propagator)
    {
        _propagator = propagator ?? throw new ArgumentNullException(nameof(propagator));
        _fields = [.. propagator.Fields ?? new HashSet<string>()];
    }

    public override IReadOnlyCollection<string> Fields => _fields;

    /// <summary>Nothing: the OpenTelemetry HttpClient instrumentation injects the configured formats.</summary>
    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = traceState = null;
        if (carrier is null || getter is null)
        {
            return;
        }

        var context = _propagator.Extract(default, carrier, (c, name) =>
        {
            getter(c, name, out var value, out var values);
            return values ?? (value is null ? null : [value]);
        }).ActivityContext;

        if (HexId.IsValid(context))
        {
            // W3C form, which ASP.NET Core hosting parses into the parent context of the request's activity.
            traceId = string.Concat("00-", context.TraceId.ToHexString(), "-", context.SpanId.ToHexString(),
                (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "-01" : "-00");
            traceState = context.TraceState;
        }
    }

    /// <summary>
    /// None: the OpenTelemetry ASP.NET Core instrumentation extracts the baggage with the configured propagator
    /// into <c>Baggage.Current</c>; a second copy on the activity would only be sent again by .NET's own code.
    /// </summary>
    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
