using BenchmarkDotNet.Running;
using Propagation.Benchmarks;

// dotnet run -c Release -- --filter '*'   (add --job short for a quick run)
BenchmarkSwitcher.FromAssembly(typeof(PropagatorBenchmarks).Assembly).Run(args);
