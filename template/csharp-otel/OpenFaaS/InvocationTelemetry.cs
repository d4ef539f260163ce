using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace FunctionHost.OpenFaaS;

/// <summary>
/// Middleware that marks each invocation's server span with what OpenFaaS knows about it: trigger, call id,
/// cold start, asynchronous replay and queue delay; optionally it writes the span's traceparent on the response.
/// It runs on every request, so it allocates nothing on the common path: constant keys, pre-boxed booleans,
/// header values used as they arrive.
/// </summary>
internal sealed class InvocationTelemetry(RequestDelegate next, bool writeResponseTraceparent)
{
    /// <summary>Queue delays longer than this are taken for a bad clock or a bad header, not a real wait.</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(1);

    private static readonly object True = true;
    private static readonly object False = false;

    // 0 until the first invocation reaches the function: per host instance, so per process in production.
    private int _served;

    public Task InvokeAsync(HttpContext context)
    {
        // Counted whether or not the span is sampled, so "first" really means the first invocation.
        var coldStart = Volatile.Read(ref _served) == 0 && Interlocked.Exchange(ref _served, 1) == 0;

        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is not null)
        {
            var headers = context.Request.Headers;
            var callId = headers[InvocationHeaders.CallId];

            // Set even on an unsampled span: the stdout log formatter reads the call id from here.
            if (!StringValues.IsNullOrEmpty(callId))
            {
                activity.SetTag(InvocationAttributes.InvocationId, callId.ToString());
            }

            // Only for a span something records: without a tracer provider (OTEL_SDK_DISABLED, no exporter) ASP.NET
            // Core still makes an activity for log correlation, from a source nobody listens to, and a tag there is
            // an allocation nobody reads.
            if (activity.IsAllDataRequested && activity.Source.HasListeners())
            {
                activity.SetTag(InvocationAttributes.Trigger, "http");
                activity.SetTag(InvocationAttributes.ColdStart, coldStart ? True : False);
                if (IsAsync(headers))
                {
                    activity.SetTag(InvocationAttributes.Async, True);
                    if (QueueDelay(headers[InvocationHeaders.StartTime], DateTime.UtcNow) is { } delay)
                    {
                        activity.SetTag(InvocationAttributes.QueueDelay, delay.TotalSeconds);
                    }
                }
            }

            if (writeResponseTraceparent && activity.IdFormat == ActivityIdFormat.W3C)
            {
                // Activity.Id of a W3C activity is exactly its traceparent, computed once and cached.
                context.Response.Headers["traceparent"] = activity.Id;
            }
        }

        return next(context);
    }

    /// <summary>The queue-worker's replay: its User-Agent, or a callback URL (only async invocations have one).</summary>
    public static bool IsAsync(IHeaderDictionary headers)
    {
        var userAgent = headers.UserAgent;
        return (userAgent.Count == 1 && userAgent[0]!.Contains(InvocationHeaders.QueueWorkerUserAgentMarker, StringComparison.Ordinal))
            || !StringValues.IsNullOrEmpty(headers[InvocationHeaders.CallbackUrl]);
    }

    /// <summary>
    /// Time since <paramref name="startTime"/> (Unix nanoseconds), or null when the header is absent, not a number,
    /// in the future, or more than <see cref="MaxQueueDelay"/> ago: a bad header is ignored, never an error.
    /// </summary>
    public static TimeSpan? QueueDelay(StringValues startTime, DateTime utcNow)
    {
        if (startTime.Count != 1 ||
            !long.TryParse(startTime[0], NumberStyles.None, CultureInfo.InvariantCulture, out var startNanoseconds) ||
            startNanoseconds <= 0)
        {
            return null;
        }

        var nowNanoseconds = (utcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        var delayTicks = (nowNanoseconds - startNanoseconds) / 100;
        return delayTicks < 0 || delayTicks > MaxQueueDelay.Ticks ? null : TimeSpan.FromTicks(delayTicks);
    }
}
