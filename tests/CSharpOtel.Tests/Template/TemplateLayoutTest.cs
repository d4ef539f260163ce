using System.Net;
using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Template;

/// <summary>
/// The whole path a user takes, with real processes: faas-cli's layout, dotnet publish as the Dockerfile runs it,
/// the host started as template.yml's fprocess, a request with a traceparent, the span at a real OTLP receiver.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class TemplateLayoutTest(AspireDashboardFixture receiver) : IDisposable
{
    private readonly FaasCliLayout _layout = new();

    [Fact]
    public async Task SampleFunction_PublishedFromShrinkwrap_DeliversCorrectlyParentedSpans()
    {
        var context = _layout.Shrinkwrap("shout", RepositoryPaths.SampleFunction);

        var (status, body, spans) = await PublishRunAndCallAsync(context, "shout", "hello", expectedSpans: 2);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("HELLO", body);
        var server = Assert.Single(spans, s => s.Kind == ReceivedSpan.ServerKind);
        Assert.Equal(ParentId, server.ParentSpanId);
        Assert.Equal("POST", server.Attribute("http.request.method"));
        Assert.Equal("/shout/sub", server.Attribute("url.path"));
        Assert.Equal("shout", server.Resource["service.name"]);
        var custom = Assert.Single(spans, s => s.Name == "shout");
        Assert.Equal(server.SpanId, custom.ParentSpanId);
    }

    [Fact]
    public async Task NewFunction_WithRenamedHandlerFile_BuildsWithTheUsersHandler()
    {
        // faas-cli new, then the user renames Handler.cs: the overlay leaves the scaffold's Handler.cs in place.
        var handler = _layout.New("renamed-fn");
        var scaffold = await File.ReadAllTextAsync(Path.Combine(handler, "Handler.cs"));
        File.Delete(Path.Combine(handler, "Handler.cs"));
        await File.WriteAllTextAsync(
            Path.Combine(handler, "EchoFunction.cs"),
            scaffold.Replace("Hello from C#. You said: ", "renamed: ", StringComparison.Ordinal));

        var context = _layout.Shrinkwrap("renamed-fn", handler);
        Assert.True(File.Exists(Path.Combine(context, "function", "Handler.cs")), "the overlay must not delete the scaffold");

        var (status, body, spans) = await PublishRunAndCallAsync(context, "renamed-fn", "ping", expectedSpans: 1);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("renamed: ping", body);
        Assert.Equal(ParentId, Assert.Single(spans).ParentSpanId);
    }

    private const string ParentId = "00f067aa0ba902b7";

    private async Task<(HttpStatusCode Status, string Body, IReadOnlyList<ReceivedSpan> Spans)> PublishRunAndCallAsync(
        string context, string serviceName, string requestBody, int expectedSpans)
    {
        var output = await Dotnet.PublishHostAsync(context);
        var fprocess = TemplateFiles.ReadTemplateYml(context)["fprocess"];
        var port = FreePort.Next();

        // fprocess is split on spaces and run from the working directory, as of-watchdog does.
        var parts = fprocess.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var host = ChildProcess.Start(Path.Combine(output, parts[0]), output, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        }, parts[1..]);
        await host.WaitForHttpAsync($"http://127.0.0.1:{port}/_/health", TimeSpan.FromSeconds(30));

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var client = new HttpClient(new UntracedHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/{serviceName}/sub")
        {
            Content = new StringContent(requestBody),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ParentId}-01");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        var spans = await receiver.Dashboard.WaitForTraceAsync(traceId, expectedSpans);
        return (response.StatusCode, body, spans);
    }

    public void Dispose() => _layout.Dispose();
}
