namespace FunctionHost.Lifecycle;

/// <summary>The requests the host is serving right now, so that a drain limit or a second SIGTERM can end them.</summary>
/// <remarks>
/// A set under a lock rather than a ConcurrentDictionary: the dictionary allocates a node for every request, the
/// set reuses its slots, and the lock is held for a hash insert or removal, uncontended at any rate one replica serves.
/// </remarks>
internal sealed class InflightRequests
{
    private readonly HashSet<HttpContext> _requests = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            using var scope = _lock.EnterScope();
            return _requests.Count;
        }
    }

    /// <summary>Adds the request; returns how many are in flight with it.</summary>
    public int Add(HttpContext context)
    {
        using var scope = _lock.EnterScope();
        _requests.Add(context);
        return _requests.Count;
    }

    public void Remove(HttpContext context)
    {
        using var scope = _lock.EnterScope();
        _requests.Remove(context);
    }

    /// <summary>Aborts every in-flight request (its connection is reset); returns how many there were.</summary>
    public int AbortAll()
    {
        HttpContext[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _requests];
        }

        var aborted = 0;
        foreach (var context in snapshot)
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
