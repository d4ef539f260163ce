using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// The defensive shape every propagator here shares. Headers come from anyone on the network, so a missing
/// carrier or accessor, or any surprise while reading, means "no context from this format" and never a failed
/// request; the request then starts a new trace, as the specification asks of a malformed header.
/// </summary>
internal abstract class HeaderPropagator(params string[] fields) : TextMapPropagator
{
    /// <summary>The headers this propagator injects (the specification ties <c>Fields</c> to injection).</summary>
    public override ISet<string> Fields { get; } = new HashSet<string>(fields);

    public sealed override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is null || getter is null)
        {
            return context;
        }

        try
        {
            return ExtractFrom(context, carrier, getter);
        }
#pragma warning disable CA1031 // A propagator must never fail a request: any surprise means "no context".
        catch (Exception)
#pragma warning restore CA1031
        {
            return context;
        }
    }

    public sealed override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (carrier is not null && setter is not null)
        {
            InjectInto(context, carrier, setter);
        }
    }

    /// <summary>
    /// <see cref="ExtractFrom"/> without the safety net, so the fuzz tests see a parser's exception (a bug that the
    /// net would turn into a silently broken trace) instead of a quiet "no context".
    /// </summary>
    internal PropagationContext ExtractUnguarded<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
        => ExtractFrom(context, carrier, getter);

    /// <summary>Reads this format; throwing is safe and means "no context".</summary>
    protected abstract PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter);

    protected abstract void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter);

    /// <summary>
    /// The span to hand on, its ids in lowercase hex; false when there is none: trace formats inject nothing
    /// without both ids.
    /// </summary>
    protected static bool TryGetSpan(PropagationContext context, out string traceId, out string spanId, out bool sampled)
    {
        var span = context.ActivityContext;
        sampled = (span.TraceFlags & ActivityTraceFlags.Recorded) != 0;
        if (span.TraceId == default || span.SpanId == default)
        {
            traceId = spanId = string.Empty;
            return false;
        }

        traceId = span.TraceId.ToHexString();
        spanId = span.SpanId.ToHexString();
        return true;
    }
}
