using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Analyzers;

/// <summary>
/// One wrong hook, built each way a user builds a function: in faas-cli's shrinkwrapped layout as the Dockerfile
/// builds it, and next to the pulled template with the local-run script or dotnet run. Each build fails at the function
/// with CSOTEL001, the file and line of the hook, and the signature to write. Built with analyzers off, as a function
/// that bypasses the check would reach the host, start-up exits 1 with one line that says the same.
/// </summary>
public sealed class WrongHookBuildTest : IDisposable
{
    private const string WrongHook = "    public static void Initialize(IServiceCollection services) => services.AddSingleton(TimeProvider.System);";

    private const string Message = "Function.Handler.Initialize has the wrong signature: public static void Initialize(IServiceCollection services). " +
                                   "A start-up hook must be declared exactly as: public static void Initialize(WebApplicationBuilder builder).";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);

    private readonly FaasCliLayout _layout = new();

    [Fact]
    public async Task WrongHook_BuildFailsAtTheHooksLine_AndStartUpExitsWithOneLine()
    {
        var handler = _layout.New("hook-fn");
        var line = await AddWrongHookAsync(handler);
        var context = _layout.Shrinkwrap("hook-fn", handler);

        var build = await BuildFailsAsync(Dotnet.Executable, context, "build", "FunctionHost.csproj", "--nologo");
        Assert.Contains($"{Path.Combine(context, "function", "Handler.cs")}{line}: error CSOTEL001: {Message}", build, StringComparison.Ordinal);

        // RunAnalyzers=false: the function compiles, so only the host's own start-up check stands between the wrong
        // hook and a half-configured function.
        await ChildProcess.RunAsync(Dotnet.Executable, context, BuildTimeout, "build", "FunctionHost.csproj", "--nologo", "-p:RunAnalyzers=false");
        var output = Path.Combine(context, "bin", "Debug", "net10.0");
        using var host = ChildProcess.Start(Dotnet.Executable, output, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
        }, "FunctionHost.dll");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await host.Process.WaitForExitAsync(timeout.Token);
        }

        host.Process.WaitForExit();
        Assert.Equal(1, host.Process.ExitCode);
        Assert.Equal($"error CSOTEL001: {Message}", host.Output.Trim());
    }

    [Theory]
    [InlineData("run script")]
    [InlineData("dotnet run")]
    public async Task WrongHook_InAFunctionNextToTheTemplate_LocalRunFailsAtTheHooksLine(string command)
    {
        _layout.PullTemplate();
        var handler = _layout.New("my-fn");
        var line = await AddWrongHookAsync(handler);
        // README's advice for the hooks' OpenTelemetry package: its version reaches a function outside the template
        // only through the host's build, so a restore without it would stop at NU1015 before any compiler ran.
        FaasCliLayout.AddPackageReferences(handler, [("OpenTelemetry.Extensions.Hosting", "$(CSharpOtelOpenTelemetryVersion)")]);
        var project = Path.Combine(handler, "Function.csproj");

        var build = command == "run script"
            ? await BuildFailsAsync("bash", _layout.Root, "template/csharp-otel/run", "my-fn")
            : await BuildFailsAsync(Dotnet.Executable, _layout.Root, "run", "--project", "template/csharp-otel", $"-p:FunctionProject={project}");

        Assert.Contains($"{Path.Combine(handler, "Handler.cs")}{line}: error CSOTEL001: {Message}", build, StringComparison.Ordinal);
    }

    /// <summary>Puts the wrong hook above HandleAsync in Handler.cs; returns its position as MSBuild prints it, "(line,column)".</summary>
    private static async Task<string> AddWrongHookAsync(string handler)
    {
        var file = Path.Combine(handler, "Handler.cs");
        var scaffold = await File.ReadAllTextAsync(file);
        Assert.Contains("    // Called for every request", scaffold, StringComparison.Ordinal);
        var source = scaffold.Replace("    // Called for every request", WrongHook + "\n\n    // Called for every request", StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, source);
        var line = Array.IndexOf(source.Split('\n'), WrongHook) + 1;
        var column = WrongHook.IndexOf("Initialize", StringComparison.Ordinal) + 1;
        return $"({line},{column})";
    }

    private static async Task<string> BuildFailsAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        using var build = ChildProcess.Start(fileName, workingDirectory, new Dictionary<string, string?>(), arguments);
        using var timeout = new CancellationTokenSource(BuildTimeout);
        await build.Process.WaitForExitAsync(timeout.Token);
        build.Process.WaitForExit();

        Assert.True(build.Process.ExitCode != 0, build.Output);
        return build.Output;
    }

    public void Dispose() => _layout.Dispose();
}
