using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Configuration;
using YamlDotNet.RepresentationModel;

namespace CSharpOtel.Tests.Repository;

/// <summary>Every YAML file of the repository parses, and the files that name things name only real ones.</summary>
public class YamlFilesTest
{
    // Folders that hold build output or copies, never sources: bin/obj, faas-cli's build/, dev/run's dev/.build/.
    private static readonly string[] IgnoredFolders = [".git", "bin", "obj", "build", ".build", "node_modules", "TestResults"];

    /// <summary>The sample function's own setting (function/Handler.cs), not the host's.</summary>
    private const string SampleOnlyVariable = "DOWNSTREAM_URL";

    public static TheoryData<string> YamlFiles() => new(RelativeYamlPaths());

    private static List<string> RelativeYamlPaths() =>
        EnumerateYaml(RepositoryPaths.Root).Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/')).ToList();

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void YamlFile_Parses(string relativePath)
    {
        var stream = Load(relativePath);
        Assert.NotEmpty(stream.Documents);
        Assert.All(stream.Documents, document => Assert.NotNull(document.RootNode));
    }

    [Fact]
    public void YamlFiles_IncludeStackTemplateAndDeploy()
    {
        var files = RelativeYamlPaths();
        Assert.Contains("stack.yml", files);
        Assert.Contains("template/csharp-otel/template.yml", files);
        Assert.Contains(files, f => f.StartsWith("deploy/", StringComparison.Ordinal));
    }

    [Fact]
    public void TemplateYml_HasOnlyFieldsFaasCliKnows()
    {
        string[] known = ["language", "fprocess", "build_options", "welcome_message", "handler_folder", "mount_ssh"];
        var root = (YamlMappingNode)Load("template/csharp-otel/template.yml").Documents[0].RootNode;
        Assert.All(root.Children.Keys, key => Assert.Contains(((YamlScalarNode)key).Value, known));
    }

    [Fact]
    public void StackYml_NamesOnlyDocumentedEnvironmentVariables()
    {
        var documented = DocumentedVariables();
        documented.Add(SampleOnlyVariable);

        var root = (YamlMappingNode)Load("stack.yml").Documents[0].RootNode;
        var functions = (YamlMappingNode)root.Children[new YamlScalarNode("functions")];
        var named = new List<string>();
        foreach (var (name, function) in functions.Children)
        {
            if (((YamlMappingNode)function).Children.TryGetValue(new YamlScalarNode("environment"), out var environment))
            {
                named.AddRange(((YamlMappingNode)environment).Children.Keys.Select(key => $"{name}: {((YamlScalarNode)key).Value}"));
            }
        }

        Assert.NotEmpty(named);
        var undocumented = named.Where(entry => !documented.Contains(entry[(entry.IndexOf(": ", StringComparison.Ordinal) + 2)..])).ToList();
        Assert.True(undocumented.Count == 0, "stack.yml sets variables the host does not document: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void CollectorConfig_ReceivesOtlpJaegerAndZipkinIntoOneTracesPipeline()
    {
        var configMap = Load("deploy/otel-collector.yaml").Documents
            .Select(d => (YamlMappingNode)d.RootNode)
            .Single(d => Scalar(d, "kind") == "ConfigMap");
        var embedded = Scalar((YamlMappingNode)configMap.Children[new YamlScalarNode("data")], "config.yaml");
        var config = new YamlStream();
        config.Load(new StringReader(embedded!));
        var root = (YamlMappingNode)config.Documents[0].RootNode;

        var receivers = (YamlMappingNode)root.Children[new YamlScalarNode("receivers")];
        var otlp = (YamlMappingNode)((YamlMappingNode)receivers.Children[new YamlScalarNode("otlp")]).Children[new YamlScalarNode("protocols")];
        Assert.True(otlp.Children.ContainsKey(new YamlScalarNode("grpc")) && otlp.Children.ContainsKey(new YamlScalarNode("http")));
        var jaeger = (YamlMappingNode)((YamlMappingNode)receivers.Children[new YamlScalarNode("jaeger")]).Children[new YamlScalarNode("protocols")];
        Assert.True(jaeger.Children.ContainsKey(new YamlScalarNode("thrift_http")) && jaeger.Children.ContainsKey(new YamlScalarNode("grpc")));
        Assert.True(receivers.Children.ContainsKey(new YamlScalarNode("zipkin")));

        var service = (YamlMappingNode)root.Children[new YamlScalarNode("service")];
        var traces = (YamlMappingNode)((YamlMappingNode)service.Children[new YamlScalarNode("pipelines")]).Children[new YamlScalarNode("traces")];
        var pipelineReceivers = ((YamlSequenceNode)traces.Children[new YamlScalarNode("receivers")]).Select(n => ((YamlScalarNode)n).Value).ToList();
        Assert.Equal(["otlp", "jaeger", "zipkin"], pipelineReceivers);
        var exporters = ((YamlSequenceNode)traces.Children[new YamlScalarNode("exporters")]).Select(n => ((YamlScalarNode)n).Value!).ToList();
        var declared = (YamlMappingNode)root.Children[new YamlScalarNode("exporters")];
        Assert.All(exporters, e => Assert.True(declared.Children.ContainsKey(new YamlScalarNode(e)), $"exporter {e} is not declared"));
    }

    /// <summary>The host's one list of variables, which DocsTablesTest ties to docs/configuration.md.</summary>
    private static HashSet<string> DocumentedVariables() => [.. Variables.All.Select(v => v.Name)];

    private static YamlStream Load(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, relativePath));
        stream.Load(reader);
        return stream;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static IEnumerable<string> EnumerateYaml(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(folder))
        {
            if (IgnoredFolders.Contains(Path.GetFileName(sub)))
            {
                continue;
            }

            foreach (var file in EnumerateYaml(sub))
            {
                yield return file;
            }
        }
    }
}
