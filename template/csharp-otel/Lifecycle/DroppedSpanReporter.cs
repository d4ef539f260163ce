using System.Diagnostics.Metrics;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Counts the spans the batch export processor drops because its queue is full (collector away, slow or
/// overwhelmed) and logs a summary every <see cref="LifecycleOptions.DroppedSpansReportInterval"/> in which some
/// were dropped. The count comes from the SDK's own self-observability counter, so nothing in the export path
/// changes: the SDK reports every span it processed on <see cref="SdkMeterName"/>, with an error.type tag
/// ("queue_full") on those it dropped.
/// </summary>
internal sealed class DroppedSpanReporter(LifecycleOptions options, ILogger<DroppedSpanReporter> logger) : BackgroundService
{
    /// <summary>The meter of the OpenTelemetry SDK's own (experimental) metrics.</summary>
    public const string SdkMeterName = "otel.sdk.experimental";

    /// <summary>The SDK counter of spans a processor handled; error.type is set on the dropped ones.</summary>
    public const string SpanProcessedInstrument = "otel.sdk.processor.span.processed";

    private readonly MeterListener _listener = new();
    private long _dropped;
    private long _reported;

    /// <summary>Spans dropped since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public override Task StartAsync(CancellationToken cancellationToken)
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
                    Interlocked.Add(ref _dropped, value);
                    return;
                }
            }
        });
        _listener.Start();
        return base.StartAsync(cancellationToken);
    }

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
        if (Dropped > 0)
        {
            LifecycleLog.DroppedTotal(logger, Dropped);
        }
    }

    private void Report()
    {
        var total = Dropped;
        var since = total - Interlocked.Exchange(ref _reported, total);
        if (since > 0)
        {
            LifecycleLog.SpansDropped(logger, since, options.DroppedSpansReportInterval, total);
        }
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }
}
