using FunctionHost.Telemetry.Export;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Logs a summary every <see cref="LifecycleOptions.DroppedSpansReportInterval"/> in which spans were not
/// delivered: dropped because the export queue was full (collector away, slow or overwhelmed), given up after
/// retrying for CSHARP_OTEL_EXPORT_RETRY_TIMEOUT, or rejected by the collector. The counts come from
/// <see cref="ExportMonitor"/>, so nothing in the export path changes.
/// </summary>
internal sealed class DroppedSpanReporter(LifecycleOptions options, ExportMonitor monitor, ILogger<DroppedSpanReporter> logger) : BackgroundService
{
    private (long QueueFull, long Expired, long Rejected) _reported;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DroppedSpansReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Report();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Report();
    }

    private void Report()
    {
        var now = (monitor.SpansQueueFull, monitor.Traces.Expired, monitor.Traces.Rejected);
        var (queueFull, expired, rejected) = (now.SpansQueueFull - _reported.QueueFull, now.Expired - _reported.Expired, now.Rejected - _reported.Rejected);
        _reported = now;
        if (queueFull + expired + rejected > 0)
        {
            LifecycleLog.SpansNotDelivered(logger, queueFull + expired + rejected, options.DroppedSpansReportInterval, queueFull, expired,
                monitor.RetryTimeout, rejected, monitor.SpansQueueFull + monitor.Traces.NotDelivered);
        }
    }
}
