using System.Diagnostics;
using FunctionHost.OpenFaaS;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Names an invocation the watchdog cut at exec_timeout. of-watchdog cancels the upstream request at the limit
/// (its connection to the host closes) and answers 504 itself; the host only sees a client that went away, or,
/// when the function ignores its CancellationToken, a function that finished after nobody was listening. Either
/// way, past the limit, the server span gets status Error with error.type "timeout", and one warning is logged.
/// </summary>
internal static class ExecTimeoutCheck
{
    /// <summary>error.type of a span cut by exec_timeout.</summary>
    public const string ErrorType = "timeout";

    /// <summary>
    /// The watchdog's clock starts before the host's (proxying, connecting, a busy machine), so an abort this close
    /// to the limit is taken for the limit; never more than half the limit.
    /// </summary>
    public static readonly TimeSpan AbortTolerance = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// True, and the span marked and the warning logged, when the invocation ran into exec_timeout.
    /// <paramref name="cancelled"/>: the function ended with an OperationCanceledException.
    /// </summary>
    public static bool Apply(HttpContext context, TimeSpan elapsed, TimeSpan execTimeout, bool cancelled, ILogger logger)
    {
        if (execTimeout <= TimeSpan.Zero)
        {
            return false; // 0: the watchdog sets no limit
        }

        var aborted = context.RequestAborted.IsCancellationRequested;
        var tolerance = AbortTolerance < execTimeout / 2 ? AbortTolerance : execTimeout / 2;
        var cut = elapsed >= execTimeout || (aborted && elapsed >= execTimeout - tolerance);
        if (!cut)
        {
            return false;
        }

        var activity = Activity.Current;
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, $"exec_timeout {execTimeout} reached");
            activity.SetTag("error.type", ErrorType);
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
}
