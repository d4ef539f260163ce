using System.Text.RegularExpressions;
using System.Xml.Linq;
using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Repository;

/// <summary>
/// Every C# example of README.md and docs/*.md compiles the way the text presents it: a block that declares
/// <c>class Handler</c> is a whole Handler.cs; any other block is pasted into the scaffold's Handler class (its
/// leading using directives at the top of the file), with the PackageReference items the same document advises
/// added to Function.csproj. Each becomes a function of its own in faas-cli's shrinkwrap layout, and all are built
/// in one <c>dotnet build -warnaserror</c>, so an IL2026/IL3050 trim or AOT warning fails as surely as a CS error.
/// A block that must not compile says so in its info string, <c>```csharp no-compile</c>, with the reason in the text.
/// </summary>
public sealed partial class DocumentationExamplesTest : IDisposable
{
    private const string NoCompile = "no-compile";

    private readonly FaasCliLayout _layout = new();

    [Fact]
    public async Task CSharpExamples_CompileInTheScaffold_WithWarningsAsErrors()
    {
        var examples = Documents().SelectMany(Blocks)
            .Where(b => b.Language is "csharp" or "cs" or "c#" && !b.Flags.Contains(NoCompile))
            .ToList();
        Assert.True(examples.Count >= 3, "expected README's and docs/make-it-yours.md's C# examples, found: " + string.Join(", ", examples));

        var scaffold = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Template, "function", "Handler.cs"));
        var projects = new List<(MarkdownCodeBlock Example, string Name, string Pasted)>();
        foreach (var example in examples)
        {
            var name = $"doc-example-{projects.Count + 1}";
            var handler = _layout.New(name);
            var pasted = PasteIntoScaffold(scaffold, example.Text);
            await File.WriteAllTextAsync(Path.Combine(handler, "Handler.cs"), pasted);
            FaasCliLayout.AddPackageReferences(handler, AdvisedPackages(example.File));
            _layout.Shrinkwrap(name, handler);
            projects.Add((example, name, pasted));
        }

        // One build for all: a solution folder each, since every project is named Function.
        var solution = Path.Combine(_layout.Root, "doc-examples.slnx");
        await File.WriteAllTextAsync(solution, new XElement("Solution", projects.Select(p =>
            new XElement("Folder", new XAttribute("Name", $"/{p.Name}/"),
                new XElement("Project", new XAttribute("Path", $"build/{p.Name}/function/Function.csproj"))))).ToString());

        using var build = ChildProcess.Start(Dotnet.Executable, _layout.Root, new Dictionary<string, string?>(),
            "build", solution, "-warnaserror", "--nologo", "-clp:NoSummary");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await build.Process.WaitForExitAsync(timeout.Token);
        build.Process.WaitForExit();

        var failures = projects
            .Select(p => (p.Example, p.Pasted, Errors: build.Output.Split('\n')
                .Where(line => line.Contains($"/build/{p.Name}/", StringComparison.Ordinal) && ErrorLine().IsMatch(line))
                .Select(line => "    " + ErrorLine().Match(line).Value).Distinct().ToList()))
            .Where(f => f.Errors.Count > 0)
            .Select(f => $"{f.Example} does not compile pasted into the scaffold:\n{string.Join('\n', f.Errors)}\n  Handler.cs as pasted:\n" +
                string.Join('\n', f.Pasted.Split('\n').Select((line, i) => $"    {i + 1,3}  {line}")))
            .ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(build.Process.ExitCode == 0, $"dotnet build of the documentation's examples exited {build.Process.ExitCode}:\n{build.Output}");
    }

    [Fact]
    public void PackageAdvice_NamesTheHostsOwnPackagesAtTheOneVersionTheTemplatePins()
    {
        // One place pins OpenTelemetry (CSharpOtel.props); the host and the advice both name it, never a number.
        const string Version = "$(CSharpOtelOpenTelemetryVersion)";
        var pins = Directory.EnumerateFiles(RepositoryPaths.Template).Append(Path.Combine(RepositoryPaths.Template, "function", "Function.csproj"))
            .Where(f => f.EndsWith("proj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .SelectMany(f => XDocument.Load(f).Descendants("CSharpOtelOpenTelemetryVersion").Select(_ => Path.GetRelativePath(RepositoryPaths.Template, f)))
            .ToList();
        Assert.Equal(["CSharpOtel.props"], pins);

        var host = XDocument.Load(Path.Combine(RepositoryPaths.Template, "FunctionHost.csproj")).Descendants("PackageReference")
            .Where(p => ((string)p.Attribute("Include")!).StartsWith("OpenTelemetry", StringComparison.Ordinal))
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        Assert.NotEmpty(host);
        Assert.All(host, p => Assert.True(p.Value == Version, $"FunctionHost.csproj references {p.Key} at {p.Value}, not {Version}"));

        var advice = Documents()
            .SelectMany(doc => PackageReference().Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, doc)))
                .Select(m => (Doc: doc, Package: m.Groups["id"].Value, Version: m.Groups["version"].Value)))
            .ToList();
        Assert.NotEmpty(advice);

        // A function is compiled into the host: an OpenTelemetry package at another version than the host's is a
        // downgrade error (NU1605) or a silent upgrade of the host's telemetry.
        Assert.All(advice.Where(a => a.Package.StartsWith("OpenTelemetry", StringComparison.Ordinal)), a =>
        {
            Assert.True(host.ContainsKey(a.Package), $"{a.Doc} advises {a.Package}, which the host does not reference");
            Assert.True(a.Version == Version, $"{a.Doc} advises {a.Package} {a.Version}, not {Version}");
        });

        // One piece of advice for the same need: every document that advises a package for the hooks advises the same.
        Assert.Single(advice.Select(a => (a.Package, a.Version)).Distinct());
    }

    [Theory]
    [InlineData("public static void Initialize(WebApplicationBuilder builder) { }\n", "    public static void Initialize")]
    [InlineData("using OpenTelemetry.Trace;   // at the top\n\npublic static void A() { }\n", "using OpenTelemetry.Trace;   // at the top\nnamespace Function;")]
    public void PasteIntoScaffold_PutsMembersInTheClassAndUsingsOnTop(string example, string expected)
    {
        const string scaffold = "namespace Function;\n\npublic class Handler(ILogger<Handler> logger)\n{\n    public Task HandleAsync() => Task.CompletedTask;\n}\n";

        var pasted = PasteIntoScaffold(scaffold, example);

        Assert.Contains(expected, pasted, StringComparison.Ordinal);
        Assert.True(pasted.IndexOf("{\n", StringComparison.Ordinal) < pasted.IndexOf("public static", StringComparison.Ordinal), pasted);
    }

    private static IEnumerable<string> Documents() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal));

    private static IReadOnlyList<MarkdownCodeBlock> Blocks(string document) => MarkdownCodeBlock.Read(RepositoryPaths.Root, document);

    private static List<(string Package, string Version)> AdvisedPackages(string document) =>
        Blocks(document).Where(b => b.Language == "xml")
            .SelectMany(b => PackageReference().Matches(b.Text).Select(m => (m.Groups["id"].Value, m.Groups["version"].Value)))
            .ToList();

    /// <summary>A whole file stays as it is; members go into the scaffold's class, leading usings above its namespace.</summary>
    internal static string PasteIntoScaffold(string scaffold, string example)
    {
        if (HandlerClass().IsMatch(example))
        {
            return example;
        }

        var lines = example.Split('\n');
        var usings = lines.TakeWhile(l => UsingDirective().IsMatch(l) || l.Trim().Length == 0).ToList();
        var members = lines.Skip(usings.Count).Select(l => l.Length == 0 ? l : "    " + l);

        var file = scaffold.Split('\n').ToList();
        var opening = file.FindIndex(file.FindIndex(l => HandlerClass().IsMatch(l)), l => l.Trim() == "{");
        file.InsertRange(opening + 1, [.. members, ""]);
        file.InsertRange(0, usings.Where(u => u.Trim().Length > 0));
        return string.Join('\n', file);
    }

    [GeneratedRegex(@"\bclass\s+Handler\b")]
    private static partial Regex HandlerClass();

    [GeneratedRegex(@"^using\s+[A-Za-z_][\w.]*\s*;")]
    private static partial Regex UsingDirective();

    [GeneratedRegex("""<PackageReference\s+Include="(?<id>[^"]+)"\s+Version="(?<version>[^"]+)"\s*/>""")]
    private static partial Regex PackageReference();

    // MSBuild's diagnostic format: "path/Handler.cs(12,5): error CS1061: ..." (warnings as errors included).
    [GeneratedRegex(@"[^/\s]+\(\d+,\d+\): error [A-Z]+\d+: [^\[]+")]
    private static partial Regex ErrorLine();

    public void Dispose() => _layout.Dispose();
}
