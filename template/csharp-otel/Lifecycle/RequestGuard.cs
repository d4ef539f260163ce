using System.Diagnostics;
using FunctionHost.OpenFaaS;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Middleware just outside the function (Hosting/RequestPipeline.cs): it tracks in-flight requests for the drain, turns a failing function into a plain
/// 500 (exception details only in the Development environment), marks the span as failed and logs the failure
/// with its trace id, and answers oversize bodies with Kestrel's 413 instead of a 500. It names invocations cut
/// by the watchdog's exec_timeout (<see cref="CutByExecTimeout"/>), says when the host first runs at the watchdog's
/// max_inflight, and once shutdown has begun it has each request's span exported before the response completes
/// (<see cref="ShutdownFlush"/>).
/// </summary>
internal sealed class RequestGuard(
    RequestDelegate next,
    InflightRequests inflight,
    LifecycleOptions options,
    ShutdownFlush shutdownFlush,
    IHostEnvironment environment,
    ILogger<RequestGuard> logger)
{
    /// <summary>
    /// The watchdog's clock starts before the host's (proxying, connecting, a busy machine), so an abort this close
    /// to exec_timeout is taken for the limit; never more than half the limit.
    /// </summary>
    private static readonly TimeSpan ExecTimeoutTolerance = TimeSpan.FromMilliseconds(500);

    private int _maxInflightReached;

    public async Task InvokeAsync(HttpContext context)
    {
        // At the watchdog's max_inflight the watchdog answers 429 to whatever arrives, and the host never sees
        // those requests: the first time, it says so and where they are counted.
        if (inflight.Add(context) >= options.MaxInflight && options.MaxInflight > 0 && Interlocked.Exchange(ref _maxInflightReached, 1) == 0)
        {
            LifecycleLog.MaxInflightReached(logger, options.MaxInflight);
        }

        var started = Stopwatch.GetTimestamp();
        var cancelled = false;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected (or the drain aborted it, or the watchdog's exec_timeout): nobody is left to answer.
            cancelled = true;
        }
        catch (BadHttpRequestException exception)
        {
            // Kestrel's own rejections surfacing through the function, e.g. a body over max_request_body_size (413).
            LifecycleLog.BadRequest(logger, exception.StatusCode, exception.Message, TraceId());
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = exception.StatusCode;
            }
            else
            {
                context.Abort();
            }
        }
        catch (Exception exception)
        {
            var activity = Activity.Current;
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().FullName);
            activity?.SetTag("error.type", exception.GetType().FullName);

            if (context.Response.HasStarted)
            {
                // Part of a success is already on the wire: cutting the connection is the only honest signal left.
                LifecycleLog.HandlerFailedAfterStart(logger, exception, TraceId());
                context.Abort();
                return;
            }

            LifecycleLog.HandlerFailed(logger, exception, TraceId());
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            if (environment.IsDevelopment())
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(exception.ToString(), CancellationToken.None);
            }
        }
        finally
        {
            // Cut by the watchdog's exec_timeout, whether the function stopped on its token or ignored it and finished
            // after the watchdog had answered 504; any other cancellation is a client that went away.
            if (!CutByExecTimeout(context, Stopwatch.GetElapsedTime(started), cancelled) && cancelled)
            {
                LifecycleLog.ClientGone(logger, TraceId());
            }

            if (shutdownFlush.ShuttingDown)
            {
                await shutdownFlush.EndRequestAsync(context);
            }

            inflight.Remove(context);
        }
    }

    /// <summary>
    /// True, and the span marked (status Error, error.type "timeout") and one warning logged, when the invocation ran
    /// into exec_timeout; <paramref name="cancelled"/>: the function ended with an OperationCanceledException.
    /// of-watchdog cancels the upstream request at the limit (its connection to the host closes) and answers 504
    /// itself: the host only sees a client that went away, or, when the function ignores its CancellationToken, a
    /// function that finished after nobody was listening.
    /// </summary>
    private bool CutByExecTimeout(HttpContext context, TimeSpan elapsed, bool cancelled)
    {
        var execTimeout = options.ExecTimeout;
        if (execTimeout <= TimeSpan.Zero)
        {
            return false; // 0: the watchdog sets no limit
        }

        var aborted = context.RequestAborted.IsCancellationRequested;
        var tolerance = ExecTimeoutTolerance < execTimeout / 2 ? ExecTimeoutTolerance : execTimeout / 2;
        var cut = elapsed >= execTimeout || (aborted && elapsed >= execTimeout - tolerance);
        if (!cut)
        {
            return false;
        }

        var activity = Activity.Current;
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, $"exec_timeout {execTimeout} reached");
            activity.SetTag("error.type", "timeout");
        }

        var callId = context.Request.Headers[InvocationHeaders.CallId].ToString();
        LifecycleLog.ExecTimeoutReached(
            logger,
            execTimeout,
            callId.Length > 0 ? callId : "none",
            context.Request.Path.Value ?? "/",
            cancelled ? "the function stopped on its cancellation token" : "the function ran on, ignoring its cancellation token",
            activity?.TraceId.ToHexString() ?? "none");
        return true;
    }

    private static string TraceId() => Activity.Current?.TraceId.ToHexString() ?? "none";
}
