using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

/// <summary>
/// With BENCH_ALLOC_TYPES_PORT set, listens to the runtime's randomized allocation sampling (.NET 10's
/// AllocationSampled event: on average one sample per 100 KB allocated, at a random point, so a request that allocates
/// the same objects in the same order every time is not aliased, as with the fixed-interval GCAllocationTick) and
/// sums the estimated bytes per type (GcProbe answers them on that port; bench/Host.Benchmarks reads them in
/// process). An object of size S is sampled with probability 1 - exp(-S / 100 KB), so
/// each sample counts for S divided by that probability.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords AllocationSamplingKeyword = (EventKeywords)0x80000000000;
    private const double SamplingMean = 100 * 1024;
    private ConcurrentDictionary<string, long> _bytesByType = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, AllocationSamplingKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName != "AllocationSampled" || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }

        var typeIndex = names.IndexOf("TypeName");
        var sizeIndex = names.IndexOf("ObjectSize");
        if (typeIndex < 0 || sizeIndex < 0)
        {
            return;
        }

        var type = payload[typeIndex] as string ?? "?";
        var size = Convert.ToDouble(payload[sizeIndex], CultureInfo.InvariantCulture);
        var weight = (long)(size / (1 - Math.Exp(-size / SamplingMean)));
        _bytesByType.AddOrUpdate(type, weight, (_, total) => total + weight);
    }

    /// <summary>Estimated bytes per type since the previous call, largest first.</summary>
    public KeyValuePair<string, long>[] Take()
        => [.. Interlocked.Exchange(ref _bytesByType, new ConcurrentDictionary<string, long>()).OrderByDescending(p => p.Value)];
}
