using System.Globalization;

namespace Host.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- path [requests]`: bytes allocated per request (all threads, the runtime's precise
/// count) and gen0/gen1/gen2 collections per 10k requests, for each row of <see cref="RequestPathBenchmarks"/>,
/// after a warm-up. Allocation figures do not depend on how busy the machine is, unlike times.
/// </summary>
public static class PathQuick
{
    public static void Run(int requests)
    {
        Console.WriteLine("| host | traceparent | bytes/request | gen0 per 10k | gen1 per 10k | gen2 per 10k |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var host in new[] { "bare", "handwritten", "template-disabled", "template" })
        {
            foreach (var parent in new[] { false, true })
            {
                var bench = new RequestPathBenchmarks { Host = host, Parent = parent };
                bench.Setup();
                for (var i = 0; i < 5_000; i++)
                {
                    bench.Post().GetAwaiter().GetResult();
                }

                var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
                var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                for (var i = 0; i < requests; i++)
                {
                    bench.Post().GetAwaiter().GetResult();
                }

                var bytes = (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / (double)requests;
                var per10k = 10_000.0 / requests;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {host} | {(parent ? "yes" : "no")} | {bytes:F0} | {(GC.CollectionCount(0) - g0) * per10k:F1} | {(GC.CollectionCount(1) - g1) * per10k:F1} | {(GC.CollectionCount(2) - g2) * per10k:F1} |"));
                bench.Cleanup();
            }
        }
    }

    /// <summary>
    /// `dotnet run -c Release -- path-types [requests]`: where each host's bytes per request go, by type (the
    /// runtime's randomized allocation sampling, bench/GcProbe/AllocationSampler.cs), with an incoming traceparent
    /// or not; the types whose bytes differ between the hosts by 8 B/request or more, largest difference first.
    /// </summary>
    public static void RunTypes(int requests)
    {
        using var sampler = new AllocationSampler();
        var hosts = new[] { "bare", "handwritten", "template-disabled", "template" };
        foreach (var parent in new[] { false, true })
        {
            var perHost = new List<Dictionary<string, double>>();
            foreach (var host in hosts)
            {
                var bench = new RequestPathBenchmarks { Host = host, Parent = parent };
                bench.Setup();
                for (var i = 0; i < 5_000; i++)
                {
                    bench.Post().GetAwaiter().GetResult();
                }

                sampler.Take();
                for (var i = 0; i < requests; i++)
                {
                    bench.Post().GetAwaiter().GetResult();
                }

                perHost.Add(sampler.Take().ToDictionary(p => p.Key, p => p.Value / (double)requests));
                bench.Cleanup();
            }

            Console.WriteLine($"\nincoming traceparent: {(parent ? "yes" : "no")}; estimated bytes/request by type");
            Console.WriteLine($"| type | {string.Join(" | ", hosts)} |");
            Console.WriteLine($"|---|{string.Concat(hosts.Select(_ => "---:|"))}");
            var rows = perHost.SelectMany(d => d.Keys).Distinct()
                .Select(type => (type, bytes: perHost.Select(d => d.GetValueOrDefault(type)).ToArray()))
                .Where(row => row.bytes.Max() - row.bytes.Min() >= 8)
                .OrderByDescending(row => row.bytes.Max() - row.bytes.Min());
            foreach (var (type, bytes) in rows.Append(("(all types)", perHost.Select(d => d.Values.Sum()).ToArray())))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {string.Join(" | ", bytes.Select(b => b.ToString("F0", CultureInfo.InvariantCulture)))} |"));
            }
        }
    }

    /// <summary>`dotnet run -c Release -- path-log`: bytes allocated per log line by the host's formatter.</summary>
    public static void RunLog()
    {
        Console.WriteLine("| format | bytes/line |");
        Console.WriteLine("|---|---:|");
        foreach (var format in new[] { "json", "logfmt" })
        {
            var bench = new LogLineBenchmarks { LineFormat = format };
            bench.Setup();
            for (var i = 0; i < 1_000; i++)
            {
                bench.WriteLine();
            }

            const int lines = 10_000;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < lines; i++)
            {
                bench.WriteLine();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {format} | {(GC.GetAllocatedBytesForCurrentThread() - before) / (double)lines:F0} |"));
            bench.Cleanup();
        }
    }
}
