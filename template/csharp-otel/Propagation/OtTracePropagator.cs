using System.Diagnostics;
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
internal sealed class OtTracePropagator() : HeaderPropagator(TraceIdHeader, SpanIdHeader, SampledHeader)
{
    public const string TraceIdHeader = "ot-tracer-traceid";
    public const string SpanIdHeader = "ot-tracer-spanid";
    public const string SampledHeader = "ot-tracer-sampled";
    public const string BaggagePrefix = "ot-baggage-";

    protected override PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
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
        return new PropagationContext(activityContext, PrefixedBaggage.Extract(carrier, getter, BaggagePrefix, AsIs));
    }

    protected override void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!TryGetSpan(context, out var traceId, out var spanId, out var sampled))
        {
            return;
        }

        setter(carrier, TraceIdHeader, traceId[16..]);
        setter(carrier, SpanIdHeader, spanId);
        setter(carrier, SampledHeader, sampled ? "true" : "false");

        // Raw values: one with control characters cannot be sent.
        PrefixedBaggage.Inject(context.Baggage, carrier, setter, BaggagePrefix, IsHeaderValue);
    }

    private static bool AsIs(string input, out string output)
    {
        output = input;
        return true;
    }

    /// <summary>The reference's rule: tab, visible ASCII and 0x80-0xFF.</summary>
    private static bool IsHeaderValue(string value, out string output)
    {
        output = value;
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
