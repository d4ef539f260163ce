using FunctionHost.Telemetry.Export;
using OpenTelemetry;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Logs a summary, one line per signal, every <see cref="LifecycleOptions.DroppedSpansReportInterval"/> in which
/// spans, metrics or log records were not delivered: dropped because the export queue was full (collector away,
/// slow or overwhelmed), given up after retrying for CSHARP_OTEL_EXPORT_RETRY_TIMEOUT, or rejected by the
/// collector. The counts come from <see cref="ExportMonitor"/>, so nothing in the export path changes.
/// </summary>
internal sealed class DroppedTelemetryReporter(LifecycleOptions options, ExportMonitor monitor, ILogger<DroppedTelemetryReporter> logger) : BackgroundService
{
    private readonly (long QueueFull, long Expired, long Rejected)[] _reported = new (long, long, long)[3];

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
        // Not exported as OTLP log records: a collector that rejects logs would otherwise get a line about each line.
        using var suppressed = SuppressInstrumentationScope.Begin();
        SignalExport[] exports = [monitor.Traces, monitor.Metrics, monitor.Logs];
        for (var i = 0; i < exports.Length; i++)
        {
            var export = exports[i];
            var now = (export.QueueFull, export.Expired, export.Rejected);
            var (queueFull, expired, rejected) = (now.QueueFull - _reported[i].QueueFull, now.Expired - _reported[i].Expired, now.Rejected - _reported[i].Rejected);
            _reported[i] = now;
            if (queueFull + expired + rejected == 0)
            {
                continue;
            }

            var (interval, total) = (options.DroppedSpansReportInterval, export.NotDelivered);
            if (export.Signal.QueueVariable is { } queueVariable)
            {
                LifecycleLog.NotDelivered(logger, queueFull + expired + rejected, export.Signal.Items, interval, queueFull, queueVariable, expired, monitor.RetryTimeout, rejected, total);
            }
            else
            {
                LifecycleLog.MetricsNotDelivered(logger, expired + rejected, interval, expired, monitor.RetryTimeout, rejected, total);
            }
        }
    }
}
