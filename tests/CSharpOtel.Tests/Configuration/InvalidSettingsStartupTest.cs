using FunctionHost.Configuration;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using CSharpOtel.Tests.Telemetry;
using FunctionHost.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Configuration;

public class InvalidSettingsStartupTest
{
    [Fact]
    public async Task EveryInvalidValue_OneWarningEach_AndTheFunctionStillServesAndTraces()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestFunctionHost.StartAsync<SamplerTest.RecordingHandler>(
            (h, c) => h.HandleAsync(c),
            Settings.Dictionary(
                ("OTEL_TRACES_EXPORTER", "otlp,zipkin"),
                ("OTEL_METRICS_EXPORTER", "prometheus"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not a url"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "api-key"),
                ("OTEL_TRACES_SAMPLER", "traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", "most"),
                ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
                ("OTEL_SDK_DISABLED", "nope")),
            beforeFunction: b => b.Logging.AddProvider(logs));

        var warnings = logs.Warnings(typeof(ConfigurationWarningReporter).FullName!);
        Assert.Equal(
        [
            "OTEL_SDK_DISABLED has an invalid value 'nope'; expected true or false; using false.",
            "OTEL_TRACES_EXPORTER has an invalid value 'zipkin'; supported are otlp, console and none; using otlp.",
            "OTEL_METRICS_EXPORTER has an invalid value 'prometheus'; supported are otlp, console and none; using none.",
            "OTEL_TRACES_SAMPLER_ARG has an invalid value 'most'; expected a number from 0 to 1; using 1.0.",
            "OTEL_EXPORTER_OTLP_PROTOCOL has an invalid value 'http/json'; supported are grpc and http/protobuf; using http/protobuf.",
            "OTEL_EXPORTER_OTLP_HEADERS has an invalid value 'api-key'; expected key=value pairs separated by commas; sending only the well-formed pairs.",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT has an invalid value 'not a url'; expected an absolute http:// or https:// URL; using OTEL_EXPORTER_OTLP_ENDPOINT.",
            "OTEL_BSP_MAX_QUEUE_SIZE has an invalid value 'lots'; expected a whole number; using the SDK's default.",
        ], warnings);

        // The sink behind those lines holds each bad value once, as given, whichever reader found it.
        Assert.Equal(
            [
                ("OTEL_SDK_DISABLED", "nope"), ("OTEL_TRACES_EXPORTER", "zipkin"), ("OTEL_METRICS_EXPORTER", "prometheus"),
                ("OTEL_TRACES_SAMPLER_ARG", "most"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "api-key"), ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not a url"),
                ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
            ],
            host.Services.GetRequiredService<ConfigurationWarnings>().All.Select(w => (w.Variable, w.Value)));

        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("True", await response.Content.ReadAsStringAsync()); // traceidratio with the fallback 1.0
        Assert.NotNull(await host.WaitForServerSpanAsync());
    }
}
