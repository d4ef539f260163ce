using BenchmarkDotNet.Running;
using Propagation.Benchmarks;

if (args.Length > 0 && args[0] == "quick") { Quick.Run(); return; }
// dotnet run -c Release -- --filter '*'   (add --job short for a quick run)
BenchmarkSwitcher.FromAssembly(typeof(PropagatorBenchmarks).Assembly).Run(args);
