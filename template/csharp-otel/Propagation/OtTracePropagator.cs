using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// The OpenTracing "OT" format of older OpenTracing services: <c>ot-tracer-traceid</c> (16 or 32 hex),
/// <c>ot-tracer-spanid</c>, <c>ot-tracer-sampled: true|false</c>, baggage as raw <c>ot-baggage-{key}</c> values.
/// </summary>
/// <remarks>
/// As in the reference implementations, the trace id is sent as its low 64 bits (the format expects 64-bit ids:
/// "when truncating, the least significant bits MUST be retained"), and baggage is only read next to a valid
/// trace context.
/// </remarks>
internal sealed class OtTracePropagator : TextMapPropagator
{
    public const string TraceIdHeader = "ot-tracer-traceid";
    public const string SpanIdHeader = "ot-tracer-spanid";
    public const string SampledHeader = "ot-tracer-sampled";
    public const string BaggagePrefix = "ot-baggage-";

    private static readonly HashSet<string> FieldSet = [TraceIdHeader, SpanIdHeader, SampledHeader];

    public override ISet<string> Fields => FieldSet;

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is null || getter is null)
        {
            return context;
        }

        try
        {
            var traceHex = CarrierHeaders.First(carrier, getter, TraceIdHeader);
            var spanHex = CarrierHeaders.First(carrier, getter, SpanIdHeader);
            if (traceHex is null || spanHex is null || traceHex.Length is not (16 or 32) || spanHex.Length != 16 ||
                !HexId.TryParseTraceId(traceHex, out var traceId) || !HexId.TryParseSpanId(spanHex, out var spanId))
            {
                return context;
            }

            // Only "true" means sampled (reference behaviour); absent or anything else is not sampled.
            var sampled = CarrierHeaders.First(carrier, getter, SampledHeader) == "true";
            var activityContext = new ActivityContext(traceId, spanId,
                sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
            return new PropagationContext(activityContext, ExtractBaggage(carrier, getter));
        }
#pragma warning disable CA1031 // A propagator must never fail a request: any surprise means "no context".
        catch (Exception)
#pragma warning restore CA1031
        {
            return context;
        }
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        var activityContext = context.ActivityContext;
        if (carrier is null || setter is null || activityContext.TraceId == default || activityContext.SpanId == default)
        {
            return;
        }

        setter(carrier, TraceIdHeader, activityContext.TraceId.ToHexString()[16..]);
        setter(carrier, SpanIdHeader, activityContext.SpanId.ToHexString());
        setter(carrier, SampledHeader, (activityContext.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "true" : "false");

        var sent = default(BaggageCollector);
        foreach (var (key, value) in context.Baggage)
        {
            // Raw values: a key that is no header token or a value with control characters cannot be sent.
            if (value is not null && CarrierHeaders.IsToken(key) && IsHeaderValue(value) &&
                sent.TryAdd(key, value, BaggagePrefix.Length + key.Length + value.Length))
            {
                setter(carrier, BaggagePrefix + key, value);
            }
        }
    }

    private static Baggage ExtractBaggage<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var names = CarrierHeaders.NamesWithPrefix(carrier, BaggagePrefix);
        if (names is null)
        {
            return default;
        }

        var collector = default(BaggageCollector);
        foreach (var name in names)
        {
            var value = CarrierHeaders.First(carrier, getter, name);
            if (value is not null)
            {
                collector.TryAdd(name[BaggagePrefix.Length..], value, name.Length + 2 + value.Length);
            }
        }

        return collector.ToBaggage();
    }

    /// <summary>The reference's rule: tab, visible ASCII and 0x80-0xFF.</summary>
    private static bool IsHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (!(c == '\t' || (c >= ' ' && c <= '~') || (c >= '\u0080' && c <= '\u00FF')))
            {
                return false;
            }
        }

        return true;
    }
}
