using FunctionHost.Configuration;
namespace FunctionHost.Telemetry;

/// <summary>
/// Exporter headers (API keys, tokens) from an OpenFaaS secret, so they need not be written in plain text under
/// environment: in stack.yml. The secret file holds one line in the OTEL_EXPORTER_OTLP_HEADERS format, e.g.
/// <c>x-api-key=abc123</c> or <c>authorization=Basic%20dXNlcjpwYXNz,x-team=a</c>; its pairs are added to
/// OTEL_EXPORTER_OTLP_HEADERS (the secret wins on a repeated key) and so reach every signal's exporter unless a
/// per-signal OTEL_EXPORTER_OTLP_*_HEADERS replaces them, as the specification says per-signal values do.
/// </summary>
/// <remarks>
/// The secret is <c>otel-exporter-otlp-headers</c> unless CSHARP_OTEL_OTLP_HEADERS_SECRET names another. When the
/// default secret is absent nothing happens; when a named secret is missing or unreadable, or its content is
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
                if (explicitlyNamed)
                {
                    warnings.Add(Variables.OtlpHeadersSecret, name, $"{path} does not exist; no headers read from a secret");
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
        if (content.Length == 0)
        {
            return;
        }

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
