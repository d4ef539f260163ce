using System.Reflection;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>Where things are in this checkout, found from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Template => Path.Combine(Root, "template", "csharp-otel");

    public static string SampleFunction => Path.Combine(Root, "function");

    public static string NuGetPackageRoot { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "csharp-otel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("csharp-otel.slnx not found above " + AppContext.BaseDirectory);
    }
}
