namespace FunctionHost.Telemetry;

/// <summary>The host's telemetry choices after every variable was read and checked.</summary>
internal sealed record TelemetrySettings(
    bool SdkDisabled,
    TelemetryExporters Traces,
    TelemetryExporters Metrics,
    TelemetryExporters Logs,
    LogFormat LogFormat,
    bool ResponseTraceparent,
    TimeSpan ExportRetryTimeout);

/// <summary>The exporters a signal can have (OTEL_*_EXPORTER accepts a comma-separated list of them).</summary>
[Flags]
internal enum TelemetryExporters
{
    /// <summary><c>none</c>: the signal is not collected at all.</summary>
    None = 0,

    /// <summary><c>otlp</c>: OTLP to OTEL_EXPORTER_OTLP_ENDPOINT (or the per-signal endpoint).</summary>
    Otlp = 1,

    /// <summary><c>console</c>: the SDK's console exporter, for debugging a function locally.</summary>
    Console = 2,
}

/// <summary>How log lines are written to stdout (CSHARP_OTEL_LOG_FORMAT).</summary>
internal enum LogFormat
{
    /// <summary>One JSON object per line with trace_id, span_id and call_id: Loki's json parser, Elastic, etc.</summary>
    Json,

    /// <summary>key=value pairs per line with the same keys: Loki's logfmt parser, humans.</summary>
    Logfmt,

    /// <summary>The .NET console's default multi-line format, without correlation ids.</summary>
    Simple,
}
