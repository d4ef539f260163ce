using System.Buffers;
using Microsoft.Extensions.Primitives;

namespace FunctionHost.Propagation;

/// <summary>
/// Helpers for reading a carrier. The OpenTelemetry getter can only look up a known name, but <c>uberctx-*</c> and
/// <c>ot-baggage-*</c> baggage is keyed by a prefix, so the carrier itself is enumerated when it is a type we know
/// (ASP.NET Core requests and header dictionaries, HttpClient requests and headers, plain dictionaries). Plain
/// type tests only: no reflection, so the host stays trim- and AOT-safe. Other carriers get no prefixed baggage.
/// </summary>
internal static class CarrierHeaders
{
    /// <summary>The first value the getter returns for <paramref name="name"/>, or null.</summary>
    public static string? First<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, string name)
    {
        var values = getter(carrier, name);
        if (values is null)
        {
            return null;
        }

        // Arrays and lists are what the known getters return; index them instead of allocating an enumerator.
        // The exact array type test comes first: it is much cheaper than an interface cast on an array.
        if (values.GetType() == typeof(string[]))
        {
            var array = (string[])values;
            return array.Length > 0 ? array[0] : null;
        }

        if (values is IList<string> list)
        {
            return list.Count > 0 ? list[0] : null;
        }

        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    /// <summary>Header names of <paramref name="carrier"/> starting with <paramref name="prefix"/> (ASCII case-insensitive), or null.</summary>
    public static List<string>? NamesWithPrefix(object? carrier, string prefix) => carrier switch
    {
        HttpRequest request => NamesWithPrefix(request.Headers, prefix),
        HttpRequestMessage message => NamesWithPrefix(message.Headers, prefix),

        // Concrete types first, enumerated through their struct enumerators (no allocation); then the interfaces
        // they also implement, e.g. Kestrel's request headers and HttpClient's headers.
        HeaderDictionary headers => KeysWithPrefix(headers, prefix),
        Dictionary<string, string> dictionary => KeysWithPrefix(dictionary, prefix),
        Dictionary<string, string[]> dictionary => KeysWithPrefix(dictionary, prefix),
        Dictionary<string, StringValues> dictionary => KeysWithPrefix(dictionary, prefix),
        IEnumerable<KeyValuePair<string, StringValues>> pairs => KeysWithPrefix(pairs, prefix),
        IEnumerable<KeyValuePair<string, string>> pairs => KeysWithPrefix(pairs, prefix),
        IEnumerable<KeyValuePair<string, string[]>> pairs => KeysWithPrefix(pairs, prefix),
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> pairs => KeysWithPrefix(pairs, prefix),
        _ => null,
    };

    private static List<string>? KeysWithPrefix(HeaderDictionary headers, string prefix)
    {
        List<string>? names = null;
        foreach (var header in headers)
        {
            Add(ref names, header.Key, prefix);
        }

        return names;
    }

    private static List<string>? KeysWithPrefix<TValue>(Dictionary<string, TValue> dictionary, string prefix)
    {
        List<string>? names = null;
        foreach (var key in dictionary.Keys)
        {
            Add(ref names, key, prefix);
        }

        return names;
    }

    private static List<string>? KeysWithPrefix<TValue>(IEnumerable<KeyValuePair<string, TValue>> pairs, string prefix)
    {
        List<string>? names = null;
        foreach (var pair in pairs)
        {
            Add(ref names, pair.Key, prefix);
        }

        return names;
    }

    private static void Add(ref List<string>? names, string? key, string prefix)
    {
        // The first-letter test (ASCII letters, prefixes start with one) skips most headers without a comparison call.
        if (key is not null && key.Length > prefix.Length && (key[0] | 0x20) == prefix[0] &&
            key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            (names ??= []).Add(key);
        }
    }

    /// <summary>
    /// True when <paramref name="name"/> is an RFC 9110 token, so it can be sent as (part of) a header name;
    /// HttpClient throws on anything else, and a propagator must never fail a request.
    /// </summary>
    public static bool IsToken(ReadOnlySpan<char> name) => !name.IsEmpty && !name.ContainsAnyExcept(TokenChars);

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
