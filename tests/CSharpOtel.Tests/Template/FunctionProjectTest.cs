using System.Net;
using CSharpOtel.Tests.Infrastructure;

namespace CSharpOtel.Tests.Template;

/// <summary>
/// The local-run command for faas-cli new users (README, docs/local-development.md), run as written in the layout
/// faas-cli leaves (template/csharp-otel/ next to my-fn/): the host serves my-fn and its spans reach a real OTLP
/// receiver. Forgetting to name the function is an error that says what to run, never the scaffold served silently.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class FunctionProjectTest(AspireDashboardFixture receiver) : IDisposable
{
    private readonly FaasCliLayout _layout = new();

    [Fact]
    public async Task RunScript_ServesTheFunctionNextToTheTemplate_NamedAfterItsFolder()
    {
        _layout.PullTemplate();
        var handler = _layout.New("my-fn");
        // A hook that uses the OpenTelemetry package README advises, at the version the template hands a function
        // kept outside it: restore and compile both need it.
        FaasCliLayout.AddPackageReferences(handler, [("OpenTelemetry.Extensions.Hosting", "$(CSharpOtelOpenTelemetryVersion)")]);
        var source = Path.Combine(handler, "Handler.cs");
        await File.WriteAllTextAsync(source, "using OpenTelemetry.Trace;\n" + (await File.ReadAllTextAsync(source))
            .Replace("Hello from C#. You said: ", "my-fn says: ", StringComparison.Ordinal)
            .Replace("    // Called for every request",
                "    public static void Initialize(WebApplicationBuilder builder) =>\n" +
                "        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(\"MyLibrary\"));\n\n" +
                "    // Called for every request", StringComparison.Ordinal));
        var port = FreePort.Next();

        using var host = ChildProcess.Start("bash", _layout.Root, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["OTEL_SERVICE_NAME"] = null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Dashboard.OtlpHttpEndpoint,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        }, "template/csharp-otel/run", "my-fn");
        await WaitForPortAsync(host, port, TimeSpan.FromMinutes(8));

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var client = new HttpClient(new UntracedHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/") { Content = new StringContent("hi") };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("my-fn says: hi", await response.Content.ReadAsStringAsync());
        var span = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(traceId));
        Assert.Equal("my-fn", span.Resource["service.name"]);
        Assert.Equal("00f067aa0ba902b7", span.ParentSpanId);
    }

    [Fact]
    public async Task DotnetRunOfThePulledTemplate_WithoutFunctionProject_FailsNamingTheRunScript()
    {
        _layout.PullTemplate();
        _layout.New("my-fn");

        // The check runs before anything is served and does not depend on the build; --no-build spares the test
        // compiling the scaffold first, as the user's plain dotnet run would.
        using var run = ChildProcess.Start(Dotnet.Executable, _layout.Root, new Dictionary<string, string?>(),
            "run", "--no-build", "--project", "template/csharp-otel");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await run.Process.WaitForExitAsync(timeout.Token);
        run.Process.WaitForExit();

        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Contains("csharp-otel: this would serve the template's own scaffold", run.Output, StringComparison.Ordinal);
        Assert.Contains("run: bash template/csharp-otel/run my-fn", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my-fnn", "run: no function folder 'my-fnn' here")]
    [InlineData("template/csharp-otel/function", "is the template's own scaffold, not a function of yours")]
    public async Task RunScript_WithAWrongFolder_FailsNamingTheFix(string folder, string message)
    {
        _layout.PullTemplate();
        _layout.New("my-fn");

        var output = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ChildProcess.RunAsync("bash", _layout.Root, TimeSpan.FromMinutes(1), "template/csharp-otel/run", folder));

        Assert.Contains("exited 2", output.Message, StringComparison.Ordinal);
        Assert.Contains(message, output.Message, StringComparison.Ordinal);
    }

    // Connecting without a request: any HTTP request would reach the handler and make a trace of its own.
    private static Task WaitForPortAsync(ChildProcess process, int port, TimeSpan timeout)
        => Poll.UntilAsync(
            async () =>
            {
                if (process.Process.HasExited)
                {
                    throw new InvalidOperationException($"dotnet run exited with {process.Process.ExitCode}:\n{process.Output}");
                }

                try
                {
                    using var socket = new System.Net.Sockets.TcpClient();
                    await socket.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return false;
                }
            },
            timeout, () => $"nothing listened on {port}:\n{process.Output}", TimeSpan.FromMilliseconds(250));

    public void Dispose() => _layout.Dispose();
}
