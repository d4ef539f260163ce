using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.Features;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Keeps the exported telemetry caught up with the finished requests from the first signal on. of-watchdog exits
/// as soon as its own in-flight requests are answered, and as PID 1 its exit kills the host at once: a batch still
/// queued then (up to OTEL_BSP_SCHEDULE_DELAY of spans) would die with it. So once shutdown has begun:
/// everything queued is flushed at once; every request that ends has its server span ended and exported before
/// its response completes (<see cref="EndRequestAsync"/>), so the watchdog cannot answer a request whose span is
/// still in the host; and a timer flushes whatever else was recorded (logs, metrics, other spans) every
/// <see cref="FallbackInterval"/>. Flushes are coalesced: one runs at a time, and one more is queued for
/// whatever ended meanwhile. Before the first signal nothing here runs.
/// </summary>
internal sealed class ShutdownFlush(IServiceProvider services, ILogger<ShutdownFlush> logger) : IDisposable
{
    /// <summary>How often everything is flushed while shutting down, whether or not requests end.</summary>
    public static readonly TimeSpan FallbackInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest a response is held for its span's export. A collector that takes longer is taken for away:
    /// responses stop waiting for it for the rest of the shutdown (they never fail because of it).
    /// </summary>
    public static readonly TimeSpan ResponseHoldLimit = TimeSpan.FromSeconds(1);

    // What ASP.NET Core's hosting layer writes when it ends a request's activity; the OpenTelemetry instrumentation
    // sets the response attributes (status code, route) on the span when it sees it.
    private const string StopEventName = "Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop";

    private readonly object _gate = new();
    private TaskCompletionSource? _running;
    private TaskCompletionSource? _queued;
    private Timer? _timer;
    private int _started;
    private readonly TaskCompletionSource _collectorSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _metricsFlushedAt;

    public bool ShuttingDown => Volatile.Read(ref _started) == 1;

    /// <summary>From the first signal on: flush now, and keep flushing.</summary>
    public void Begin()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _ = RequestFlush();
        _timer = new Timer(_ => RequestFlush(), null, FallbackInterval, FallbackInterval);
    }

    /// <summary>
    /// Called by <see cref="RequestGuard"/> when the function is done with a request while shutting down, before
    /// the response completes: ends the server span as the hosting layer would, and waits (bounded) for its export.
    /// </summary>
    public async Task EndRequestAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is null || !activity.IsAllDataRequested || activity.IsStopped || !ReferenceEquals(activity, Activity.Current))
        {
            // Nothing recorded, or the span is not the hosting layer's own (a propagator made a new one): the
            // timer's flush covers it, without the guarantee.
            _ = RequestFlush();
            return;
        }

        Stop(activity, context);
        var flushed = RequestFlush();
        if (_collectorSlow.Task.IsCompleted)
        {
            return;
        }

        // A response also stops waiting the moment any other hold or flush finds the collector slow.
        var hold = Task.Delay(ResponseHoldLimit);
        if (await Task.WhenAny(flushed, _collectorSlow.Task, hold).ConfigureAwait(false) == hold)
        {
            // Every response that waited with this one was held the full limit; the next ones need not be.
            MarkCollectorSlow();
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "The payload is the HttpContext, as ASP.NET Core's hosting layer writes it; the listeners in process (the OpenTelemetry instrumentation) use its type, not reflection.")]
    private void Stop(Activity activity, HttpContext context)
    {
        // The hosting layer ends the activity only after the response has completed, too late to export it before
        // the watchdog sees the answer. Ending it here, the same way, keeps the span as it would be; the hosting
        // layer's own stop later finds it stopped (Activity.Stop does nothing twice).
        if (services.GetService<DiagnosticListener>() is { } listener && listener.Name == "Microsoft.AspNetCore" &&
            listener.IsEnabled(StopEventName))
        {
            listener.StopActivity(activity, context);
        }
        else
        {
            activity.Stop();
        }
    }

    /// <summary>A task that completes when a flush that started after this call has ended.</summary>
    private Task RequestFlush()
    {
        lock (_gate)
        {
            if (_running is not null)
            {
                // The running flush may have missed what just ended: the next one will not.
                _queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _queued.Task;
            }

            _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _running.Task;
            _ = Task.Run(FlushLoop);
            return task;
        }
    }

    private void FlushLoop()
    {
        while (true)
        {
            // Once slow, slow for the rest of the shutdown: a flush that finds the queue empty returns at once even
            // while the exporter is stuck on a batch, so a quick flush proves nothing.
            if (!FlushOnce())
            {
                MarkCollectorSlow();
            }

            lock (_gate)
            {
                _running!.TrySetResult();
                _running = _queued;
                _queued = null;
                if (_running is null)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Once per shutdown, and said once (an operator missing spans after a rollout learns why here); every response
    /// still held is released.
    /// </summary>
    private void MarkCollectorSlow()
    {
        if (_collectorSlow.TrySetResult())
        {
            LifecycleLog.CollectorSlowDuringShutdown(logger, ResponseHoldLimit);
        }
    }

    private bool FlushOnce()
    {
        var timeout = (int)ResponseHoldLimit.TotalMilliseconds;
        var flushed = true;
        try
        {
            // Spans first: they are what a response waits for.
            flushed &= services.GetService<TracerProvider>()?.ForceFlush(timeout) ?? true;
            flushed &= services.GetService<LoggerProvider>()?.ForceFlush(timeout) ?? true;

            // A metric flush collects every instrument: at the fallback pace, not once per request.
            if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _metricsFlushedAt)) >= FallbackInterval)
            {
                Interlocked.Exchange(ref _metricsFlushedAt, Stopwatch.GetTimestamp());
                flushed &= services.GetService<MeterProvider>()?.ForceFlush(timeout) ?? true;
            }
        }
        catch (ObjectDisposedException)
        {
            // The providers were shut down by the final flush (WatchdogLifetime.StopAsync): nothing left to do.
        }
        catch (Exception exception)
        {
            LifecycleLog.ShutdownFlushFailed(logger, exception);
            flushed = false;
        }

        return flushed;
    }

    public void Dispose() => _timer?.Dispose();
}
