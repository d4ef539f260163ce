using OpenTelemetry;
using OpenTelemetry.Resources;

namespace FunctionHost.Telemetry;

/// <summary>Wires OpenTelemetry from the standard OTEL_* environment variables and <see cref="TelemetryDefaults"/>.</summary>
public static class FunctionTelemetry
{
    public static WebApplicationBuilder AddFunctionTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;

        // The SDK reads OTEL_EXPORTER_OTLP_* from configuration (environment variables included); giving our
        // default the lowest precedence keeps every variable, generic or per-signal, in charge.
        if (string.IsNullOrWhiteSpace(configuration[OtelVariables.ExporterOtlpProtocol]))
        {
            configuration[OtelVariables.ExporterOtlpProtocol] = TelemetryDefaults.OtlpProtocol;
        }

        foreach (var (key, value) in TelemetryDefaults.BatchSpanProcessor)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
            {
                configuration[key] = value;
            }
        }

        var fallbackServiceName = ServiceName.Fallback(configuration);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are applied by the SDK's default detectors.
                if (fallbackServiceName is not null)
                {
                    resource.AddService(fallbackServiceName);
                }
            })
            .WithTracing(TelemetryDefaults.ConfigureTracing)
            .UseOtlpExporter();

        return builder;
    }
}
