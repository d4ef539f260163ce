namespace FunctionHost.Lifecycle;

/// <summary>
/// The lifecycle's log lines. Every message starts with "lifecycle:" so operators can grep them; source-generated,
/// so nothing is formatted when the level is off.
/// </summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(2, LogLevel.Information,
        "lifecycle: SIGTERM received; serving for {ServingPeriod} (healthcheck_interval + 1s), then draining in-flight requests for up to {DrainLimit} (write_timeout); telemetry is flushed as requests end")]
    public static partial void GraceStarted(ILogger logger, TimeSpan servingPeriod, TimeSpan drainLimit);

    [LoggerMessage(3, LogLevel.Information, "lifecycle: no longer accepting requests; draining {Inflight} in-flight request(s)")]
    public static partial void DrainStarted(ILogger logger, int inflight);

    [LoggerMessage(4, LogLevel.Warning, "lifecycle: drain limit {DrainLimit} reached; aborted {Aborted} request(s)")]
    public static partial void DrainLimitReached(ILogger logger, TimeSpan drainLimit, int aborted);

    [LoggerMessage(5, LogLevel.Warning, "lifecycle: {Signal} received again; stopping now, aborted {Aborted} request(s)")]
    public static partial void StopNow(ILogger logger, string signal, int aborted);

    [LoggerMessage(6, LogLevel.Information, "lifecycle: {Signal} received; draining in-flight requests for up to {DrainLimit}")]
    public static partial void StopRequested(ILogger logger, string signal, TimeSpan drainLimit);

    [LoggerMessage(7, LogLevel.Information, "lifecycle: telemetry flushed in {Elapsed} ms: {Delivered} span(s) exported, none lost")]
    public static partial void Flushed(ILogger logger, long elapsed, long delivered);

    [LoggerMessage(8, LogLevel.Warning, "lifecycle: telemetry not flushed within {FlushTimeout} (telemetry_flush_timeout); unsent telemetry is lost")]
    public static partial void FlushTimedOut(ILogger logger, TimeSpan flushTimeout);

    // Spans and log records: Items is "span(s)" or "log record(s)", QueueVariable OTEL_BSP_MAX_QUEUE_SIZE or OTEL_BLRP_MAX_QUEUE_SIZE.
    [LoggerMessage(9, LogLevel.Warning,
        "lifecycle: {NotDelivered} {Items} not delivered in the last {Interval}: {QueueFull} export queue full ({QueueVariable}), {Expired} collector unreachable for longer than {RetryTimeout}, {Rejected} rejected by the collector ({Total} since start)")]
    public static partial void NotDelivered(ILogger logger, long notDelivered, string items, TimeSpan interval, long queueFull, string queueVariable, long expired, TimeSpan retryTimeout, long rejected, long total);

    // Metrics have no export queue: the reader collects them again at the next interval.
    [LoggerMessage(18, LogLevel.Warning,
        "lifecycle: {NotDelivered} metric(s) not delivered in the last {Interval}: {Expired} collector unreachable for longer than {RetryTimeout}, {Rejected} rejected by the collector ({Total} since start)")]
    public static partial void MetricsNotDelivered(ILogger logger, long notDelivered, TimeSpan interval, long expired, TimeSpan retryTimeout, long rejected, long total);

    [LoggerMessage(10, LogLevel.Error, "lifecycle: the function failed; answered 500 (trace {TraceId})")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string traceId);

    // Debug: RequestRejectionLog turns the first of each cause into a warning naming the limit and its variable.
    [LoggerMessage(11, LogLevel.Debug, "lifecycle: bad request answered {StatusCode}: {Reason} (trace {TraceId})")]
    public static partial void BadRequest(ILogger logger, int statusCode, string reason, string traceId);

    [LoggerMessage(12, LogLevel.Debug, "lifecycle: the client went away before the function finished (trace {TraceId})")]
    public static partial void ClientGone(ILogger logger, string traceId);

    [LoggerMessage(13, LogLevel.Error, "lifecycle: the function failed after the response had started; connection aborted (trace {TraceId})")]
    public static partial void HandlerFailedAfterStart(ILogger logger, Exception exception, string traceId);

    [LoggerMessage(14, LogLevel.Warning,
        "lifecycle: telemetry flush ended after {Elapsed} ms with spans lost: {Delivered} span(s) exported, {NotDelivered} not delivered ({QueueFull} export queue full, {Expired} collector unreachable for longer than {RetryTimeout}, {Rejected} rejected, {Abandoned} cut off by shutdown, {Pending} still queued at exit){Others}")]
    public static partial void FlushLost(ILogger logger, long elapsed, long delivered, long notDelivered, long queueFull, long expired, TimeSpan retryTimeout,
        long rejected, long abandoned, long pending, string others);

    [LoggerMessage(15, LogLevel.Warning, "lifecycle: flushing telemetry during shutdown failed")]
    public static partial void ShutdownFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(17, LogLevel.Warning,
        "lifecycle: the collector took longer than {HoldLimit} to take a flush while shutting down; responses no longer wait for the export of their spans for the rest of this shutdown (what is still queued is flushed at exit, up to telemetry_flush_timeout)")]
    public static partial void CollectorSlowDuringShutdown(ILogger logger, TimeSpan holdLimit);

    [LoggerMessage(16, LogLevel.Warning,
        "lifecycle: the invocation ran into exec_timeout {ExecTimeout}; the watchdog answered 504 (call {CallId}, path {Path}, {Outcome}, trace {TraceId})")]
    public static partial void ExecTimeoutReached(ILogger logger, TimeSpan execTimeout, string callId, string path, string outcome, string traceId);

    [LoggerMessage(19, LogLevel.Warning,
        "lifecycle: {MaxInflight} requests in flight, the watchdog's max_inflight: until one ends, the watchdog answers 429 to new requests, which never reach this host (no span, no log line here); it counts them on its metrics port, :8081/metrics http_requests_total{{code=\"429\"}}. Reaching the limit again is not logged")]
    public static partial void MaxInflightReached(ILogger logger, int maxInflight);
}
