using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;

namespace FunctionHost.Telemetry.Export;

/// <summary>
/// What every OTLP exporter of the host delivered and failed to deliver, shared by the retrying handlers (which
/// record), the summary and the shutdown report (which read). One instance per host, created with the
/// telemetry wiring; it logs through <see cref="Logger"/> once the host has attached one.
/// </summary>
internal sealed class ExportMonitor
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<(string Signal, string Problem)> _startupProblems = new();
    private readonly MeterListener _listener = new();
    private ILogger? _logger;
    private long _spansEnded;

    public ExportMonitor(TimeSpan retryTimeout)
    {
        RetryTimeout = retryTimeout;
        Traces = new SignalExport(ExportSignal.Traces, this);
        Metrics = new SignalExport(ExportSignal.Metrics, this);
        Logs = new SignalExport(ExportSignal.Logs, this);
    }

    /// <summary>How long one batch is retried (CSHARP_OTEL_EXPORT_RETRY_TIMEOUT).</summary>
    public TimeSpan RetryTimeout { get; }

    public SignalExport Traces { get; }

    public SignalExport Metrics { get; }

    public SignalExport Logs { get; }

    /// <summary>Cancelled when the shutdown's flush budget is spent: retries stop waiting and give up.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public ILogger? Logger => Volatile.Read(ref _logger);

    /// <summary>Recorded spans that ended (<see cref="SpanEndCounter"/>).</summary>
    public long SpansEnded => Interlocked.Read(ref _spansEnded);

    public void SpanEnded() => Interlocked.Increment(ref _spansEnded);

    /// <summary>
    /// Starts logging; start-up problems noticed before a logger existed are logged now. Counts dropped spans and log
    /// records from the SDK's own self-observability counters, so nothing in their path changes: the SDK reports what
    /// its batch processors handled (otel.sdk.processor.span.processed and .log.processed, in its experimental
    /// meter), with error.type ("queue_full", "already_shutdown") on the dropped ones.
    /// </summary>
    public void Start(ILogger logger)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var export = instrument.Meter.Name != "otel.sdk.experimental" ? null : instrument.Name switch
            {
                "otel.sdk.processor.span.processed" => Traces,
                "otel.sdk.processor.log.processed" => Logs,
                _ => null,
            };
            if (export is not null)
            {
                listener.EnableMeasurementEvents(instrument, export);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, export) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    ((SignalExport)export!).OnQueueFull(value);
                    return;
                }
            }
        });
        _listener.Start();
        Volatile.Write(ref _logger, logger);
        while (_startupProblems.TryDequeue(out var problem))
        {
            ExportLog.Mismatch(logger, problem.Signal, problem.Problem);
        }
    }

    /// <summary>A configuration that will most likely fail (wrong port for the protocol), warned once at start-up.</summary>
    public void StartupProblem(ExportSignal signal, string problem)
    {
        if (Logger is { } logger)
        {
            ExportLog.Mismatch(logger, signal.Name, problem);
        }
        else
        {
            _startupProblems.Enqueue((signal.Name, problem));
        }
    }

    /// <summary>Stops every retry: called when shutdown's flush budget ends, so the exit is never held up by an outage.</summary>
    public void Stop() => _stopping.Cancel();
}

/// <summary>Gives the <see cref="ExportMonitor"/> its logger and starts its span counting when the host starts.</summary>
internal sealed class ExportMonitorService(ExportMonitor monitor, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        monitor.Start(loggerFactory.CreateLogger("FunctionHost.Telemetry.Export"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

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
