using System.Diagnostics;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Middleware just outside the function (Hosting/RequestPipeline.cs): it tracks in-flight requests for the drain, turns a failing function into a plain
/// 500 (exception details only in the Development environment), marks the span as failed and logs the failure
/// with its trace id, and answers oversize bodies with Kestrel's 413 instead of a 500. It names invocations cut
/// by the watchdog's exec_timeout (<see cref="ExecTimeoutCheck"/>), and once shutdown has begun it has each
/// request's span exported before the response completes (<see cref="ShutdownFlush"/>).
/// </summary>
internal sealed class RequestGuard(
    RequestDelegate next,
    InflightRequests inflight,
    LifecycleOptions options,
    ShutdownFlush shutdownFlush,
    IHostEnvironment environment,
    ILogger<RequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        inflight.Add(context);
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
            if (!ExecTimeoutCheck.Apply(context, Stopwatch.GetElapsedTime(started), options.ExecTimeout, cancelled, logger) && cancelled)
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

    private static string TraceId() => Activity.Current?.TraceId.ToHexString() ?? "none";
}
