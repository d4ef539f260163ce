using System.Reflection;
using System.Runtime.Loader;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Analyzers;

/// <summary>
/// What a function's build loads is the committed template/csharp-otel/Analyzers/CSharpOtel.Analyzers.dll, so that no
/// build compiles the analyzer: it must be built from the sources next to it as they are now, and be loadable by the
/// compiler of every installed SDK. HandlerAnalyzerTest checks those sources' behaviour; the build tests load the dll.
/// </summary>
public class ShippedAnalyzerTest
{
    private const string Rebuild = "dotnet build template/csharp-otel/Analyzers -c Release -p:UpdateShippedAnalyzer=true";

    private static readonly string Folder = Path.Combine(RepositoryPaths.Template, "Analyzers");

    [Fact]
    public void ShippedAssembly_IsBuiltFromTheSourcesAsTheyAre()
    {
        // The same files as the project's CSharpOtelEmbedSourceHashes target hashes.
        var sources = new[] { "*.cs", "*.csproj", "*.md" }.SelectMany(pattern => Directory.GetFiles(Folder, pattern))
            .ToDictionary(file => Path.GetFileName(file), file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));
        var embedded = Shipped().GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key.StartsWith("SourceSha256:", StringComparison.Ordinal))
            .ToDictionary(a => a.Key["SourceSha256:".Length..], a => a.Value!.ToUpperInvariant());

        var stale = sources.Keys.Union(embedded.Keys)
            .Where(file => sources.GetValueOrDefault(file) != embedded.GetValueOrDefault(file))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(stale.Count == 0,
            $"Analyzers/CSharpOtel.Analyzers.dll is not built from the sources as they are ({string.Join(", ", stale)} differ); " +
            $"rebuild it from the repository root: {Rebuild}");
    }

    [Fact]
    public void ShippedAssembly_IsNetStandard20_AndNeedsNoNewerRoslynThanAnyInstalledSdk()
    {
        var shipped = Shipped();
        Assert.Equal(".NETStandard,Version=v2.0", shipped.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);

        // A compiler older than the analyzer's Roslyn skips the analyzer with only a warning (CS9057).
        var referenced = shipped.GetReferencedAssemblies().Single(a => a.Name == "Microsoft.CodeAnalysis").Version!;
        // The runtime lives in <dotnet root>/<runtimes folder>/Microsoft.NETCore.App/<version>; the SDKs in <dotnet root>/sdk.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var compilers = Directory.GetFiles(Path.Combine(runtime, "..", "..", "..", "sdk"), "Microsoft.CodeAnalysis.dll", SearchOption.AllDirectories)
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}Roslyn{Path.DirectorySeparatorChar}bincore", StringComparison.Ordinal))
            .Select(path => AssemblyName.GetAssemblyName(path).Version!)
            .ToList();

        Assert.NotEmpty(compilers);
        Assert.All(compilers, compiler => Assert.True(referenced <= compiler, $"analyzer needs Roslyn {referenced}; an installed SDK has {compiler}"));
    }

    // A context of its own: the tests' own reference to the analyzer project has the same assembly name.
    private static Assembly Shipped() =>
        new AssemblyLoadContext("shipped-analyzer", isCollectible: true).LoadFromAssemblyPath(Path.Combine(Folder, "CSharpOtel.Analyzers.dll"));
}
