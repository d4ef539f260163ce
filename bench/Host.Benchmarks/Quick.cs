using System.Diagnostics;

namespace Host.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- quick`: interleaved rounds, best round per propagator. On a shared, noisy machine the
/// minimum of interleaved rounds gives steadier ratios than one long run per propagator.
/// </summary>
public static class Quick
{
    public static void Run()
    {
        string[] names = ["tracecontext", "b3", "b3multi", "jaeger", "ottrace", "xray", "baggage", "sdk-baggage", "jaeger+bag", "ottrace+bag"];
        var benches = names.Select(n => { var b = new PropagatorBenchmarks { Propagator = n }; b.Setup(); return b; }).ToArray();
        var best = names.ToDictionary(n => n, _ => (present: double.MaxValue, absent: double.MaxValue));
        const int n = 20_000;
        for (var round = 0; round < 60; round++)
        {
            for (var i = 0; i < benches.Length; i++)
            {
                var b = benches[i];
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < n; k++) b.ExtractPresent();
                var present = sw.Elapsed.TotalNanoseconds / n;
                sw.Restart();
                for (var k = 0; k < n; k++) b.ExtractAbsent();
                var absent = sw.Elapsed.TotalNanoseconds / n;
                var (p, a) = best[names[i]];
                best[names[i]] = (Math.Min(p, present), Math.Min(a, absent));
            }
        }

        var baseline = best["tracecontext"].present;
        Console.WriteLine("| propagator | extract present (ns) | ratio to SDK W3C | extract absent (ns) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in names)
        {
            var (p, a) = best[name];
            Console.WriteLine($"| {name} | {p:F0} | {p / baseline:F2} | {a:F0} |");
        }
    }
}
