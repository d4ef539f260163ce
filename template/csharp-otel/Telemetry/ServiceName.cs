using FunctionHost.Configuration;
namespace FunctionHost.Telemetry;

/// <summary>Decides the service name when the OpenTelemetry variables do not.</summary>
internal static class ServiceName
{
    /// <summary>
    /// Null when OTEL_SERVICE_NAME or a service.name entry in OTEL_RESOURCE_ATTRIBUTES names the service (the SDK
    /// applies those); otherwise OPENFAAS_NAME, then <see cref="TelemetryDefaults.FallbackServiceName"/>.
    /// </summary>
    public static string? Fallback(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[Variables.ServiceName]) ||
            FunctionResourceDetector.ResourceAttribute(configuration[Variables.ResourceAttributes], "service.name") is not null)
        {
            return null;
        }

        var openFaaSName = configuration[Variables.OpenFaaSName];
        return string.IsNullOrWhiteSpace(openFaaSName) ? TelemetryDefaults.FallbackServiceName : openFaaSName.Trim();
    }

    /// <summary>
    /// The service name as the resource will carry it: OTEL_SERVICE_NAME, then service.name in
    /// OTEL_RESOURCE_ATTRIBUTES, then OPENFAAS_NAME, then <see cref="TelemetryDefaults.FallbackServiceName"/>.
    /// </summary>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var serviceName = configuration[Variables.ServiceName];
        if (!string.IsNullOrWhiteSpace(serviceName))
        {
            return serviceName.Trim();
        }

        return FunctionResourceDetector.ResourceAttribute(configuration[Variables.ResourceAttributes], "service.name")
               ?? Fallback(configuration)
               ?? TelemetryDefaults.FallbackServiceName;
    }
}
