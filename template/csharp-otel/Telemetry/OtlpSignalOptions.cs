using FunctionHost.Configuration;
using System.Globalization;
using OpenTelemetry.Exporter;

namespace FunctionHost.Telemetry;

/// <summary>
/// Applies the per-signal OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_* variables. The SDK reads them only through
/// UseOtlpExporter(), which always exports all three signals; the host needs each signal's exporter chosen on its
/// own (OTEL_*_EXPORTER), so it registers AddOtlpExporter() per signal, which reads only the generic variables,
/// and lays the per-signal ones over them here, with the specification's precedence (per-signal wins, and a
/// per-signal endpoint is used as given, without a /v1/... path appended).
/// </summary>
internal static class OtlpSignalOptions
{
    public const string Traces = "TRACES_";
    public const string Metrics = "METRICS_";
    public const string Logs = "LOGS_";

    public static void Apply(OtlpExporterOptions options, IConfiguration configuration, string signal)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var prefix = Variables.ExporterOtlpPrefix + signal;

        // Values were checked by TelemetrySettingsReader; invalid ones are gone from configuration.
        if (configuration[prefix + "PROTOCOL"] is { Length: > 0 } protocol)
        {
            options.Protocol = protocol.Trim() == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        }

        if (configuration[prefix + "ENDPOINT"] is { Length: > 0 } endpoint)
        {
            options.Endpoint = new Uri(endpoint.Trim());
        }

        if (configuration[prefix + "HEADERS"] is { Length: > 0 } headers)
        {
            options.Headers = headers;
        }

        if (configuration[prefix + "TIMEOUT"] is { Length: > 0 } timeout)
        {
            options.TimeoutMilliseconds = int.Parse(timeout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
    }
}
