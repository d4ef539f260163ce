using System.Diagnostics;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The tests' one polling loop: probe until the probe yields a result or the timeout passes, then fail with a
/// message that says what was awaited and what was last seen. The probe runs once more at the deadline, so a slow
/// machine that delivers just in time still passes.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(failure);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            if (stopwatch.Elapsed >= timeout)
            {
                throw new TimeoutException($"{failure()} (waited {timeout.TotalSeconds:0.#} s)");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task<T> UntilAsync<T>(Func<T?> probe, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null)
        where T : class
        => UntilAsync(() => Task.FromResult(probe()), timeout, failure, interval);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null)
        => UntilAsync(() => condition() ? Done : null, timeout, failure, interval);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null)
        => UntilAsync(async () => await condition() ? Done : null, timeout, failure, interval);

    private static readonly object Done = new();
}
