using FunctionHost.Configuration;
namespace FunctionHost.Telemetry;

/// <summary>Decides the service name when the OpenTelemetry variables do not.</summary>
internal static class ServiceName
{
    /// <summary>
    /// Null when OTEL_SERVICE_NAME or a service.name entry in OTEL_RESOURCE_ATTRIBUTES names the service (the SDK
    /// applies those); otherwise OPENFAAS_NAME, then <see cref="TelemetryDefaults.FallbackServiceName"/>.
    /// </summary>
    public static string? Fallback(IConfiguration configuration) => Configured(configuration) is null
        ? FunctionResourceDetector.NonBlank(configuration[Variables.OpenFaaSName]) ?? TelemetryDefaults.FallbackServiceName
        : null;

    /// <summary>
    /// The service name as the resource will carry it: OTEL_SERVICE_NAME, then service.name in
    /// OTEL_RESOURCE_ATTRIBUTES, then OPENFAAS_NAME, then <see cref="TelemetryDefaults.FallbackServiceName"/>.
    /// </summary>
    public static string Resolve(IConfiguration configuration) => Configured(configuration) ?? Fallback(configuration)!;

    private static string? Configured(IConfiguration configuration)
        => FunctionResourceDetector.NonBlank(configuration[Variables.ServiceName])
           ?? FunctionResourceDetector.ResourceAttribute(configuration[Variables.ResourceAttributes], "service.name");
}
