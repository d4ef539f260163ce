using FunctionHost.OpenFaaS;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionHost.Telemetry;

/// <summary>
/// The telemetry defaults of this template, in one place. A team that forks the template changes them here;
/// every value can still be overridden per function by the standard OTEL_* environment variables.
/// </summary>
internal static class TelemetryDefaults
{
    /// <summary>
    /// The <see cref="System.Diagnostics.ActivitySource"/> name the host listens to. A handler creates child spans
    /// with <c>new ActivitySource("Function")</c>; names below it ("Function.Orders") are heard too.
    /// </summary>
    public const string FunctionActivitySourceName = "Function";

    /// <summary>
    /// OTLP transport when <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> is unset. The specification's default is
    /// http/protobuf (port 4318); the .NET SDK's own default would be gRPC (port 4317).
    /// </summary>
    public const string OtlpProtocol = "http/protobuf";

    /// <summary>
    /// Exporters when OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER are unset. The specification
    /// says otlp for all three; this template exports only traces by default, because a function runs as many
    /// short-lived replicas: the platform already collects stdout (where log lines carry trace ids) and the
    /// gateway already measures invocations, so OTLP logs and metrics from every replica mostly add cost.
    /// </summary>
    public const TelemetryExporters TracesExporters = TelemetryExporters.Otlp;

    /// <inheritdoc cref="TracesExporters"/>
    public const TelemetryExporters MetricsExporters = TelemetryExporters.None;

    /// <inheritdoc cref="TracesExporters"/>
    public const TelemetryExporters LogsExporters = TelemetryExporters.None;

    /// <summary>Log line format on stdout when CSHARP_OTEL_LOG_FORMAT is unset: one JSON object per line.</summary>
    public const LogFormat StdoutLogFormat = LogFormat.Json;

    /// <summary>
    /// The OpenFaaS secret read for exporter headers when CSHARP_OTEL_OTLP_HEADERS_SECRET is unset. A missing file
    /// of this default name is normal (no warning); a missing file the user named is reported.
    /// </summary>
    public const string OtlpHeadersSecret = "otel-exporter-otlp-headers";

    /// <summary>Where OpenFaaS mounts secrets.</summary>
    public const string SecretsDirectory = "/var/openfaas/secrets";

    /// <summary>Where the container sees its own cgroup (v2: memory.max; v1: memory/memory.limit_in_bytes).</summary>
    public const string CgroupRoot = "/sys/fs/cgroup";

    /// <summary>The namespace of the pod, mounted by Kubernetes with the service-account token.</summary>
    public const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>
    /// OTEL_BSP_* values applied when the variable is unset (the SDK's own defaults are 2048 and 512). One exporter
    /// thread sends one batch at a time, so throughput is about batch size per collector round trip: the SDK's
    /// defaults dropped spans at 2,500 requests/s here, and fewer, larger exports also cost less CPU per request than
    /// the SDK's 512 (docs/performance.md, the export path). The queue bounds memory while the collector is away (a
    /// queued server span measured about 2.3 KB, so 16384 spans are roughly 40 MB). See docs/reliability.md.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> BatchSpanProcessor = new Dictionary<string, string>
    {
        ["OTEL_BSP_MAX_QUEUE_SIZE"] = "16384",
        ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "2048",
    };

    /// <summary>The service name when neither OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES nor OPENFAAS_NAME names one.</summary>
    public const string FallbackServiceName = "csharp-otel-function";

    /// <summary>Request paths that never produce a span: probes would drown the invocations.</summary>
    public static readonly IReadOnlyList<string> UntracedPaths = [Probes.HealthPath, Probes.ReadyPath];

    /// <summary>Sources and instrumentation every function gets. Add your organisation's here.</summary>
    public static void ConfigureTracing(TracerProviderBuilder tracing)
    {
        tracing
            .AddSource(FunctionActivitySourceName, FunctionActivitySourceName + ".*")
            .AddAspNetCoreInstrumentation(options =>
            {
                options.RecordException = true;
                options.Filter = context => !IsUntraced(context.Request.Path);
            })
            .AddHttpClientInstrumentation();
    }

    /// <summary>
    /// Meters every function gets when OTEL_METRICS_EXPORTER is not none: request duration
    /// (http.server.request.duration), outgoing HTTP calls, .NET runtime metrics (GC, heap, threads), and the
    /// handler's own meters named "Function" or "Function.*".
    /// </summary>
    public static void ConfigureMetrics(MeterProviderBuilder metrics)
    {
        metrics
            .AddMeter(FunctionActivitySourceName, FunctionActivitySourceName + ".*")
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation();
    }

    private static bool IsUntraced(PathString path)
    {
        // Runs on every request: an indexed loop, so no enumerator is allocated.
        for (var i = 0; i < UntracedPaths.Count; i++)
        {
            if (path.Equals(UntracedPaths[i], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
