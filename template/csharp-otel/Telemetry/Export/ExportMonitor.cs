using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

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
    private long _spansQueueFull;

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

    public IEnumerable<SignalExport> All => [Traces, Metrics, Logs];

    /// <summary>Cancelled when the shutdown's flush budget is spent: retries stop waiting and give up.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public ILogger? Logger => Volatile.Read(ref _logger);

    /// <summary>The meter of the OpenTelemetry SDK's own (experimental) metrics.</summary>
    public const string SdkMeterName = "otel.sdk.experimental";

    /// <summary>The SDK counter of spans a processor handled; error.type is set on the ones it dropped.</summary>
    public const string SpanProcessedInstrument = "otel.sdk.processor.span.processed";

    /// <summary>Recorded spans that ended (<see cref="SpanEndCounter"/>).</summary>
    public long SpansEnded => Interlocked.Read(ref _spansEnded);

    public void SpanEnded() => Interlocked.Increment(ref _spansEnded);

    /// <summary>Spans the batch processor dropped (queue full, or ended after shutdown).</summary>
    public long SpansQueueFull => Interlocked.Read(ref _spansQueueFull);

    /// <summary>
    /// Counts dropped spans from the SDK's own self-observability counter, so nothing in the span path changes:
    /// the SDK reports the spans its processor handled, with error.type ("queue_full") on the dropped ones.
    /// </summary>
    public void StartListening()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SdkMeterName && instrument.Name == SpanProcessedInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    Interlocked.Add(ref _spansQueueFull, value);
                    return;
                }
            }
        });
        _listener.Start();
    }

    public SignalExport For(ExportSignal signal) => signal == ExportSignal.Traces ? Traces : signal == ExportSignal.Metrics ? Metrics : Logs;

    /// <summary>Starts logging; start-up problems noticed before a logger existed are logged now.</summary>
    public void Attach(ILogger logger)
    {
        Volatile.Write(ref _logger, logger);
        while (_startupProblems.TryDequeue(out var problem))
        {
            ExportLog.Mismatch(logger, problem.Signal, problem.Problem);
        }
    }

    /// <summary>A configuration that will most likely fail (wrong port for the protocol), warned once at start-up.</summary>
    public void StartupProblem(ExportSignal signal, string problem)
    {
        ArgumentNullException.ThrowIfNull(signal);
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
    public void Stop()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
