using System.Diagnostics;
using System.Text.Json;
using CSharpOtel.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CSharpOtel.Tests.Telemetry;

public class StdoutLoggingTest
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static async Task<string> CaptureStdoutAsync(params (string Key, string? Value)[] settings)
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            Activity server;
            await using (var host = await TestFunctionHost.StartAsync<LoggingHandler>((h, c) => h.HandleAsync(c), Settings.Dictionary(settings)))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
                request.Headers.Add("X-Call-Id", "call-stdout-1");
                using var response = await host.Client.SendAsync(request);
                server = await host.WaitForServerSpanAsync();
            }

            // The console logger writes on its own thread; disposing the host disposes it, which writes out its queue.
            return captured.ToString() + "\nserver_span_id=" + server.SpanId.ToHexString();
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public async Task Default_JsonLineWithTraceSpanAndCallId()
    {
        var output = await CaptureStdoutAsync();
        var serverSpanId = output[(output.LastIndexOf("server_span_id=", StringComparison.Ordinal) + 15)..];

        var line = Assert.Single(output.Split('\n'), l => l.Contains("handling the invocation", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(TraceId, json.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal(serverSpanId, json.RootElement.GetProperty("span_id").GetString());
        Assert.Equal("call-stdout-1", json.RootElement.GetProperty("call_id").GetString());
        Assert.Equal("info", json.RootElement.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Logfmt_SelectedByEnvironment()
    {
        var output = await CaptureStdoutAsync(("CSHARP_OTEL_LOG_FORMAT", "logfmt"));

        var line = Assert.Single(output.Split('\n'), l => l.Contains("handling the invocation", StringComparison.Ordinal));
        Assert.StartsWith("time=", line, StringComparison.Ordinal);
        Assert.Contains($" trace_id={TraceId} ", line, StringComparison.Ordinal);
        Assert.Contains(" call_id=call-stdout-1", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json", "none", false)] // the formatter writes no scopes and is the only sink
    [InlineData("logfmt", "none", false)]
    [InlineData("simple", "none", true)] // the stock console formatter writes them when asked to
    [InlineData("json", "otlp", true)] // so may the OTLP log exporter
    public async Task Scopes_CapturedOnlyForALoggerThatMayWriteThem(string format, string logsExporter, bool captured)
    {
        await using var host = await TestFunctionHost.StartAsync<LoggingHandler>(
            (h, c) => h.HandleAsync(c), Settings.Dictionary(("CSHARP_OTEL_LOG_FORMAT", format), ("OTEL_LOGS_EXPORTER", logsExporter)));

        Assert.Equal(captured, host.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.CaptureScopes);
    }

    [Fact]
    public async Task Scopes_CapturedForALoggerTheFunctionAdds()
    {
        await using var host = await TestFunctionHost.StartAsync<LoggingHandler>(
            (h, c) => h.HandleAsync(c), beforeFunction: builder => builder.Logging.AddProvider(new CapturingLoggerProvider()));

        Assert.True(host.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.CaptureScopes);
    }

    public sealed class LoggingHandler(ILogger<LoggingHandler> logger)
    {
        public Task HandleAsync(HttpContext context)
        {
            logger.LogInformation("handling the invocation");
            return context.Response.WriteAsync("ok");
        }
    }
}
