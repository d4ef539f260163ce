using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// Zipkin B3, as Zipkin-instrumented services (single <c>b3</c> header) and Istio/Envoy (<c>X-B3-*</c> headers)
/// send it. OTEL_PROPAGATORS <c>b3</c> injects the single header, <c>b3multi</c> the multi headers; both extract
/// either, single first, then multi (OpenTelemetry specification, B3 "Extract").
/// </summary>
/// <remarks>
/// The parent span id is never injected (the specification says MUST NOT) and ignored on extraction.
/// The debug flag (<c>d</c>, <c>X-B3-Flags: 1</c>) means sampled. .NET's <see cref="ActivityContext"/> has no
/// debug bit, so debug is not re-sent downstream: the outgoing call says sampled.
/// An absent sampling decision defers to the local sampler; this host hands it on as "sampled", which is what
/// deferring gives with the default sampler (parentbased_always_on). <c>b3: 0</c> without ids carries no
/// context, so the request starts a new trace decided by the local sampler.
/// </remarks>
/// <param name="multiHeader">Inject <c>X-B3-*</c> headers (b3multi) instead of the single <c>b3</c> header.</param>
internal sealed class B3Propagator(bool multiHeader)
    : HeaderPropagator(multiHeader ? [TraceIdHeader, SpanIdHeader, SampledHeader] : [SingleHeader])
{
    public const string SingleHeader = "b3";
    public const string TraceIdHeader = "x-b3-traceid";
    public const string SpanIdHeader = "x-b3-spanid";
    public const string SampledHeader = "x-b3-sampled";
    public const string FlagsHeader = "x-b3-flags";

    protected override PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var single = CarrierHeaders.First(carrier, getter, SingleHeader);
        if (single is not null && TryParseSingle(single, out var fromSingle))
        {
            return new PropagationContext(fromSingle, context.Baggage);
        }

        return TryParseMulti(carrier, getter, out var fromMulti)
            ? new PropagationContext(fromMulti, context.Baggage)
            : context;
    }

    protected override void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!TryGetSpan(context, out var traceId, out var spanId, out var sampled))
        {
            return;
        }

        if (multiHeader)
        {
            setter(carrier, TraceIdHeader, traceId);
            setter(carrier, SpanIdHeader, spanId);
            setter(carrier, SampledHeader, sampled ? "1" : "0");
        }
        else
        {
            setter(carrier, SingleHeader, string.Concat(traceId, "-", spanId, sampled ? "-1" : "-0"));
        }
    }

    /// <summary>
    /// <c>{TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]</c>, lowercase hex as B3 defines it. Every part has a
    /// fixed length, so the layout is checked by position: one pass, no splitting.
    /// </summary>
    internal static bool TryParseSingle(string header, out ActivityContext context)
    {
        context = default;
        var span = header.AsSpan().Trim();
        var traceLength = span.Length > 32 && span[32] == '-' ? 32 : 16;
        if (span.Length < traceLength + 17 || span[traceLength] != '-' ||
            !HexId.TryParseTraceId(span[..traceLength], out var traceId, lowercaseOnly: true) ||
            !HexId.TryParseSpanId(span.Slice(traceLength + 1, 16), out var spanId, lowercaseOnly: true))
        {
            return false;
        }

        var rest = span[(traceLength + 17)..];
        var flags = ActivityTraceFlags.Recorded; // absent sampling state: deferred (see remarks)
        if (!rest.IsEmpty)
        {
            // "-{state}" or "-{state}-{16 hex parent}"; the parent is checked for form, never used.
            if (rest.Length < 2 || rest[0] != '-' || rest[1] is not ('0' or '1' or 'd') ||
                (rest.Length != 2 && (rest.Length != 19 || rest[2] != '-' || !HexId.IsLowerHex(rest[3..]))))
            {
                return false;
            }

            flags = rest[1] == '0' ? ActivityTraceFlags.None : ActivityTraceFlags.Recorded;
        }

        context = new ActivityContext(traceId, spanId, flags, isRemote: true);
        return true;
    }

    private static bool TryParseMulti<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, out ActivityContext context)
    {
        context = default;
        var traceHex = CarrierHeaders.First(carrier, getter, TraceIdHeader)?.Trim();
        if (traceHex is null)
        {
            return false;
        }

        var spanHex = CarrierHeaders.First(carrier, getter, SpanIdHeader)?.Trim();
        if (spanHex is null || traceHex.Length is not (16 or 32) || spanHex.Length != 16 ||
            !HexId.TryParseTraceId(traceHex, out var traceId, lowercaseOnly: true) ||
            !HexId.TryParseSpanId(spanHex, out var spanId, lowercaseOnly: true))
        {
            return false;
        }

        // X-B3-Flags (debug) only changes the outcome when X-B3-Sampled says "not sampled" or is malformed: a
        // sampled or absent (deferred, handed on as sampled) decision is already "sampled", so the common case
        // costs one lookup less.
        bool? sampled = CarrierHeaders.First(carrier, getter, SampledHeader)?.Trim() switch
        {
            null or "1" or "true" or "True" => true, // "true" from old Zipkin clients, accepted by the reference too
            "0" or "false" or "False" => IsDebug(carrier, getter),
            _ => IsDebug(carrier, getter) ? true : null, // malformed: only debug, which implies sampled, keeps the context
        };
        if (sampled is null)
        {
            return false;
        }

        context = new ActivityContext(traceId, spanId,
            sampled.Value ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
        return true;
    }

    private static bool IsDebug<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
        => CarrierHeaders.First(carrier, getter, FlagsHeader)?.Trim() == "1";
}
