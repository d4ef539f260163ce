using System.Diagnostics;
using OpenTelemetry;

namespace FunctionHost.Telemetry.Export;

/// <summary>
/// Counts the recorded spans that end, so the shutdown report can say how many were still queued when the
/// process exited: the SDK's own counter sees spans only when a batch is handed to the exporter. One interlocked
/// increment per span is its whole cost.
/// </summary>
internal sealed class SpanEndCounter(ExportMonitor monitor) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data?.Recorded == true)
        {
            monitor.SpanEnded();
        }
    }
}
