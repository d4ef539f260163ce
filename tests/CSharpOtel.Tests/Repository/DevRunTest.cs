using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Repository;

/// <summary>
/// The README's run command, in its --smoke mode: two functions, one trace, checked at the dashboard. Leaving runs
/// the same stop as Ctrl+C, even when dev/run itself was started with SIGINT ignored: each function gets SIGINT, drains, flushes and exits by itself before the dashboard stops;
/// each ran from its own folder, so its appsettings.json kept ASP.NET Core's per-request information lines out.
/// </summary>
public class DevRunTest
{
    [Fact]
    public async Task DevRunSmoke_DeliversOneTraceAcrossBothFunctions()
    {
        // Free ports, so a developer's own dev/run (on the defaults) and this test do not collide. Started with SIGINT
        // ignored, as a background job or a test runner may start it: the functions must still stop on dev/run's SIGINT.
        using var run = ChildProcess.Start("bash", RepositoryPaths.Root, FreePorts(), "-c", "trap '' INT; exec bash dev/run --smoke");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await run.Process.WaitForExitAsync(timeout.Token);
        run.Process.WaitForExit();

        Assert.True(run.Process.ExitCode == 0, $"dev/run --smoke exited {run.Process.ExitCode}:\n{run.Output}");
        // The whole output and the function's log in the message: xunit cuts a long string short, and a failed stop
        // is only explained by what the function wrote after its signal.
        var shoutLog = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "dev", ".build", "logs", "shout.log"));
        foreach (var expected in new[]
                 {
                     "smoke: passed: one trace across shout and echo", "dev/run: shout stopped (exit 0)", "dev/run: echo stopped (exit 0)",
                 })
        {
            Assert.True(run.Output.Contains(expected, StringComparison.Ordinal), $"'{expected}' missing from:\n{run.Output}\nshout.log:\n{shoutLog}");
        }

        Assert.DoesNotContain("killed", run.Output, StringComparison.Ordinal);
        Assert.Contains("lifecycle: SIGINT received", shoutLog, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", shoutLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevRun_RefusesTwoRolesOnOnePort_BeforeBuildingAnything()
    {
        var ports = FreePorts();
        ports["ECHO_PORT"] = ports["OTLP_HTTP_PORT"];
        using var run = ChildProcess.Start("bash", RepositoryPaths.Root, ports, "dev/run", "--smoke");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await run.Process.WaitForExitAsync(timeout.Token);
        run.Process.WaitForExit();

        Assert.Equal(1, run.Process.ExitCode);
        Assert.Contains($"dev/run: OTLP_HTTP_PORT and ECHO_PORT are both {ports["ECHO_PORT"]}; give each its own port", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("building", run.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> FreePorts() =>
        new[] { "DASHBOARD_PORT", "OTLP_GRPC_PORT", "OTLP_HTTP_PORT", "SHOUT_PORT", "ECHO_PORT" }
            .ToDictionary(name => name, _ => (string?)FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
}
