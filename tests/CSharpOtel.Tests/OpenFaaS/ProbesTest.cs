using CSharpOtel.Tests.Infrastructure;
using FunctionHost.OpenFaaS;
using Microsoft.AspNetCore.Http;

namespace CSharpOtel.Tests.OpenFaaS;

public class ProbesTest
{
    private static async Task<(int Status, bool ReachedNext)> SendAsync(FakeLifetime lifetime, string path)
    {
        var reachedNext = false;
        var probes = new Probes(_ => { reachedNext = true; return Task.CompletedTask; }, lifetime);
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        await probes.InvokeAsync(context);
        return (context.Response.StatusCode, reachedNext);
    }

    [Fact]
    public async Task Ready_AnswersOnlyWhileTheHostServes()
    {
        using var lifetime = new FakeLifetime();

        Assert.Equal((503, false), await SendAsync(lifetime, "/_/ready")); // listening, not yet started
        lifetime.Start();
        Assert.Equal((200, false), await SendAsync(lifetime, "/_/ready"));
        lifetime.StopApplication();
        Assert.Equal((503, false), await SendAsync(lifetime, "/_/ready")); // draining: take no new work
    }

    [Fact]
    public async Task Health_IsAlwaysOk_AndOtherPathsReachTheFunction()
    {
        using var lifetime = new FakeLifetime();

        Assert.Equal((200, false), await SendAsync(lifetime, "/_/health"));
        Assert.Equal((200, true), await SendAsync(lifetime, "/_/readiness"));
        Assert.Equal((200, true), await SendAsync(lifetime, "/"));
    }
}
