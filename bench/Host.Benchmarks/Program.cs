using BenchmarkDotNet.Running;
using Host.Benchmarks;

if (args.Length > 0 && args[0] == "quick") { Quick.Run(); return; }
if (args.Length > 0 && args[0] == "path-log") { PathQuick.RunLog(); return; }
if (args.Length > 0 && args[0] == "path-types") { PathQuick.RunTypes(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000); return; }
if (args.Length > 0 && args[0] == "path") { PathQuick.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000); return; }
// dotnet run -c Release -- --filter '*'   (add --job short for a quick run)
BenchmarkSwitcher.FromAssembly(typeof(PropagatorBenchmarks).Assembly).Run(args);
