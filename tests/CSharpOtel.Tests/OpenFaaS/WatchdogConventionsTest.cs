using FunctionHost.OpenFaaS;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace CSharpOtel.Tests.OpenFaaS;

public class WatchdogConventionsTest
{
    [Fact]
    public void UseWatchdogConventions_NoUrlsConfigured_ListensOnLoopbackDefaultEvenWithHttpPorts()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // What the aspnet base image sets; it must not win over the watchdog's upstream port.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["http_ports"] = "8080" });
        builder.UseWatchdogConventions();

        // An explicit URL list is what Kestrel prefers over http_ports. Not bound here: port 3000 may be busy
        // with a developer's own run or another test run on this machine.
        Assert.Equal(WatchdogConventions.DefaultUrl, builder.Configuration[WebHostDefaults.ServerUrlsKey]);
        Assert.StartsWith("http://127.0.0.1:", WatchdogConventions.DefaultUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(":8080", WatchdogConventions.DefaultUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(":8081", WatchdogConventions.DefaultUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseWatchdogConventions_AspNetCoreUrlsSet_IsHonoured()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.UseWatchdogConventions();
        await using var app = builder.Build();

        await app.StartAsync();
        try
        {
            var url = Assert.Single(app.Urls);
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
            Assert.NotEqual(WatchdogConventions.DefaultUrl, url);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
