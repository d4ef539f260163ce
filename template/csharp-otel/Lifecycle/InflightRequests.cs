using System.Collections.Concurrent;

namespace FunctionHost.Lifecycle;

/// <summary>The requests the host is serving right now, so that a drain limit or a second SIGTERM can end them.</summary>
internal sealed class InflightRequests
{
    private readonly ConcurrentDictionary<HttpContext, byte> _requests = new();

    public int Count => _requests.Count;

    public void Add(HttpContext context) => _requests.TryAdd(context, 0);

    public void Remove(HttpContext context) => _requests.TryRemove(context, out _);

    /// <summary>Aborts every in-flight request (its connection is reset); returns how many there were.</summary>
    public int AbortAll()
    {
        var aborted = 0;
        foreach (var context in _requests.Keys)
        {
            try
            {
                context.Abort();
                aborted++;
            }
            catch (ObjectDisposedException)
            {
                // Finished between the snapshot and the abort.
            }
        }

        return aborted;
    }
}
