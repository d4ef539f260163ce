using OpenTelemetry;

namespace FunctionHost.Propagation;

/// <summary>
/// Baggage carried as one header per entry, <c>{prefix}{key}: {value}</c>: Jaeger's <c>uberctx-</c> (values
/// percent-encoded) and OT's <c>ot-baggage-</c> (raw values). Limits as for W3C baggage (<see cref="BaggageLimits"/>).
/// </summary>
internal static class PrefixedBaggage
{
    /// <summary>Turns a header value into a baggage value or back; false drops the entry.</summary>
    public delegate bool Convert(string input, out string output);

    public static Baggage Extract<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, string prefix, Convert decode)
    {
        var names = CarrierHeaders.NamesWithPrefix(carrier, prefix);
        if (names is null)
        {
            return default;
        }

        var collector = default(BaggageCollector);
        foreach (var name in names)
        {
            var raw = CarrierHeaders.First(carrier, getter, name);
            if (raw is not null && decode(raw, out var value))
            {
                collector.TryAdd(name[prefix.Length..], value, name.Length + 2 + raw.Length);
            }
        }

        return collector.ToBaggage();
    }

    public static void Inject<T>(Baggage baggage, T carrier, Action<T, string, string> setter, string prefix, Convert encode)
    {
        var sent = default(BaggageCollector);
        foreach (var (key, value) in baggage)
        {
            // Header names must be tokens.
            if (value is not null && CarrierHeaders.IsToken(key) && encode(value, out var encoded) &&
                sent.TryAdd(key, encoded, prefix.Length + key.Length + encoded.Length))
            {
                setter(carrier, prefix + key, encoded);
            }
        }
    }
}
