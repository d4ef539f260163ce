namespace FunctionHost.Telemetry;

/// <summary>
/// The names of the OpenTelemetry environment variables the host itself reads or checks, as the specification
/// spells them (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
/// </summary>
internal static class OtelVariables
{
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string SdkDisabled = "OTEL_SDK_DISABLED";

    public const string TracesExporter = "OTEL_TRACES_EXPORTER";
    public const string MetricsExporter = "OTEL_METRICS_EXPORTER";
    public const string LogsExporter = "OTEL_LOGS_EXPORTER";

    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArg = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>The generic OTLP variables; the per-signal ones insert TRACES_, METRICS_ or LOGS_ after OTLP_.</summary>
    public const string ExporterOtlpPrefix = "OTEL_EXPORTER_OTLP_";
    public const string ExporterOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ExporterOtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ExporterOtlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ExporterOtlpTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT";

    /// <summary>Comma list of context propagation formats; the .NET SDK ignores it, Propagation/ applies it.</summary>
    public const string Propagators = "OTEL_PROPAGATORS";

    /// <summary>Set by OpenFaaS Pro and faas-cli local-run; Community Edition does not inject it.</summary>
    public const string OpenFaaSName = "OPENFAAS_NAME";

    /// <summary>
    /// Whole-number settings the SDK reads itself. The host only checks them, so that a typo is reported
    /// (the SDK would ignore it silently) and the SDK never sees a value it cannot parse.
    /// </summary>
    public static readonly IReadOnlyList<string> NonNegativeIntegers =
    [
        "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BLRP_EXPORT_TIMEOUT", "OTEL_BLRP_MAX_QUEUE_SIZE", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
        "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_METRIC_EXPORT_TIMEOUT",
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_EVENT_COUNT_LIMIT", "OTEL_SPAN_LINK_COUNT_LIMIT",
        "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
    ];
}
