using System.Diagnostics;
using CSharpOtel.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CSharpOtel.Tests.Telemetry;

/// <summary>The host never calls SetSampler, so the SDK builds the sampler from OTEL_TRACES_SAMPLER(_ARG).</summary>
public class SamplerTest
{
    private const string SampledParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static async Task<string> RecordedAsync(string sampler, string? argument, string? traceparent)
    {
        await using var host = await TestFunctionHost.StartAsync<RecordingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(("OTEL_TRACES_SAMPLER", sampler), ("OTEL_TRACES_SAMPLER_ARG", argument)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        using var response = await host.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task AlwaysOff_DropsEvenASampledParent()
        => Assert.Equal("False", await RecordedAsync("always_off", null, SampledParent));

    [Fact]
    public async Task TraceIdRatio_Zero_IgnoresTheSampledParent()
        => Assert.Equal("False", await RecordedAsync("traceidratio", "0", SampledParent));

    [Fact]
    public async Task TraceIdRatio_One_RecordsARoot()
        => Assert.Equal("True", await RecordedAsync("traceidratio", "1", null));

    [Fact]
    public async Task ParentBasedTraceIdRatio_Zero_FollowsASampledParent()
        => Assert.Equal("True", await RecordedAsync("parentbased_traceidratio", "0", SampledParent));

    [Fact]
    public async Task ParentBasedTraceIdRatio_Zero_DropsARoot()
        => Assert.Equal("False", await RecordedAsync("parentbased_traceidratio", "0", null));

    [Fact]
    public async Task ParentBasedTraceIdRatio_InvalidArgument_FallsBackToOneAndStillServes()
        => Assert.Equal("True", await RecordedAsync("parentbased_traceidratio", "half", null));

    public sealed class RecordingHandler
    {
        public Task HandleAsync(HttpContext context)
            => context.Response.WriteAsync(Activity.Current is { } activity ? activity.Recorded.ToString() : "no activity");
    }
}
