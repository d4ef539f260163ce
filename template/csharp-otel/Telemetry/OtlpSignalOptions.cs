using FunctionHost.Configuration;
using FunctionHost.Telemetry.Export;
using System.Globalization;
using OpenTelemetry.Exporter;

namespace FunctionHost.Telemetry;

/// <summary>
/// Applies the per-signal OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_* variables. The SDK reads them only through
/// UseOtlpExporter(), which always exports all three signals; the host needs each signal's exporter chosen on its
/// own (OTEL_*_EXPORTER), so it registers AddOtlpExporter() per signal, which reads only the generic variables,
/// and lays the per-signal ones over them here, with the specification's precedence (per-signal wins, and a
/// per-signal endpoint is used as given, without a /v1/... path appended). It also puts
/// <see cref="ExportRetryHandler"/> in front of the SDK's HttpClient, so failed exports are retried and reported.
/// </summary>
internal static class OtlpSignalOptions
{
    public static void Apply(OtlpExporterOptions options, IConfiguration configuration, SignalExport export, ExportMonitor monitor)
    {
        var prefix = Variables.ExporterOtlpPrefix + export.Signal.Name.ToUpperInvariant() + "_";

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

        var grpc = options.Protocol == OtlpExportProtocol.Grpc;
        CheckEndpoint(options.Endpoint, grpc, perSignalEndpoint: configuration[prefix + "ENDPOINT"] is { Length: > 0 }, export.Signal, monitor);

        // The SDK's factory (TLS options and OTEL_EXPORTER_OTLP_TIMEOUT per attempt) stays underneath; the outer
        // client has no timeout of its own, because one export spans every retry of its batch.
        var sdkFactory = options.HttpClientFactory;
        options.HttpClientFactory = () => new HttpClient(new ExportRetryHandler(sdkFactory(), export, monitor, grpc))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Warns at start-up about an endpoint that cannot work with the protocol: the standard ports swapped.</summary>
    private static void CheckEndpoint(Uri endpoint, bool grpc, bool perSignalEndpoint, ExportSignal signal, ExportMonitor monitor)
    {
        var shown = ExportRetryHandler.Describe(endpoint);
        if (grpc && endpoint.Port == 4318)
        {
            monitor.StartupProblem(signal, $"the protocol is grpc but {shown} uses port 4318, OTLP/HTTP's; set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or use port 4317");
        }
        else if (!grpc && endpoint.Port == 4317)
        {
            monitor.StartupProblem(signal, $"the protocol is http/protobuf but {shown} uses port 4317, OTLP/gRPC's; set OTEL_EXPORTER_OTLP_PROTOCOL=grpc or use port 4318");
        }

        // The SDK appends /v1/{signal} to the generic endpoint unless the path already ends with it: a generic
        // endpoint copied from one signal's URL sends the other signals to paths like /v1/traces/v1/logs.
        var path = endpoint.AbsolutePath.TrimEnd('/');
        foreach (var other in new[] { ExportSignal.Traces, ExportSignal.Metrics, ExportSignal.Logs })
        {
            if (!grpc && !perSignalEndpoint && other != signal && path.EndsWith("/" + other.HttpPath, StringComparison.Ordinal))
            {
                monitor.StartupProblem(signal, $"OTEL_EXPORTER_OTLP_ENDPOINT {shown} ends in /{other.HttpPath}, so {signal.Name} go to {shown.TrimEnd('/')}/{signal.HttpPath}; " +
                    $"set it to the collector's base URL (the SDK appends /v1/...), or set OTEL_EXPORTER_OTLP_{signal.Name.ToUpperInvariant()}_ENDPOINT, which is used as given");
            }
        }
    }
}
