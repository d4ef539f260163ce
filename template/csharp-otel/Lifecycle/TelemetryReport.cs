using FunctionHost.Telemetry.Export;

namespace FunctionHost.Lifecycle;

/// <summary>
/// The last line about telemetry at shutdown: what was exported and what was not, by cause, and how long the flush
/// took. It says "flushed" only when nothing was lost.
/// </summary>
internal static class TelemetryReport
{
    public static void Write(ILogger logger, ExportMonitor monitor, bool flushed, TimeSpan budget, long elapsedMilliseconds)
    {
        // Retries still waiting for the collector give up now: the exit is never held up by an outage.
        monitor.Stop();

        // One snapshot, so the causes add up to the total even while the exporter thread is still giving up.
        var traces = monitor.Traces;
        var (delivered, rejected, expired, abandoned, queueFull) = (traces.Delivered, traces.Rejected, traces.Expired, traces.Abandoned, monitor.SpansQueueFull);
        var pending = Math.Max(0, monitor.SpansEnded - queueFull - delivered - rejected - expired - abandoned);
        var lost = queueFull + rejected + expired + abandoned + pending;
        var others = string.Concat(
            new[] { monitor.Metrics, monitor.Logs }
                .Where(s => s.NotDelivered > 0)
                .Select(s => $"; {s.Signal.Name}: {s.Delivered} {s.Signal.Items} exported, {s.NotDelivered} not delivered"));
        if (lost > 0 || others.Length > 0)
        {
            LifecycleLog.FlushLost(logger, elapsedMilliseconds, delivered, lost, queueFull, expired, monitor.RetryTimeout, rejected, abandoned, pending, others);
        }
        else if (flushed)
        {
            LifecycleLog.Flushed(logger, elapsedMilliseconds, delivered);
        }
        else
        {
            LifecycleLog.FlushTimedOut(logger, budget);
        }
    }
}
