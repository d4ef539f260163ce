namespace FunctionHost.Telemetry;

/// <summary>
/// Environment variables that belong to this template (prefix CSHARP_OTEL_) or to the platform it runs on,
/// rather than to the OpenTelemetry specification. docs/configuration.md lists them all.
/// </summary>
internal static class HostVariables
{
    /// <summary><c>json</c> (default), <c>logfmt</c> or <c>simple</c>: the format of log lines on stdout.</summary>
    public const string LogFormat = "CSHARP_OTEL_LOG_FORMAT";

    /// <summary><c>true</c> writes the server span's <c>traceparent</c> on every response. Off by default.</summary>
    public const string ResponseTraceparent = "CSHARP_OTEL_RESPONSE_TRACEPARENT";

    /// <summary>The OpenFaaS secret whose content is added to OTEL_EXPORTER_OTLP_HEADERS.</summary>
    public const string OtlpHeadersSecret = "CSHARP_OTEL_OTLP_HEADERS_SECRET";

    /// <summary>Where OpenFaaS mounts secrets; only tests and unusual platforms change it.</summary>
    public const string SecretsDirectory = "CSHARP_OTEL_SECRETS_DIR";

    /// <summary>The cgroup file system root read for faas.max_memory; only tests change it.</summary>
    public const string CgroupRoot = "CSHARP_OTEL_CGROUP_ROOT";

    /// <summary>The Kubernetes service-account namespace file; only tests change it.</summary>
    public const string NamespaceFile = "CSHARP_OTEL_NAMESPACE_FILE";

    /// <summary>Set by the platform when it knows the function's namespace (OpenFaaS Pro, faas-cli local-run).</summary>
    public const string OpenFaaSNamespace = "OPENFAAS_NAMESPACE";

    /// <summary>The container's host name: the pod name on Kubernetes, the function name on faasd.</summary>
    public const string HostName = "HOSTNAME";
}
