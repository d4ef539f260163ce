using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// AWS X-Ray (<c>X-Amzn-Trace-Id: Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled={0|1}</c>), as ALB,
/// API Gateway and the X-Ray SDKs send it. The X-Ray trace id's two hex parts make the 128-bit trace id.
/// </summary>
/// <remarks>
/// Unlike the JavaScript reference, <c>Sampled=?</c> or no <c>Sampled</c> is not rejected: X-Ray uses them for
/// "not decided yet", which defers to the local sampler and, as for B3, is handed on as sampled.
/// Other fields (Self, Lineage, custom keys) are ignored on extraction and not sent.
/// </remarks>
internal sealed class XRayPropagator() : HeaderPropagator(HeaderName)
{
    public const string HeaderName = "x-amzn-trace-id";

    private const int RootLength = 35; // 1-XXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX

    protected override PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var header = CarrierHeaders.First(carrier, getter, HeaderName);
        return header is not null && TryParse(header, out var activityContext)
            ? new PropagationContext(activityContext, context.Baggage)
            : context;
    }

    protected override void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!TryGetSpan(context, out var traceId, out var spanId, out var sampled))
        {
            return;
        }

        setter(carrier, HeaderName, string.Concat(
            string.Concat("Root=1-", traceId.AsSpan(0, 8), "-", traceId.AsSpan(8)),
            ";Parent=", spanId, sampled ? ";Sampled=1" : ";Sampled=0"));
    }

    /// <summary><c>key=value</c> fields separated by ';', whitespace around fields ignored, a later field wins.</summary>
    internal static bool TryParse(string header, out ActivityContext context)
    {
        context = default;
        ActivityTraceId traceId = default;
        ActivitySpanId spanId = default;
        ActivityTraceFlags? flags = ActivityTraceFlags.Recorded; // absent or '?': deferred (see remarks); null: invalid
        var rest = header.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(';');
            var field = (end < 0 ? rest : rest[..end]).Trim();
            rest = end < 0 ? default : rest[(end + 1)..];

            var equals = field.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var key = field[..equals];
            var value = field[(equals + 1)..];
            // A later field replaces an earlier one, valid or not (as in the reference).
            if (key.SequenceEqual("Root"))
            {
                TryParseRoot(value, out traceId);
            }
            else if (key.SequenceEqual("Parent"))
            {
                spanId = default;
                if (value.Length == 16)
                {
                    HexId.TryParseSpanId(value, out spanId);
                }
            }
            else if (key.SequenceEqual("Sampled"))
            {
                flags = value switch
                {
                    "1" or "?" => ActivityTraceFlags.Recorded,
                    "0" => ActivityTraceFlags.None,
                    _ => null,
                };
            }
        }

        if (traceId == default || spanId == default || flags is null)
        {
            return false;
        }

        context = new ActivityContext(traceId, spanId, flags.Value, isRemote: true);
        return true;
    }

    private static bool TryParseRoot(ReadOnlySpan<char> root, out ActivityTraceId traceId)
    {
        traceId = default;
        if (root.Length != RootLength || root[0] != '1' || root[1] != '-' || root[10] != '-')
        {
            return false;
        }

        Span<char> hex = stackalloc char[32];
        root.Slice(2, 8).CopyTo(hex);
        root.Slice(11, 24).CopyTo(hex[8..]);
        return HexId.TryParseTraceId(hex, out traceId);
    }
}
