using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.OpenFaaS;

namespace CSharpOtel.Tests.Template;

/// <summary>The facts that must agree across template.yml, the Dockerfile and the host.</summary>
public class TemplateConsistencyTest
{
    private static readonly string Template = RepositoryPaths.Template;

    [Fact]
    public void Fprocess_TemplateYmlAndDockerfileAgree()
    {
        var yml = TemplateFiles.ReadTemplateYml(Template);
        var env = TemplateFiles.ReadDockerfileEnv(Template);

        Assert.Equal("csharp-otel", yml["language"]);
        Assert.Equal(env["fprocess"], yml["fprocess"]);
        Assert.Equal("http", env["mode"]);
    }

    [Fact]
    public void UpstreamUrl_IsTheHostsDefaultAddress()
    {
        var env = TemplateFiles.ReadDockerfileEnv(Template);
        Assert.Equal(WatchdogConventions.DefaultUrl, env["upstream_url"]);
    }

    [Fact]
    public void Fprocess_NamesTheHostsExecutable()
    {
        var fprocess = TemplateFiles.ReadTemplateYml(Template)["fprocess"];
        var project = Path.GetFileNameWithoutExtension(Directory.GetFiles(Template, "*.csproj").Single());
        Assert.Equal("./" + project, fprocess);
    }

    [Fact]
    public void WelcomeMessage_TellsWhatToEditWhichVariablesToSetAndHowToRunLocally()
    {
        var welcome = TemplateFiles.ReadTemplateYml(Template)["welcome_message"];
        foreach (var expected in new[] { "Handler.cs", "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_PROPAGATORS", "bash template/csharp-otel/run " })
        {
            Assert.Contains(expected, welcome, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dockerfile_PinsTheWatchdogAndRunsAsNonRoot()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Template, "Dockerfile"));
        Assert.Matches(new Regex(@"of-watchdog:\d+\.\d+\.\d+ AS watchdog"), dockerfile);
        Assert.Matches(new Regex(@"(?m)^USER app\s*$"), dockerfile);
        Assert.Matches(new Regex(@"(?m)^FROM --platform="), dockerfile);
    }

    [Fact]
    public void Dockerfile_NamesEveryStageItUsesLiterally()
    {
        // podman/buildah 4.x skip a stage that is reached only through a build argument (FROM build-${AOT},
        // COPY --from=runtime-${AOT}) and then fail with "image not known"; Docker BuildKit resolves it. So no
        // FROM or --from may name a stage through a variable, and every stage named must exist.
        var dockerfile = File.ReadAllText(Path.Combine(Template, "Dockerfile"));
        var stages = Regex.Matches(dockerfile, @"(?m)^FROM .+ AS (\S+)\s*$").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("ship", stages);
        foreach (Match use in Regex.Matches(dockerfile, @"(?m)^FROM (?:--platform=\S+ )?(\S+)|--from=(\S+)"))
        {
            var name = use.Groups[1].Success ? use.Groups[1].Value : use.Groups[2].Value;
            Assert.False(name.Contains('$', StringComparison.Ordinal) && !name.Contains('/', StringComparison.Ordinal),
                $"the Dockerfile chooses the stage '{name}' through a variable, which podman/buildah cannot build");
            if (!name.Contains('/', StringComparison.Ordinal) && !name.Contains(':', StringComparison.Ordinal))
            {
                Assert.Contains(name, stages);
            }
        }
    }

    [Fact]
    public void ScaffoldHandlerHash_InDirectoryBuildTargets_MatchesTheScaffold()
    {
        // Directory.Build.targets recognises the untouched scaffold Handler.cs by this hash.
        var targets = File.ReadAllText(Path.Combine(Template, "Directory.Build.targets"));
        var declared = Regex.Match(targets, "<CSharpOtelScaffoldHandlerSha256>([0-9a-f]{64})<").Groups[1].Value;
        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Template, "function", "Handler.cs"))));
        Assert.Equal(actual, declared);
    }

    [Fact]
    public void Template_DependsOnNothingAboveIt()
    {
        foreach (var file in Directory.EnumerateFiles(Template, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                                 !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                                 (f.EndsWith("proj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) ||
                                  f.EndsWith(".targets", StringComparison.Ordinal) || f.EndsWith("Dockerfile", StringComparison.Ordinal))))
        {
            Assert.DoesNotContain("../..", File.ReadAllText(file).Replace('\\', '/'), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TestFunctionHost_StartsTheHostWithProgramsStepsInProgramsOrder()
    {
        // The in-process test host cannot call Program.cs, so it repeats its start-up; this keeps the copy honest.
        static string[] Steps(string file) => Regex.Matches(File.ReadAllText(file), @"(?m)^\s*builder\.((?:Use|Add)\w+)(?:<\w+>)?\(")
            .Select(m => m.Groups[1].Value).ToArray();

        var program = Steps(Path.Combine(Template, "Program.cs"));
        var testHost = Steps(Path.Combine(RepositoryPaths.Root, "tests", "CSharpOtel.Tests", "Infrastructure", "TestFunctionHost.cs"));

        Assert.Equal(["UseWatchdogConventions", "AddFunctionTelemetry", "AddFunctionPropagation", "AddWatchdogLifecycle", "AddFunction"], program);
        Assert.Equal(program, testHost);
    }
}
