using FunctionHost.Configuration;

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

/// <summary>
/// Exporter headers (API keys, tokens) from an OpenFaaS secret, so they need not be written in plain text under
/// environment: in stack.yml. The secret file holds one line in the OTEL_EXPORTER_OTLP_HEADERS format, e.g.
/// <c>x-api-key=abc123</c> or <c>authorization=Basic%20dXNlcjpwYXNz,x-team=a</c>; its pairs are added to
/// OTEL_EXPORTER_OTLP_HEADERS (the secret wins on a repeated key) and so reach every signal's exporter unless a
/// per-signal OTEL_EXPORTER_OTLP_*_HEADERS replaces them, as the specification says per-signal values do.
/// </summary>
/// <remarks>
/// The secret is <c>otel-exporter-otlp-headers</c> unless CSHARP_OTEL_OTLP_HEADERS_SECRET names another. When the
/// default secret is absent nothing happens; when a named secret is missing or unreadable, either is a folder, or its content is
/// malformed, one warning says so and the exporter runs without those headers: the collector will then reject
/// the data, which is visible, but the function itself keeps serving.
/// </remarks>
internal static class OtlpHeadersSecret
{
    public static void Apply(IConfiguration configuration, ConfigurationWarnings warnings)
    {
        var named = configuration[Variables.OtlpHeadersSecret];
        var explicitlyNamed = !string.IsNullOrWhiteSpace(named);
        var name = explicitlyNamed ? named!.Trim() : TelemetryDefaults.OtlpHeadersSecret;
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            warnings.Add(Variables.OtlpHeadersSecret, name, "a secret name cannot contain '/' or '..'; no headers read from a secret");
            return;
        }

        var directory = configuration[Variables.SecretsDirectory];
        var path = Path.Combine(string.IsNullOrWhiteSpace(directory) ? TelemetryDefaults.SecretsDirectory : directory.Trim(), name);

        string content;
        try
        {
            if (!File.Exists(path))
            {
                // A folder where the secret belongs (a volume mounted at its path) is a mistake, even under the default name.
                var folder = Directory.Exists(path);
                if (explicitlyNamed || folder)
                {
                    warnings.Add(Variables.OtlpHeadersSecret, name, $"{path} {(folder ? "is a folder, not a file" : "does not exist")}; no headers read from a secret");
                }

                return;
            }

            content = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warnings.Add(Variables.OtlpHeadersSecret, name, $"{path} cannot be read ({e.GetType().Name}); no headers read from a secret");
            return;
        }

        // Secrets created with a trailing newline or one pair per line are common: accept both.
        content = content.Replace("\r\n", ",", StringComparison.Ordinal).Replace('\n', ',');
        if (!OtlpHeaders.TryClean(content, out var clean, out _))
        {
            // The content is a credential: the warning names the secret, never its content.
            warnings.Add(Variables.OtlpHeadersSecret, name, "its content is not key=value pairs separated by commas; sending only the well-formed pairs");
        }

        if (clean is not null)
        {
            configuration[Variables.ExporterOtlpHeaders] = OtlpHeaders.Merge(configuration[Variables.ExporterOtlpHeaders], clean);
        }
    }
}
