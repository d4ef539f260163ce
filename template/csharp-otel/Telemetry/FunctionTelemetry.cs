using FunctionHost.Configuration;
using FunctionHost.Telemetry.Export;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using OpenTelemetry;
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
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;

        // Read and checked first (Configuration/HostSettings.cs), so that invalid values never reach the SDK.
        var settings = HostSettings.Of(builder).Telemetry;

        // The SDK reads OTEL_EXPORTER_OTLP_* from configuration (environment variables included); giving our
        // default the lowest precedence keeps every variable, generic or per-signal, in charge.
        if (string.IsNullOrWhiteSpace(configuration[Variables.ExporterOtlpProtocol]))
        {
            configuration[Variables.ExporterOtlpProtocol] = TelemetryDefaults.OtlpProtocol;
        }

        foreach (var (key, value) in TelemetryDefaults.BatchSpanProcessor)
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
                AddExporters(tracing, settings.Traces, configuration, monitor);
            });
        }

        if (settings.Metrics != TelemetryExporters.None)
        {
            telemetry.WithMetrics(metrics =>
            {
                TelemetryDefaults.ConfigureMetrics(metrics);
                AddExporters(metrics, settings.Metrics, configuration, monitor);
            });
        }

        if (settings.Logs != TelemetryExporters.None)
        {
            telemetry.WithLogging(
                logging => AddExporters(logging, settings.Logs, configuration, monitor),
                options => options.IncludeFormattedMessage = true);
        }

        return builder;
    }

    private static void AddExporters(TracerProviderBuilder tracing, TelemetryExporters exporters, IConfiguration configuration, ExportMonitor monitor)
    {
        if (exporters.HasFlag(TelemetryExporters.Otlp))
        {
            tracing.AddProcessor(new SpanEndCounter(monitor));
            tracing.AddOtlpExporter(options => OtlpSignalOptions.Apply(options, configuration, OtlpSignalOptions.Traces, monitor));
        }

        if (exporters.HasFlag(TelemetryExporters.Console))
        {
            tracing.AddConsoleExporter();
        }
    }

    private static void AddExporters(MeterProviderBuilder metrics, TelemetryExporters exporters, IConfiguration configuration, ExportMonitor monitor)
    {
        if (exporters.HasFlag(TelemetryExporters.Otlp))
        {
            metrics.AddOtlpExporter((options, _) => OtlpSignalOptions.Apply(options, configuration, OtlpSignalOptions.Metrics, monitor));
        }

        if (exporters.HasFlag(TelemetryExporters.Console))
        {
            metrics.AddConsoleExporter();
        }
    }

    private static void AddExporters(LoggerProviderBuilder logging, TelemetryExporters exporters, IConfiguration configuration, ExportMonitor monitor)
    {
        logging.AddProcessor(new InvocationLogProcessor());
        if (exporters.HasFlag(TelemetryExporters.Otlp))
        {
            logging.AddOtlpExporter(options => OtlpSignalOptions.Apply(options, configuration, OtlpSignalOptions.Logs, monitor));
        }

        if (exporters.HasFlag(TelemetryExporters.Console))
        {
            logging.AddConsoleExporter();
        }
    }
}
