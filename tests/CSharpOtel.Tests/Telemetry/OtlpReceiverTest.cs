using System.Globalization;
using System.Net;
using System.Text.Json;
using CSharpOtel.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Telemetry;

/// <summary>Real OTLP over HTTP/protobuf to a real receiver: what an operator's backend would store.</summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class OtlpReceiverTest(AspireDashboardFixture receiver) : IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("csharp-otel-otlp-");

    [Fact]
    public async Task AsyncInvocation_ArrivesWithFaasSpanAndResourceAttributes()
    {
        File.WriteAllText(Path.Combine(_files.FullName, "memory.max"), "268435456\n");
        File.WriteAllText(Path.Combine(_files.FullName, "otel-exporter-otlp-headers"), "x-test-secret=abc\n");
        var serviceName = "otlp-faas-" + Guid.NewGuid().ToString("N")[..8];

        await using var host = await TestFunctionHost.StartAsync<LoggingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(
                ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Dashboard.OtlpHttpEndpoint),
                ("OTEL_LOGS_EXPORTER", "otlp"),
                ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
                ("OPENFAAS_NAME", serviceName),
                ("OPENFAAS_NAMESPACE", "openfaas-fn"),
                ("HOSTNAME", serviceName + "-pod-1"),
                ("OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0.1"),
                ("CSHARP_OTEL_CGROUP_ROOT", _files.FullName),
                ("CSHARP_OTEL_SECRETS_DIR", _files.FullName)));

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var queuedAt = (DateTime.UtcNow.AddSeconds(-2).Ticks - DateTime.UnixEpoch.Ticks) * 100;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("x") };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.TryAddWithoutValidation("User-Agent", "openfaas-ce/nats-queue-worker");
        request.Headers.Add("X-Call-Id", "call-otlp-1");
        request.Headers.Add("X-Start-Time", queuedAt.ToString(CultureInfo.InvariantCulture));
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var server = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(traceId), s => s.Kind == ReceivedSpan.ServerKind);
        Assert.Equal("http", server.Attribute("faas.trigger"));
        Assert.Equal("call-otlp-1", server.Attribute("faas.invocation_id"));
        Assert.Equal("true", server.Attribute("faas.coldstart"), ignoreCase: true);
        Assert.Equal("true", server.Attribute("openfaas.async"), ignoreCase: true);
        Assert.InRange(double.Parse(server.Attribute("openfaas.queue.delay")!, CultureInfo.InvariantCulture), 2.0, 30.0);

        Assert.Equal(serviceName, server.Resource["service.name"]);
        Assert.Equal(serviceName, server.Resource["faas.name"]);
        Assert.Equal(serviceName + "-pod-1", server.Resource["faas.instance"]);
        Assert.Equal("268435456", server.Resource["faas.max_memory"]);
        Assert.Equal("2.0.1", server.Resource["faas.version"]);
        Assert.Equal("openfaas-fn", server.Resource["service.namespace"]);

        // OTLP logs: the handler's log record, correlated with the server span's trace.
        var logs = await WaitForLogAsync(traceId);
        Assert.Contains("handled call-otlp-1", logs, StringComparison.Ordinal);
        Assert.Contains("faas.invocation_id", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcProtocol_PerSignal_DeliversToTheGrpcPort()
    {
        await using var host = await TestFunctionHost.StartAsync<LoggingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(
                ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Dashboard.OtlpHttpEndpoint),
                ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.Dashboard.OtlpGrpcEndpoint),
                ("OTEL_SERVICE_NAME", "otlp-grpc"),
                ("CSHARP_OTEL_SECRETS_DIR", _files.FullName)));

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await host.Client.SendAsync(request);

        var server = Assert.Single(await receiver.Dashboard.WaitForTraceAsync(traceId), s => s.Kind == ReceivedSpan.ServerKind);
        Assert.Equal("otlp-grpc", server.Resource["service.name"]);
    }

    private async Task<string> WaitForLogAsync(string traceId)
    {
        using var client = new HttpClient(new UntracedHandler()) { BaseAddress = new Uri(receiver.Dashboard.UiUrl) };
        var last = "";
        return await Poll.UntilAsync(
            async () =>
            {
                last = await client.GetStringAsync(new Uri("/api/telemetry/logs", UriKind.Relative));
                if (!last.Contains(traceId, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                using var json = JsonDocument.Parse(last); // the answer must be well-formed JSON
                return last;
            },
            TimeSpan.FromSeconds(20), () => $"No log record of trace {traceId} arrived: {last[..Math.Min(last.Length, 2000)]}",
            TimeSpan.FromMilliseconds(200));
    }

    public void Dispose() => _files.Delete(recursive: true);

    public sealed class LoggingHandler(ILogger<LoggingHandler> logger)
    {
        public Task HandleAsync(HttpContext context)
        {
            logger.LogInformation("handled {CallId}", context.Request.Headers["X-Call-Id"].ToString());
            return context.Response.WriteAsync("ok");
        }
    }
}
