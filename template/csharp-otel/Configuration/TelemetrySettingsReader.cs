using System.Globalization;
using FunctionHost.Telemetry;

namespace FunctionHost.Configuration;

/// <summary>
/// Reads the telemetry variables into <see cref="TelemetrySettings"/> and checks the ones the SDK reads itself
/// (sampler, OTLP, batching and limits), so that a bad value is reported and the SDK never sees it.
/// </summary>
internal static class TelemetrySettingsReader
{
    private static readonly string[] Signals = ["", "TRACES_", "METRICS_", "LOGS_"];

    private static readonly string[] ExporterNames = ["otlp", "console", "none"];

    private static readonly string[] LogFormats = ["json", "logfmt", "simple"];

    /// <summary>The samplers the .NET SDK builds from OTEL_TRACES_SAMPLER, spelled exactly as it expects them.</summary>
    private static readonly string[] KnownSamplers =
    [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ];

    public static TelemetrySettings Read(SettingsReader reader)
    {
        var settings = new TelemetrySettings(
            SdkDisabled: reader.Boolean(Variables.SdkDisabled, fallback: false),
            Traces: ReadExporters(reader, Variables.TracesExporter, TelemetryDefaults.TracesExporters),
            Metrics: ReadExporters(reader, Variables.MetricsExporter, TelemetryDefaults.MetricsExporters),
            Logs: ReadExporters(reader, Variables.LogsExporter, TelemetryDefaults.LogsExporters),
            LogFormat: ReadLogFormat(reader),
            ResponseTraceparent: reader.Boolean(Variables.ResponseTraceparent, fallback: false),
            ExportRetryTimeout: reader.Duration(Variables.ExportRetryTimeout, Variables.DefaultExportRetryTimeout));

        CheckSampler(reader);
        CheckOtlp(reader);
        foreach (var variable in Variables.SdkIntegers)
        {
            reader.TryGetInteger(variable.Name, 0, "expected a whole number; using the SDK's default", out _);
        }

        return settings;
    }

    /// <summary>
    /// A comma-separated list of otlp, console and none. Unknown names are reported and ignored; when nothing
    /// valid is left the default applies. <c>none</c> next to other names adds nothing.
    /// </summary>
    private static TelemetryExporters ReadExporters(SettingsReader reader, string variable, TelemetryExporters fallback)
    {
        var names = reader.List(variable, ExporterNames, out var unknown);
        if (names is null)
        {
            return fallback;
        }

        var exporters = TelemetryExporters.None;
        foreach (var name in names)
        {
            exporters |= name switch
            {
                "otlp" => TelemetryExporters.Otlp,
                "console" => TelemetryExporters.Console,
                _ => TelemetryExporters.None,
            };
        }

        var result = names.Count > 0 ? exporters : fallback;
        if (unknown.Count > 0)
        {
            reader.Warn(variable, string.Join(',', unknown), $"supported are otlp, console and none; using {Describe(result)}");
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

    private static LogFormat ReadLogFormat(SettingsReader reader)
    {
        var fallback = TelemetryDefaults.StdoutLogFormat;
        var fallbackName = fallback.ToString().ToLowerInvariant();
        return reader.Name(Variables.LogFormat, LogFormats, $"supported are json, logfmt and simple; using {fallbackName}") is { } name
            ? Enum.Parse<LogFormat>(name, ignoreCase: true)
            : fallback;
    }

    private static void CheckSampler(SettingsReader reader)
    {
        var sampler = reader.Get(Variables.TracesSampler);
        if (sampler is not null && Array.IndexOf(KnownSamplers, sampler.Trim()) < 0)
        {
            reader.Reject(Variables.TracesSampler, sampler, "using parentbased_always_on");
            sampler = null;
        }

        // The argument matters only to the ratio samplers; for them it is a probability.
        var argument = reader.Get(Variables.TracesSamplerArg);
        var usesRatio = sampler is not null && sampler.Trim().EndsWith("traceidratio", StringComparison.Ordinal);
        if (argument is not null && usesRatio &&
            (!double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) ||
             double.IsNaN(ratio) || ratio < 0 || ratio > 1))
        {
            reader.Reject(Variables.TracesSamplerArg, argument, "expected a number from 0 to 1; using 1.0");
        }
    }

    private static void CheckOtlp(SettingsReader reader)
    {
        foreach (var signal in Signals)
        {
            var prefix = Variables.ExporterOtlpPrefix + signal;
            var generic = signal.Length == 0;

            var protocolVariable = prefix + "PROTOCOL";
            if (reader.Get(protocolVariable) is { } protocol && protocol.Trim() is not ("grpc" or "http/protobuf"))
            {
                reader.Reject(protocolVariable, protocol, "supported are grpc and http/protobuf; using " +
                    (generic ? TelemetryDefaults.OtlpProtocol : Variables.ExporterOtlpProtocol));
            }

            reader.CheckUrl(prefix + "ENDPOINT",
                generic ? "using the SDK's default endpoint on localhost" : "using " + Variables.ExporterOtlpEndpoint);

            reader.TryGetInteger(prefix + "TIMEOUT", 0,
                "expected a whole number; " + (generic ? "using 10000 ms" : "using " + Variables.ExporterOtlpTimeout), out _);

            var headersVariable = prefix + "HEADERS";
            if (reader.Get(headersVariable) is { } headers && !OtlpHeaders.TryClean(headers, out var clean, out var rejected))
            {
                reader.Warn(headersVariable, rejected, "expected key=value pairs separated by commas; sending only the well-formed pairs");
                reader.Configuration[headersVariable] = clean;
            }
        }
    }
}
