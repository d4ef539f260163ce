using System.Diagnostics;
using System.Runtime.InteropServices;
using FunctionHost.Telemetry.Export;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Replaces the console lifetime, which stops the host on the first SIGTERM. of-watchdog forwards SIGTERM at once
/// but keeps routing requests for healthcheck_interval, so this lifetime keeps serving for that grace period (and
/// a second more: <see cref="LifecycleOptions.ServingPeriod"/>), then stops accepting and drains in-flight requests
/// for up to write_timeout, then flushes telemetry within telemetry_flush_timeout. Behind the watchdog the host
/// rarely gets that far: the watchdog exits once its own requests are answered and its exit kills the host, so from
/// the first signal <see cref="ShutdownFlush"/> keeps telemetry exported as requests end. The process exits 0. A
/// second signal (SIGTERM, SIGINT or SIGQUIT) ends it promptly: the rest of the grace period is skipped and
/// in-flight requests are aborted. SIGINT and SIGQUIT skip the grace period: they come from a terminal, not from
/// the watchdog.
/// </summary>
internal sealed class WatchdogLifetime(
    IHostApplicationLifetime applicationLifetime,
    LifecycleOptions options,
    InflightRequests inflight,
    ShutdownFlush shutdownFlush,
    IServiceProvider services,
    ILogger<WatchdogLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly CancellationTokenSource _graceOver = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;
    private int _draining;
    private Timer? _drainLimit;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal));

        // Something else stopping the host (a hook, a fatal error) still gets the flush and the bounded drain.
        applicationLifetime.ApplicationStopping.Register(BeginDrain);
        return Task.CompletedTask;
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the runtime's default (terminate the process): stopping is ours to pace.
        context.Cancel = true;

        // The watchdog may exit, killing the host, any moment from now: keep what is recorded exported.
        shutdownFlush.Begin();
        var signal = context.Signal.ToString();
        if (Interlocked.Increment(ref _signals) > 1 || Volatile.Read(ref _draining) == 1)
        {
            // Skip what is left of the grace period and of the drain: abort whatever still runs.
            BeginDrain();
            LifecycleLog.StopNow(logger, signal, inflight.AbortAll());
            return;
        }

        if (context.Signal != PosixSignal.SIGTERM)
        {
            LifecycleLog.StopRequested(logger, signal, options.DrainLimit);
            BeginDrain();
            return;
        }

        LifecycleLog.GraceStarted(logger, options.ServingPeriod, options.DrainLimit);
        _ = Task.Delay(options.ServingPeriod, _graceOver.Token)
            .ContinueWith(_ => BeginDrain(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void BeginDrain()
    {
        shutdownFlush.Begin();
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }

        _graceOver.Cancel();
        LifecycleLog.DrainStarted(logger, inflight.Count);
        _drainLimit = new Timer(
            _ => LifecycleLog.DrainLimitReached(logger, options.DrainLimit, inflight.AbortAll()),
            null, options.DrainLimit, Timeout.InfiniteTimeSpan);

        // Kestrel stops accepting, then waits for in-flight requests; HostOptions.ShutdownTimeout backs the limit up.
        applicationLifetime.StopApplication();
    }

    /// <summary>Called once every hosted service, Kestrel included, has stopped: flush telemetry, bounded.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _drainLimit?.Dispose();
        shutdownFlush.Dispose(); // the final flush below takes over
        var stopwatch = Stopwatch.StartNew();
        var budget = options.TelemetryFlushTimeout;
        var flushed = true;

        // Shutdown flushes and stops the exporters, so the provider's own dispose has nothing left to wait for.
        flushed &= services.GetService<TracerProvider>()?.Shutdown(Remaining(budget, stopwatch)) ?? true;
        flushed &= services.GetService<MeterProvider>()?.Shutdown(Remaining(budget, stopwatch)) ?? true;

        // Last, so the lines above still reach the collector; what is logged from here on goes to the console only.
        flushed &= services.GetService<LoggerProvider>()?.Shutdown(Remaining(budget, stopwatch)) ?? true;

        Report(services.GetRequiredService<ExportMonitor>(), flushed, budget, stopwatch.ElapsedMilliseconds);
        return Task.CompletedTask;
    }

    private static int Remaining(TimeSpan budget, Stopwatch stopwatch)
        => (int)Math.Max(0, (budget - stopwatch.Elapsed).TotalMilliseconds);

    /// <summary>
    /// The last line about telemetry at shutdown: what was exported and what was not, by cause, and how long the flush
    /// took. It says "flushed" only when nothing was lost.
    /// </summary>
    private void Report(ExportMonitor monitor, bool flushed, TimeSpan budget, long elapsedMilliseconds)
    {
        // Retries still waiting for the collector give up now: the exit is never held up by an outage.
        monitor.Stop();

        // One snapshot, so the causes add up to the total even while the exporter thread is still giving up.
        var traces = monitor.Traces;
        var (delivered, rejected, expired, abandoned, queueFull) = (traces.Delivered, traces.Rejected, traces.Expired, traces.Abandoned, traces.QueueFull);
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

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _drainLimit?.Dispose();
        _graceOver.Dispose();
    }
}
