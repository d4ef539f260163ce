using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// Runs the propagators selected by OTEL_PROPAGATORS, in that order.
/// </summary>
/// <remarks>
/// <para><b>Precedence.</b> On extraction the trace context comes from the first propagator, in OTEL_PROPAGATORS
/// order, that yields a valid one; later formats in the same request are ignored for the trace context (as the
/// .NET SDK's composite does; Python's lets later ones overwrite). A valid context already in the incoming
/// <see cref="PropagationContext"/> is kept.</para>
/// <para><b>Baggage merge.</b> Baggage from every format is merged, whichever format won the trace context: for a
/// key present in several formats the value from the format listed first wins (incoming baggage before all); the
/// merged set is capped by <see cref="BaggageLimits"/>, dropping whole members.</para>
/// <para>Injection: every propagator injects, so each downstream service finds the format it reads. A propagator
/// that throws is skipped: propagation must never fail a request.</para>
/// </remarks>
internal sealed class OrderedCompositePropagator(TextMapPropagator[] propagators) : TextMapPropagator
{
    private readonly HashSet<string> _fields = [.. propagators.SelectMany(p => p.Fields ?? Enumerable.Empty<string>())];

    /// <summary>The member propagators, in OTEL_PROPAGATORS order.</summary>
    public IReadOnlyList<TextMapPropagator> Propagators => propagators;

    public override ISet<string> Fields => _fields;

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is null || getter is null || propagators.Length == 0)
        {
            return context;
        }

        var activityContext = context.ActivityContext;
        var baggage = context.Baggage;
        var merged = default(BaggageCollector);
        var merging = false;
        foreach (var propagator in propagators)
        {
            PropagationContext extracted;
            try
            {
                extracted = propagator.Extract(default, carrier, getter);
            }
#pragma warning disable CA1031 // Ours never throw; this also shields a request from any surprise.
            catch (Exception)
#pragma warning restore CA1031
            {
                continue;
            }

            if (!HexId.IsValid(activityContext) && HexId.IsValid(extracted.ActivityContext))
            {
                activityContext = extracted.ActivityContext;
            }

            if (extracted.Baggage.Count == 0)
            {
                continue;
            }

            if (baggage.Count == 0)
            {
                baggage = extracted.Baggage; // the common case: a single source, nothing to merge
                continue;
            }

            if (!merging)
            {
                merged.AddAll(baggage);
                merging = true;
            }

            merged.AddAll(extracted.Baggage);
        }

        return new PropagationContext(activityContext, merging ? merged.ToBaggage() : baggage);
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (carrier is null || setter is null)
        {
            return;
        }

        foreach (var propagator in propagators)
        {
            try
            {
                propagator.Inject(context, carrier, setter);
            }
#pragma warning disable CA1031 // e.g. a setter that rejects a header: the other formats still go out.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
