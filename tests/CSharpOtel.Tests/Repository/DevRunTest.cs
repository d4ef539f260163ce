using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Repository;

/// <summary>The README's run command, in its --smoke mode: two functions, one trace, checked at the dashboard.</summary>
public class DevRunTest
{
    [Fact]
    public async Task DevRunSmoke_DeliversOneTraceAcrossBothFunctions()
    {
        using var run = ChildProcess.Start("bash", RepositoryPaths.Root, new Dictionary<string, string?>
        {
            // Free ports, so a developer's own dev/run (on the defaults) and this test do not collide.
            ["DASHBOARD_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OTLP_GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OTLP_HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SHOUT_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ECHO_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "dev/run", "--smoke");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await run.Process.WaitForExitAsync(timeout.Token);
        run.Process.WaitForExit();

        Assert.True(run.Process.ExitCode == 0, $"dev/run --smoke exited {run.Process.ExitCode}:\n{run.Output}");
        Assert.Contains("smoke: passed: one trace across shout and echo", run.Output, StringComparison.Ordinal);
    }
}
