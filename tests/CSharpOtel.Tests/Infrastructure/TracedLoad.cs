using System.Diagnostics;
using System.Net;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>One request of a load run: its own trace id (sent in traceparent), outcome and latency.</summary>
public sealed record TracedResult(string TraceId, HttpStatusCode? Status, TimeSpan Latency, string? Error);

/// <summary>Bounded loads of traced requests: every request carries a fresh trace id so its span can be found.</summary>
public static class TracedLoad
{
    public static HttpClient NewClient() => new(new UntracedHandler()) { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<TracedResult> SendAsync(HttpClient client, string url, CancellationToken cancellationToken = default)
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            await response.Content.ReadAsStringAsync(cancellationToken);
            return new TracedResult(traceId, response.StatusCode, stopwatch.Elapsed, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new TracedResult(traceId, null, stopwatch.Elapsed, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Sends <paramref name="count"/> requests, <paramref name="concurrency"/> at a time, stopping at <paramref name="timeLimit"/>.</summary>
    public static async Task<IReadOnlyList<TracedResult>> RunAsync(HttpClient client, string url, int count, int concurrency, TimeSpan timeLimit)
    {
        var results = new List<TracedResult>();
        var next = 0;
        using var cts = new CancellationTokenSource(timeLimit);
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!cts.IsCancellationRequested && Interlocked.Increment(ref next) <= count)
            {
                var result = await SendAsync(client, url);
                lock (results)
                {
                    results.Add(result);
                }
            }
        });
        await Task.WhenAll(workers);
        return results;
    }

    public static string Describe(IEnumerable<TracedResult> results)
        => string.Join("\n", results.Where(r => r.Status != HttpStatusCode.OK).Take(10).Select(r => $"{r.TraceId}: {r.Status} {r.Error}"));

    /// <summary>Polls the receiver until every trace id has a span there, or the timeout passes; returns the ids that arrived.</summary>
    public static async Task<HashSet<string>> WaitForTracesAsync(AspireDashboard receiver, IReadOnlyCollection<string> traceIds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var arrived = new HashSet<string>();
        while (true)
        {
            var received = (await receiver.GetSpansAsync(AspireDashboard.MaxTraces)).Select(s => s.TraceId).ToHashSet();
            arrived = traceIds.Where(received.Contains).ToHashSet();
            if (arrived.Count == traceIds.Count || DateTime.UtcNow > deadline)
            {
                return arrived;
            }

            await Task.Delay(500);
        }
    }
}
