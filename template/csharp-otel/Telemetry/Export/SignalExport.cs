namespace FunctionHost.Telemetry.Export;

/// <summary>
/// The export record of one signal: how many items were delivered, dropped by a full export queue, rejected, or
/// given up after the retry timeout, and whether exports are failing now. It logs one warning when exports start failing and one line
/// when they succeed again, never one per batch. Called from the signal's exporter thread only.
/// </summary>
internal sealed class SignalExport(ExportSignal signal, ExportMonitor monitor)
{
    private long _delivered;
    private long _queueFull;
    private long _rejected;
    private long _expired;
    private long _abandoned;
    private long _failingSince;

    public ExportSignal Signal => signal;

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Items the batch processor dropped (queue full, or ended after shutdown), counted by the SDK.</summary>
    public long QueueFull => Interlocked.Read(ref _queueFull);

    /// <summary>Items the collector refused with a non-retryable answer.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Items given up after retrying for the retry timeout.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Items whose retries were cut short by shutdown.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    public long NotDelivered => QueueFull + Rejected + Expired + Abandoned;

    /// <summary>True once an export has succeeded: a later protocol error is then a restart, not a mismatch.</summary>
    public bool EverDelivered { get; private set; }

    public void OnQueueFull(long count) => Interlocked.Add(ref _queueFull, count);

    public void OnDelivered(int count, string endpoint)
    {
        EverDelivered = true;
        Interlocked.Add(ref _delivered, Math.Max(count, 0));
        var since = Interlocked.Exchange(ref _failingSince, 0);
        if (since != 0 && monitor.Logger is { } logger)
        {
            ExportLog.Recovered(logger, signal.Name, endpoint, TimeSpan.FromSeconds((int)Elapsed(since).TotalSeconds));
        }
    }

    /// <summary>A retryable failure: warned once per outage; the batch is kept and sent again.</summary>
    public void OnRetrying(ExportVerdict verdict, string endpoint, string protocol)
    {
        if (BeginFailing() && monitor.Logger is { } logger)
        {
            ExportLog.Retrying(logger, signal.Name, endpoint, protocol, verdict.Cause, Hint(verdict), monitor.RetryTimeout);
        }
    }

    public void OnRejected(int count, ExportVerdict verdict, string endpoint, string protocol)
    {
        Interlocked.Add(ref _rejected, Math.Max(count, 0));
        if (BeginFailing() && monitor.Logger is { } logger)
        {
            ExportLog.Rejected(logger, signal.Name, endpoint, protocol, verdict.Cause, Hint(verdict), count, signal.Items);
        }
    }

    public void OnGaveUp(int count, bool shutdown)
    {
        Interlocked.Add(ref shutdown ? ref _abandoned : ref _expired, Math.Max(count, 0));
        BeginFailing();
    }

    private bool BeginFailing()
        => Interlocked.CompareExchange(ref _failingSince, Environment.TickCount64 | 1, 0) == 0;

    private static TimeSpan Elapsed(long since) => TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - since));

    private static string Hint(ExportVerdict verdict) => verdict.Hint is null ? "" : " (" + verdict.Hint + ")";
}

/// <summary>The three OTLP signals, with the words the export lines use for them; metrics have no export queue.</summary>
internal sealed record ExportSignal(string Name, string Items, string HttpPath, string? QueueVariable, string BatchVariable)
{
    public static readonly ExportSignal Traces = new("traces", "span(s)", "v1/traces", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
    public static readonly ExportSignal Metrics = new("metrics", "metric(s)", "v1/metrics", null, "OTEL_METRIC_EXPORT_MAX_BATCH_SIZE");
    public static readonly ExportSignal Logs = new("logs", "log record(s)", "v1/logs", "OTEL_BLRP_MAX_QUEUE_SIZE", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE");

    public override string ToString() => Name;
}
