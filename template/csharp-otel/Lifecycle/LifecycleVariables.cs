namespace FunctionHost.Lifecycle;

/// <summary>
/// The environment variables the host's lifecycle reads, with their defaults. The first two are of-watchdog's own
/// settings, read here with the watchdog's names and defaults so one value in stack.yml governs both processes.
/// Durations accept whole seconds ("10") or a Go duration ("10s", "1m30s", "500ms"), as the watchdog does.
/// </summary>
internal static class LifecycleVariables
{
    /// <summary>of-watchdog: how long requests keep coming after SIGTERM. Default: <see cref="WriteTimeout"/>.</summary>
    public const string HealthcheckInterval = "healthcheck_interval";

    /// <summary>of-watchdog: the longest a response may take; here also the drain limit after the grace period.</summary>
    public const string WriteTimeout = "write_timeout";

    /// <summary>The host's own: the bound on flushing telemetry once requests have drained.</summary>
    public const string TelemetryFlushTimeout = "telemetry_flush_timeout";

    /// <summary>The host's own: how often a summary of dropped spans is logged (only when some were dropped).</summary>
    public const string DroppedSpansReportInterval = "dropped_spans_report_interval";

    /// <summary>The host's own: the largest request body in bytes (413 beyond it); 0 means no limit.</summary>
    public const string MaxRequestBodySize = "max_request_body_size";

    /// <summary>The host's own: the largest total size of the request line's headers in bytes (431 beyond it).</summary>
    public const string MaxRequestHeadersTotalSize = "max_request_headers_total_size";

    /// <summary>The host's own: the most request headers (431 beyond it).</summary>
    public const string MaxRequestHeaderCount = "max_request_header_count";

    /// <summary>of-watchdog's default write_timeout (and so healthcheck_interval).</summary>
    public static readonly TimeSpan DefaultWriteTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultTelemetryFlushTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultDroppedSpansReportInterval = TimeSpan.FromSeconds(60);

    /// <summary>Kestrel's own default, 30,000,000 bytes (about 28.6 MiB).</summary>
    public const long DefaultMaxRequestBodySize = 30_000_000;

    /// <summary>Kestrel's own default, 32 KiB.</summary>
    public const int DefaultMaxRequestHeadersTotalSize = 32 * 1024;

    /// <summary>Kestrel's own default.</summary>
    public const int DefaultMaxRequestHeaderCount = 100;
}
