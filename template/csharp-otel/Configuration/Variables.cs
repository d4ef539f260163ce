using FunctionHost.OpenFaaS;
using FunctionHost.Propagation;
using FunctionHost.Telemetry;

namespace FunctionHost.Configuration;

/// <summary>
/// Every environment variable the host reads or checks, with its default and what it does, in the order a reader
/// looks for them. docs/configuration.md's table is tested against <see cref="All"/>: add a variable here first.
/// Values are read once, at start-up, by <see cref="HostSettings"/>; a bad value gives one warning and its default.
/// Defaults a forking team changes (exporters, protocol, batching) live in <see cref="TelemetryDefaults"/>.
/// </summary>
internal static class Variables
{
    // Where telemetry goes.
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string TracesExporter = "OTEL_TRACES_EXPORTER";
    public const string MetricsExporter = "OTEL_METRICS_EXPORTER";
    public const string LogsExporter = "OTEL_LOGS_EXPORTER";

    /// <summary>The generic OTLP variables; the per-signal ones insert TRACES_, METRICS_ or LOGS_ after OTLP_.</summary>
    public const string ExporterOtlpPrefix = "OTEL_EXPORTER_OTLP_";
    public const string ExporterOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ExporterOtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ExporterOtlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ExporterOtlpTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string OtlpHeadersSecret = "CSHARP_OTEL_OTLP_HEADERS_SECRET";
    public const string ExportRetryTimeout = "CSHARP_OTEL_EXPORT_RETRY_TIMEOUT";

    // What is recorded and passed on.
    public const string SdkDisabled = "OTEL_SDK_DISABLED";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArg = "OTEL_TRACES_SAMPLER_ARG";
    public const string Propagators = "OTEL_PROPAGATORS";
    public const string LogFormat = "CSHARP_OTEL_LOG_FORMAT";
    public const string ResponseTraceparent = "CSHARP_OTEL_RESPONSE_TRACEPARENT";

    // The watchdog's settings (read with its names and defaults, so one value in stack.yml governs both processes)
    // and the host's own lifecycle settings. Durations: whole seconds ("10") or a Go duration ("10s", "1m30s").
    public const string WriteTimeout = "write_timeout";
    public const string ReadTimeout = "read_timeout";
    public const string ExecTimeout = "exec_timeout";
    public const string HealthcheckInterval = "healthcheck_interval";
    public const string MaxInflight = "max_inflight";
    public const string TelemetryFlushTimeout = "telemetry_flush_timeout";
    public const string DroppedSpansReportInterval = "dropped_spans_report_interval";
    public const string MaxRequestBodySize = "max_request_body_size";
    public const string MaxRequestHeadersTotalSize = "max_request_headers_total_size";
    public const string MaxRequestHeaderCount = "max_request_header_count";

    // The platform's.
    public const string Urls = "ASPNETCORE_URLS";
    public const string OpenFaaSName = "OPENFAAS_NAME";
    public const string OpenFaaSNamespace = "OPENFAAS_NAMESPACE";
    public const string HostName = "HOSTNAME";

    // Only tests and unusual platforms change these.
    public const string SecretsDirectory = "CSHARP_OTEL_SECRETS_DIR";
    public const string CgroupRoot = "CSHARP_OTEL_CGROUP_ROOT";
    public const string NamespaceFile = "CSHARP_OTEL_NAMESPACE_FILE";

    /// <summary>
    /// of-watchdog's one default for read_timeout, write_timeout and exec_timeout: config/config.go,
    /// <c>defaultTimeout := time.Second * 30</c> (the same in 0.9.x and 0.11.x). healthcheck_interval defaults to
    /// write_timeout there. faas-cli writes none of them into stack.yml, so these are what most functions run with.
    /// </summary>
    public static readonly TimeSpan DefaultWatchdogTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultWriteTimeout = DefaultWatchdogTimeout;
    public static readonly TimeSpan DefaultExecTimeout = DefaultWatchdogTimeout;
    public static readonly TimeSpan DefaultReadTimeout = DefaultWatchdogTimeout;
    public static readonly TimeSpan DefaultTelemetryFlushTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultDroppedSpansReportInterval = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultExportRetryTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Kestrel's own request limits: 30,000,000 bytes (about 28.6 MiB), 32 KiB of headers, 100 headers.</summary>
    public const long DefaultMaxRequestBodySize = 30_000_000;
    public const int DefaultMaxRequestHeadersTotalSize = 32 * 1024;
    public const int DefaultMaxRequestHeaderCount = 100;

    private const string Unset = "unset";
    private const string Generic = "the generic variable";
    private const string NoLimit = "no limit";

    /// <summary>
    /// Whole-number settings the SDK reads itself. The host only checks them, so that a typo is reported
    /// (the SDK would ignore it silently) and the SDK never sees a value it cannot parse.
    /// </summary>
    public static readonly IReadOnlyList<Variable> SdkIntegers =
    [
        new("OTEL_BSP_SCHEDULE_DELAY", "5000", "ms between span batch exports"),
        new("OTEL_BSP_EXPORT_TIMEOUT", "30000", "ms a span batch export may take"),
        new("OTEL_BSP_MAX_QUEUE_SIZE", TelemetryDefaults.BatchSpanProcessor["OTEL_BSP_MAX_QUEUE_SIZE"], "spans queued for export; more are dropped"),
        new("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", TelemetryDefaults.BatchSpanProcessor["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], "spans per export"),
        new("OTEL_BLRP_SCHEDULE_DELAY", "1000", "ms between log record batch exports"),
        new("OTEL_BLRP_EXPORT_TIMEOUT", "30000", "ms a log record batch export may take"),
        new("OTEL_BLRP_MAX_QUEUE_SIZE", "2048", "log records queued for export"),
        new("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "512", "log records per export"),
        new("OTEL_METRIC_EXPORT_INTERVAL", "60000", "ms between metric exports"),
        new("OTEL_METRIC_EXPORT_TIMEOUT", "30000", "ms a metric export may take"),
        new("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", NoLimit, "longest attribute value"),
        new("OTEL_ATTRIBUTE_COUNT_LIMIT", "128", "most attributes"),
        new("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", NoLimit, "longest span attribute value"),
        new("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "128", "most span attributes"),
        new("OTEL_SPAN_EVENT_COUNT_LIMIT", "128", "most span events"),
        new("OTEL_SPAN_LINK_COUNT_LIMIT", "128", "most span links"),
        new("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "128", "most attributes per event"),
        new("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "128", "most attributes per link"),
        new("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", NoLimit, "longest log record attribute value"),
        new("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "128", "most log record attributes"),
    ];

    /// <summary>Every variable, in the order of docs/configuration.md's table.</summary>
    public static readonly IReadOnlyList<Variable> All =
    [
        new(Urls, WatchdogConventions.DefaultUrl, "where the host listens; the watchdog's upstream_url"),
        new(ServiceName, Unset, "service.name, first in precedence"),
        new(ResourceAttributes, Unset, "extra resource attributes, key=value,..."),
        new(OpenFaaSName, Unset, "faas.name, and service.name when the two above do not name it"),
        new(OpenFaaSNamespace, Unset, "service.namespace"),
        new(HostName, "the machine name", "faas.instance"),
        new(SdkDisabled, "false", "true: nothing recorded or exported; context still passes on"),
        new(TracesExporter, TelemetrySettingsReader.Describe(TelemetryDefaults.TracesExporters), "otlp, console, none, or a list"),
        new(MetricsExporter, TelemetrySettingsReader.Describe(TelemetryDefaults.MetricsExporters), "as above, for metrics"),
        new(LogsExporter, TelemetrySettingsReader.Describe(TelemetryDefaults.LogsExporters), "as above, for ILogger records"),
        new(TracesSampler, "parentbased_always_on", "the SDK's sampler"),
        new(TracesSamplerArg, "1.0", "probability for the ratio samplers"),
        new(Propagators, string.Join(',', PropagatorNames.Default), "formats read from and written to requests"),
        new(ExporterOtlpEndpoint, "http://localhost:4318", "the collector's base URL"),
        new(ExporterOtlpProtocol, TelemetryDefaults.OtlpProtocol, "http/protobuf or grpc"),
        new(ExporterOtlpHeaders, Unset, "key=value,... sent with every export"),
        new(ExporterOtlpTimeout, "10000", "ms an export may take"),
        .. PerSignal("ENDPOINT"), .. PerSignal("PROTOCOL"), .. PerSignal("HEADERS"), .. PerSignal("TIMEOUT"),
        new(ExportRetryTimeout, Seconds(DefaultExportRetryTimeout), "how long a failed export is retried; 0: never"),
        .. SdkIntegers,
        new(LogFormat, TelemetryDefaults.StdoutLogFormat.ToString().ToLowerInvariant(), "stdout log lines: json, logfmt or simple"),
        new(ResponseTraceparent, "false", "true: every response carries the server span's traceparent"),
        new(OtlpHeadersSecret, TelemetryDefaults.OtlpHeadersSecret, "the OpenFaaS secret holding exporter headers"),
        new(SecretsDirectory, TelemetryDefaults.SecretsDirectory, "where secrets are read from"),
        new(CgroupRoot, TelemetryDefaults.CgroupRoot, "where faas.max_memory is read"),
        new(NamespaceFile, TelemetryDefaults.NamespaceFile, "the Kubernetes namespace file"),
        new(WriteTimeout, Seconds(DefaultWriteTimeout), "the watchdog's response limit; the host's drain limit after SIGTERM"),
        new(HealthcheckInterval, WriteTimeout, "how long the host keeps serving after SIGTERM"),
        new(ExecTimeout, Seconds(DefaultExecTimeout), "the watchdog's limit per invocation (504 beyond); the host names it in the span; 0: no limit"),
        new(ReadTimeout, Seconds(DefaultReadTimeout), "the watchdog's limit on reading a request"),
        new(MaxInflight, "0", "the watchdog's limit on concurrent invocations (429 beyond, never reaching the host); the host says when it runs at it; 0: no limit"),
        new(TelemetryFlushTimeout, Seconds(DefaultTelemetryFlushTimeout), "the bound on flushing telemetry at shutdown"),
        new(DroppedSpansReportInterval, Seconds(DefaultDroppedSpansReportInterval), "how often telemetry not delivered is reported"),
        new(MaxRequestBodySize, Number(DefaultMaxRequestBodySize), "largest request body in bytes (413 beyond); 0: no limit"),
        new(MaxRequestHeadersTotalSize, Number(DefaultMaxRequestHeadersTotalSize), "largest total size of request headers in bytes (431 beyond)"),
        new(MaxRequestHeaderCount, Number(DefaultMaxRequestHeaderCount), "most request headers (431 beyond)"),
    ];

    private static IEnumerable<Variable> PerSignal(string setting)
        => new[] { "TRACES_", "METRICS_", "LOGS_" }.Select(signal => new Variable(ExporterOtlpPrefix + signal + setting, Generic, "per-signal override"));

    private static string Seconds(TimeSpan duration) => Number((long)duration.TotalSeconds) + "s";

    private static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One environment variable: its name, its default as docs/configuration.md shows it, and what it does.</summary>
internal sealed record Variable(string Name, string Default, string Meaning);
