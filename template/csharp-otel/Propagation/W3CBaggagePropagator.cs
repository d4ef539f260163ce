using System.Text;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// W3C Baggage (<c>baggage: k1=v1,k2=v2;prop</c>). The SDK's BaggagePropagator is not used: it encodes with
/// WebUtility (space becomes '+', '+' is read as a space), which breaks values on the way to and from the other
/// OpenTelemetry SDKs; this one percent-encodes like the JavaScript reference (encodeURIComponent).
/// Member properties (";prop") are dropped: .NET's <see cref="Baggage"/> has nowhere to keep them.
/// </summary>
internal sealed class W3CBaggagePropagator() : HeaderPropagator(HeaderName)
{
    public const string HeaderName = "baggage";

    protected override PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var values = getter(carrier, HeaderName);
        if (values is null)
        {
            return context;
        }

        // Several baggage headers count as one list (RFC 9110 field combination), limits shared. One pass over each
        // header: every member is looked at once, so the cost is linear in its length.
        var collector = default(BaggageCollector);
        foreach (var header in values)
        {
            var span = header.AsSpan();
            foreach (var range in span.Split(','))
            {
                var member = span[range];
                if (collector.Count >= BaggageLimits.MaxMembers)
                {
                    break;
                }

                if (member.Length > 0 && member.Length <= BaggageLimits.MaxMemberBytes &&
                    TryParseMember(member, out var key, out var value))
                {
                    collector.TryAdd(key, value, member.Length, replace: true);
                }
            }
        }

        return collector.Count == 0 ? context : new PropagationContext(context.ActivityContext, collector.ToBaggage());
    }

    /// <summary>
    /// Members in order; a member whose encoding exceeds <see cref="BaggageLimits.MaxMemberBytes"/> or that would
    /// push the header past <see cref="BaggageLimits.MaxTotalBytes"/> is skipped whole, at most
    /// <see cref="BaggageLimits.MaxMembers"/>.
    /// </summary>
    protected override void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (context.Baggage.Count == 0)
        {
            return;
        }

        var builder = new StringBuilder();
        var members = 0;
        foreach (var (key, value) in context.Baggage)
        {
            if (members >= BaggageLimits.MaxMembers)
            {
                break;
            }

            if (value is null || !PercentEncoding.TryEncode(key, out var encodedKey) ||
                !PercentEncoding.TryEncode(value, out var encodedValue))
            {
                continue;
            }

            var size = encodedKey.Length + 1 + encodedValue.Length;
            var separator = builder.Length == 0 ? 0 : 1;
            if (size > BaggageLimits.MaxMemberBytes || builder.Length + separator + size > BaggageLimits.MaxTotalBytes)
            {
                continue;
            }

            if (separator == 1)
            {
                builder.Append(',');
            }

            builder.Append(encodedKey).Append('=').Append(encodedValue);
            members++;
        }

        if (builder.Length > 0)
        {
            setter(carrier, HeaderName, builder.ToString());
        }
    }

    private static bool TryParseMember(ReadOnlySpan<char> member, out string key, out string value)
    {
        key = value = string.Empty;
        var properties = member.IndexOf(';');
        var pair = properties < 0 ? member : member[..properties];
        var equals = pair.IndexOf('=');
        if (equals <= 0)
        {
            return false;
        }

        var rawKey = pair[..equals].Trim();
        var rawValue = pair[(equals + 1)..].Trim();
        if (rawKey.IsEmpty || rawValue.IsEmpty)
        {
            // An empty value is dropped, as the reference does: W3C allows it, but it cannot carry anything.
            return false;
        }

        return PercentEncoding.TryDecode(rawKey.ToString(), out key) && PercentEncoding.TryDecode(rawValue.ToString(), out value);
    }
}
