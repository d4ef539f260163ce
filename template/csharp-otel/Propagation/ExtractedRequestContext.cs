using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// What <see cref="ActivityPropagatorBridge"/> extracted from the request the current thread is starting, kept so
/// that the next reader of the same headers (the ASP.NET Core instrumentation, or the bridge's own baggage step)
/// takes it instead of parsing every header again.
/// </summary>
/// <remarks>
/// ASP.NET Core hosting calls the bridge, starts the request's activity and raises the instrumentation's start event
/// synchronously on one thread, so a thread-static slot needs no lock and cannot see another request's context.
/// The slot is matched by the headers object (Kestrel reuses it for the next request on the same connection, but
/// the bridge overwrites the slot first) and emptied when taken, so a stale entry is never read twice.
/// </remarks>
internal static class ExtractedRequestContext
{
    [ThreadStatic]
    private static (object? Headers, PropagationContext Context) t_slot;

    public static void Set(object headers, PropagationContext context) => t_slot = (headers, context);

    /// <summary>The context extracted from <paramref name="headers"/>, once; false for any other headers.</summary>
    public static bool TryTake(object headers, out PropagationContext context)
    {
        if (!ReferenceEquals(t_slot.Headers, headers))
        {
            context = default;
            return false;
        }

        context = t_slot.Context;
        t_slot = default;
        return true;
    }
}
