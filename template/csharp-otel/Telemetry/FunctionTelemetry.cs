using FunctionHost.Configuration;
using FunctionHost.Telemetry.Export;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FunctionHost.Telemetry;

/// <summary>Wires OpenTelemetry from the standard OTEL_* environment variables and <see cref="TelemetryDefaults"/>.</summary>
internal static class FunctionTelemetry
{
    public static WebApplicationBuilder AddFunctionTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;

        // Read and checked first (Configuration/HostSettings.cs), so that invalid values never reach the SDK.
        var settings = HostSettings.Of(builder).Telemetry;

        // The SDK reads OTEL_EXPORTER_OTLP_* and OTEL_BSP_* from configuration (environment variables included);
        // giving our defaults the lowest precedence keeps every variable, generic or per-signal, in charge.
        KeyValuePair<string, string>[] defaults =
            [new(Variables.ExporterOtlpProtocol, TelemetryDefaults.OtlpProtocol), .. TelemetryDefaults.BatchSpanProcessor];
        foreach (var (key, value) in defaults)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
            {
                configuration[key] = value;
            }
        }

        CorrelatedConsoleFormatter.Use(builder.Logging, settings.LogFormat);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, OutgoingCallFailureFilter>());

        // Export outcomes of every signal: retries, warnings, the dropped-span summary and the shutdown report.
        var monitor = new ExportMonitor(settings.ExportRetryTimeout);
        builder.Services.AddSingleton(monitor);
        builder.Services.AddHostedService<ExportMonitorService>();

        // Each signal's OTLP exporter: the per-signal variables laid over the generic ones, failures retried and counted.
        void Otlp(OtlpExporterOptions options, SignalExport export) => OtlpSignalOptions.Apply(options, configuration, export, monitor);

        var fallbackServiceName = ServiceName.Fallback(configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are applied by the SDK's default detectors.
                if (fallbackServiceName is not null)
                {
                    resource.AddService(fallbackServiceName);
                }

                resource.AddDetector(new FunctionResourceDetector(configuration));
            });

        // A signal whose exporter is none gets no provider at all: nothing is recorded, nothing costs CPU.
        // OTEL_SDK_DISABLED=true is left to the SDK, which then makes every provider a no-op.
        if (settings.Traces != TelemetryExporters.None)
        {
            telemetry.WithTracing(tracing =>
            {
                TelemetryDefaults.ConfigureTracing(tracing);
                AddExporters(settings.Traces,
                    otlp: () => tracing.AddProcessor(new SpanEndCounter(monitor)).AddOtlpExporter(options => Otlp(options, monitor.Traces)),
                    console: () => tracing.AddConsoleExporter());
            });
        }

        if (settings.Metrics != TelemetryExporters.None)
        {
            telemetry.WithMetrics(metrics =>
            {
                TelemetryDefaults.ConfigureMetrics(metrics);
                AddExporters(settings.Metrics,
                    otlp: () => metrics.AddOtlpExporter((options, _) => Otlp(options, monitor.Metrics)),
                    console: () => metrics.AddConsoleExporter());
            });
        }

        if (settings.Logs != TelemetryExporters.None)
        {
            telemetry.WithLogging(
                logging =>
                {
                    logging.AddProcessor(new InvocationLogProcessor());
                    AddExporters(settings.Logs,
                        otlp: () => logging.AddOtlpExporter(options => Otlp(options, monitor.Logs)),
                        console: () => logging.AddConsoleExporter());
                },
                options => options.IncludeFormattedMessage = true);
        }

        return builder;
    }

    private static void AddExporters(TelemetryExporters exporters, Action otlp, Action console)
    {
        if (exporters.HasFlag(TelemetryExporters.Otlp))
        {
            otlp();
        }

        if (exporters.HasFlag(TelemetryExporters.Console))
        {
            console();
        }
    }
}
