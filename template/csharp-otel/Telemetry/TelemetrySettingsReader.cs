using System.Globalization;

namespace FunctionHost.Telemetry;

/// <summary>
/// Reads and checks every telemetry variable once, at start-up. An invalid value is reported as a
/// <see cref="ConfigurationWarning"/> and replaced by its fallback; where the SDK reads the variable itself, the bad
/// value is removed from configuration so the SDK never sees it (it would ignore it silently, or throw).
/// </summary>
internal static class TelemetrySettingsReader
{
    private static readonly string[] Signals = ["", "TRACES_", "METRICS_", "LOGS_"];

    /// <summary>The samplers the .NET SDK builds from OTEL_TRACES_SAMPLER.</summary>
    private static readonly string[] KnownSamplers =
    [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ];

    public static TelemetrySettings Read(IConfiguration configuration, ConfigurationWarnings warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);

        var settings = new TelemetrySettings(
            SdkDisabled: ReadBoolean(configuration, warnings, OtelVariables.SdkDisabled, fallback: false),
            Traces: ReadExporters(configuration, warnings, OtelVariables.TracesExporter, TelemetryDefaults.TracesExporters),
            Metrics: ReadExporters(configuration, warnings, OtelVariables.MetricsExporter, TelemetryDefaults.MetricsExporters),
            Logs: ReadExporters(configuration, warnings, OtelVariables.LogsExporter, TelemetryDefaults.LogsExporters),
            LogFormat: ReadLogFormat(configuration, warnings),
            ResponseTraceparent: ReadBoolean(configuration, warnings, HostVariables.ResponseTraceparent, fallback: false));

        CheckSampler(configuration, warnings);
        CheckOtlp(configuration, warnings);
        foreach (var variable in OtelVariables.NonNegativeIntegers)
        {
            CheckNonNegativeInteger(configuration, warnings, variable, "using the SDK's default");
        }

        return settings;
    }

    /// <summary>
    /// A comma-separated list of otlp, console and none. Unknown names are reported and ignored; when nothing
    /// valid is left the default applies. <c>none</c> next to other names adds nothing.
    /// </summary>
    public static TelemetryExporters ReadExporters(
        IConfiguration configuration, ConfigurationWarnings warnings, string variable, TelemetryExporters fallback)
    {
        var value = configuration[variable];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var exporters = TelemetryExporters.None;
        var anyValid = false;
        List<string>? unknown = null;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "otlp":
                    exporters |= TelemetryExporters.Otlp;
                    anyValid = true;
                    break;
                case "console":
                    exporters |= TelemetryExporters.Console;
                    anyValid = true;
                    break;
                case "none":
                    anyValid = true;
                    break;
                default:
                    (unknown ??= []).Add(part);
                    break;
            }
        }

        var result = anyValid ? exporters : fallback;
        if (unknown is not null)
        {
            warnings.Add(variable, string.Join(',', unknown),
                $"supported are otlp, console and none; using {Describe(result)}");
        }

        return result;
    }

    public static string Describe(TelemetryExporters exporters) => exporters switch
    {
        TelemetryExporters.None => "none",
        TelemetryExporters.Otlp => "otlp",
        TelemetryExporters.Console => "console",
        _ => "otlp,console",
    };

    private static bool ReadBoolean(IConfiguration configuration, ConfigurationWarnings warnings, string variable, bool fallback)
    {
        var value = configuration[variable];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (bool.TryParse(value.Trim(), out var parsed))
        {
            return parsed;
        }

        warnings.Add(variable, value, $"expected true or false; using {(fallback ? "true" : "false")}");
        configuration[variable] = null;
        return fallback;
    }

    private static LogFormat ReadLogFormat(IConfiguration configuration, ConfigurationWarnings warnings)
    {
        var value = configuration[HostVariables.LogFormat];
        if (string.IsNullOrWhiteSpace(value))
        {
            return TelemetryDefaults.StdoutLogFormat;
        }

        switch (value.Trim().ToLowerInvariant())
        {
            case "json":
                return LogFormat.Json;
            case "logfmt":
                return LogFormat.Logfmt;
            case "simple":
                return LogFormat.Simple;
            default:
                var fallback = TelemetryDefaults.StdoutLogFormat.ToString().ToLowerInvariant();
                warnings.Add(HostVariables.LogFormat, value, $"supported are json, logfmt and simple; using {fallback}");
                return TelemetryDefaults.StdoutLogFormat;
        }
    }

    private static void CheckSampler(IConfiguration configuration, ConfigurationWarnings warnings)
    {
        var sampler = configuration[OtelVariables.TracesSampler];
        if (!string.IsNullOrWhiteSpace(sampler) && Array.IndexOf(KnownSamplers, sampler.Trim()) < 0)
        {
            warnings.Add(OtelVariables.TracesSampler, sampler, "using parentbased_always_on");
            configuration[OtelVariables.TracesSampler] = null;
            sampler = null;
        }

        var argument = configuration[OtelVariables.TracesSamplerArg];
        if (string.IsNullOrWhiteSpace(argument))
        {
            return;
        }

        // The argument matters only to the ratio samplers; for them it is a probability.
        var usesRatio = sampler is not null && sampler.Trim().EndsWith("traceidratio", StringComparison.Ordinal);
        if (usesRatio && (!double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) ||
                          double.IsNaN(ratio) || ratio < 0 || ratio > 1))
        {
            warnings.Add(OtelVariables.TracesSamplerArg, argument, "expected a number from 0 to 1; using 1.0");
            configuration[OtelVariables.TracesSamplerArg] = null;
        }
    }

    private static void CheckOtlp(IConfiguration configuration, ConfigurationWarnings warnings)
    {
        foreach (var signal in Signals)
        {
            var prefix = OtelVariables.ExporterOtlpPrefix + signal;
            var generic = signal.Length == 0;

            var protocolVariable = prefix + "PROTOCOL";
            var protocol = configuration[protocolVariable];
            if (!string.IsNullOrWhiteSpace(protocol) && protocol.Trim() is not ("grpc" or "http/protobuf"))
            {
                warnings.Add(protocolVariable, protocol, generic
                    ? $"supported are grpc and http/protobuf; using {TelemetryDefaults.OtlpProtocol}"
                    : "supported are grpc and http/protobuf; using " + OtelVariables.ExporterOtlpProtocol);
                configuration[protocolVariable] = null;
            }

            var endpointVariable = prefix + "ENDPOINT";
            var endpoint = configuration[endpointVariable];
            if (!string.IsNullOrWhiteSpace(endpoint) && !IsHttpUrl(endpoint.Trim()))
            {
                warnings.Add(endpointVariable, endpoint, generic
                    ? "expected an absolute http:// or https:// URL; using the SDK's default endpoint on localhost"
                    : "expected an absolute http:// or https:// URL; using " + OtelVariables.ExporterOtlpEndpoint);
                configuration[endpointVariable] = null;
            }

            CheckNonNegativeInteger(configuration, warnings, prefix + "TIMEOUT",
                generic ? "using 10000 ms" : "using " + OtelVariables.ExporterOtlpTimeout);

            var headersVariable = prefix + "HEADERS";
            var headers = configuration[headersVariable];
            if (!string.IsNullOrWhiteSpace(headers) && !OtlpHeaders.TryClean(headers, out var clean, out var rejected))
            {
                warnings.Add(headersVariable, rejected, "expected key=value pairs separated by commas; sending only the well-formed pairs");
                configuration[headersVariable] = clean;
            }
        }
    }

    private static void CheckNonNegativeInteger(IConfiguration configuration, ConfigurationWarnings warnings, string variable, string fallback)
    {
        var value = configuration[variable];
        if (!string.IsNullOrWhiteSpace(value) &&
            !(int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0))
        {
            warnings.Add(variable, value, "expected a whole number; " + fallback);
            configuration[variable] = null;
        }
    }

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
           (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
}
