namespace FunctionHost.Telemetry;

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
