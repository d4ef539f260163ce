using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// Jaeger (<c>uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}</c>, baggage in <c>uberctx-{key}</c>),
/// as NGINX's OpenTracing module and the Jaeger clients send it.
/// </summary>
/// <remarks>
/// Deliberately unlike the .NET contrib propagator: flags are a bitmask (0x01 sampled, 0x02 debug, which implies
/// sampled), and <c>uberctx-*</c> baggage is read and written. Unlike the JavaScript reference, malformed flags
/// reject the header instead of meaning "sampled".
/// </remarks>
internal sealed class JaegerPropagator() : HeaderPropagator(TraceHeader)
{
    public const string TraceHeader = "uber-trace-id";
    public const string BaggagePrefix = "uberctx-";

    /// <summary>Sent by a client that wants a debug trace; with a valid <see cref="TraceHeader"/> it forces sampling.</summary>
    public const string DebugIdHeader = "jaeger-debug-id";

    private const byte SampledFlag = 0x01;
    private const byte DebugFlag = 0x02;

    protected override PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var activityContext = default(ActivityContext);
        var header = CarrierHeaders.First(carrier, getter, TraceHeader);
        if (header is not null && TryParse(header, out activityContext) &&
            (activityContext.TraceFlags & ActivityTraceFlags.Recorded) == 0 &&
            CarrierHeaders.First(carrier, getter, DebugIdHeader) is { Length: > 0 })
        {
            // A debug id next to a trace context asks for that trace to be recorded.
            activityContext = new ActivityContext(activityContext.TraceId, activityContext.SpanId,
                ActivityTraceFlags.Recorded, isRemote: true);
        }

        var baggage = PrefixedBaggage.Extract(carrier, getter, BaggagePrefix, PercentEncoding.TryDecode);
        return new PropagationContext(activityContext, baggage);
    }

    protected override void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (TryGetSpan(context, out var traceId, out var spanId, out var sampled))
        {
            // The parent span id is deprecated: always 0 on send. Ids go out at full width.
            setter(carrier, TraceHeader, string.Concat(traceId, ":", spanId, sampled ? ":0:01" : ":0:00"));
        }

        // Encoded values are ASCII, so any baggage value can be sent.
        PrefixedBaggage.Inject(context.Baggage, carrier, setter, BaggagePrefix, PercentEncoding.TryEncode);
    }

    /// <summary>
    /// Parses <c>{trace-id}:{span-id}:{parent-span-id}:{flags}</c>, first URL-decoding the whole value when it
    /// contains '%' (proxies send <c>%3A</c> for ':').
    /// </summary>
    internal static bool TryParse(string header, out ActivityContext context)
    {
        context = default;
        if (header.Contains('%', StringComparison.Ordinal) && !PercentEncoding.TryDecode(header, out header))
        {
            return false;
        }

        // Exactly four ':'-separated parts (a fifth range would hold the rest); 64- or 128-bit ids of variable
        // length, left-padded; zero is invalid. The deprecated parent is ignored. The flags are one byte in hex.
        var span = header.AsSpan().Trim();
        Span<Range> parts = stackalloc Range[5];
        if (span.Split(parts, ':') != 4 ||
            !HexId.TryParseTraceId(span[parts[0]], out var traceId) ||
            !HexId.TryParseSpanId(span[parts[1]], out var spanId) ||
            !HexId.TryParseByte(span[parts[3]], out var flags))
        {
            return false;
        }

        var sampled = (flags & (SampledFlag | DebugFlag)) != 0;
        context = new ActivityContext(traceId, spanId,
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
        return true;
    }
}
