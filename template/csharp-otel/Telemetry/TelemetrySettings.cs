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
