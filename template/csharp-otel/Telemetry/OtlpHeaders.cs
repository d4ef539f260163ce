namespace FunctionHost.Telemetry;

/// <summary>
/// The OTEL_EXPORTER_OTLP_HEADERS format: <c>key1=value1,key2=value2</c>, values may be percent-encoded
/// (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specifying-headers-via-environment-variables).
/// The SDK throws on a malformed list when it builds the exporter, so the host cleans lists first.
/// </summary>
internal static class OtlpHeaders
{
    /// <summary>
    /// False when some pairs are malformed (no '=' or an empty key): <paramref name="clean"/> then holds the
    /// well-formed pairs only and <paramref name="rejected"/> the others, for the warning. Values are never
    /// echoed for well-formed pairs: they are usually credentials.
    /// </summary>
    public static bool TryClean(string headers, out string? clean, out string rejected)
    {
        var kept = new List<string>();
        var bad = new List<string>();
        foreach (var pair in Pairs(headers))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(0, equals).Trim().Length > 0)
            {
                kept.Add(pair);
            }
            else
            {
                bad.Add(pair);
            }
        }

        clean = kept.Count == 0 ? null : string.Join(',', kept);
        rejected = string.Join(',', bad);
        return bad.Count == 0;
    }

    /// <summary>Joins two header lists; on a repeated key the entry from <paramref name="overrides"/> wins.</summary>
    public static string Merge(string? headers, string overrides)
    {
        var overridden = Pairs(overrides).Select(Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return string.Join(',', Pairs(headers).Where(pair => !overridden.Contains(Key(pair))).Append(overrides));
    }

    private static string[] Pairs(string? headers)
        => (headers ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string Key(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        return (equals < 0 ? pair : pair[..equals]).Trim();
    }
}
