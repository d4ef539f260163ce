using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Analyzers;

/// <summary>
/// One wrong hook in faas-cli's shrinkwrapped layout, built as the Dockerfile builds it: the build fails at the
/// function with CSOTEL001, the file and line of the hook, and the signature to write. Built with analyzers off, as a
/// function that bypasses the check would reach the host, start-up exits 1 with one line that says the same.
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
        var file = Path.Combine(handler, "Handler.cs");
        var scaffold = await File.ReadAllTextAsync(file);
        Assert.Contains("    // Called for every request", scaffold, StringComparison.Ordinal);
        var source = scaffold.Replace("    // Called for every request", WrongHook + "\n\n    // Called for every request", StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, source);
        var lines = source.Split('\n');
        var line = Array.IndexOf(lines, WrongHook) + 1;
        var column = WrongHook.IndexOf("Initialize", StringComparison.Ordinal) + 1;
        var context = _layout.Shrinkwrap("hook-fn", handler);

        using (var build = ChildProcess.Start(Dotnet.Executable, context, new Dictionary<string, string?>(), "build", "FunctionHost.csproj", "--nologo"))
        {
            using var timeout = new CancellationTokenSource(BuildTimeout);
            await build.Process.WaitForExitAsync(timeout.Token);
            build.Process.WaitForExit();

            Assert.True(build.Process.ExitCode != 0, build.Output);
            var where = Path.Combine(context, "function", "Handler.cs");
            Assert.Contains($"{where}({line},{column}): error CSOTEL001: {Message}", build.Output, StringComparison.Ordinal);
        }

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

    public void Dispose() => _layout.Dispose();
}
