using System.Net;
using System.Net.Sockets;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Hosting;

namespace CSharpOtel.Tests.Hosting;

/// <summary>
/// The published host, started as a real process on an address it cannot listen on, stops with one line on stderr
/// naming the address and the variable, and exit code 1, as for a wrong hook: no stack trace, no log record of the
/// failure with one, no SIGABRT (before: about 30 lines and exit 134).
/// </summary>
public sealed class StartupFailureTest
{
    // JIT start-up of the published host takes about half a second; a host that failed to stop would run for ever.
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunFunction_PortTaken_OneLineNamingThePort_Exit1()
    {
        var port = FreePort.Next();
        using var taken = new TcpListener(IPAddress.Loopback, port);
        taken.Start();

        using var host = await PublishedHost.RunUntilExitAsync(Environment($"http://127.0.0.1:{port}"), ExitTimeout);

        AssertOneLine($"error: cannot listen on http://127.0.0.1:{port} (ASPNETCORE_URLS): address already in use", host);
    }

    [Theory]
    [InlineData("notaurl", "Invalid url: 'notaurl'")]
    [InlineData("ftp://127.0.0.1:3000", "Unrecognized scheme in server address 'ftp://127.0.0.1:3000'. Only 'http://' and 'https://' are supported.")]
    [InlineData("http://127.0.0.1:99999", "the port must be from 0 to 65535")]
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): no interface of this machine has it.
    [InlineData("http://192.0.2.1:3000", "Cannot assign requested address")]
    public async Task RunFunction_AddressItCannotUse_OneLineNamingItAndWhy_Exit1(string urls, string reason)
    {
        using var host = await PublishedHost.RunUntilExitAsync(Environment(urls), ExitTimeout);

        AssertOneLine($"error: cannot listen on {urls} (ASPNETCORE_URLS): {reason}", host);
    }

    private static Dictionary<string, string?> Environment(string urls) => new()
    {
        ["ASPNETCORE_URLS"] = urls,
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    };

    private static void AssertOneLine(string expected, ChildProcess host)
    {
        Assert.DoesNotContain("   at ", host.Output, StringComparison.Ordinal);
        Assert.Equal(expected, host.Output);
        Assert.Equal(StartupFailure.ExitCode, host.Process.ExitCode);
        Assert.Equal(1, host.Process.ExitCode);
    }
}
