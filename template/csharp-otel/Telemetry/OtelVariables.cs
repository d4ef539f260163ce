namespace FunctionHost.Telemetry;

/// <summary>The names of the OpenTelemetry environment variables the host itself reads.</summary>
public static class OtelVariables
{
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string ExporterOtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>Comma list of context propagation formats; the .NET SDK ignores it, Propagation/ applies it.</summary>
    public const string Propagators = "OTEL_PROPAGATORS";

    /// <summary>Set by OpenFaaS Pro and faas-cli local-run; Community Edition does not inject it.</summary>
    public const string OpenFaaSName = "OPENFAAS_NAME";
}
