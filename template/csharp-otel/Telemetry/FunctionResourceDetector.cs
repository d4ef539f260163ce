using FunctionHost.Configuration;
using System.Globalization;
using OpenTelemetry.Resources;

namespace FunctionHost.Telemetry;

/// <summary>
/// The OpenFaaS function's identity as resource attributes (FaaS semantic conventions): faas.name,
/// faas.instance, faas.max_memory, faas.version, and the namespace. Read once at start-up; a source that is
/// absent leaves its attribute out. An attribute the user set in OTEL_RESOURCE_ATTRIBUTES is left alone, because
/// detectors added here would otherwise override it.
/// </summary>
internal sealed class FunctionResourceDetector(IConfiguration configuration) : IResourceDetector
{
    /// <summary>cgroup v1 reports "no limit" as a huge page-aligned number rather than "max".</summary>
    private const long UnlimitedV1Threshold = long.MaxValue / 2;

    public Resource Detect()
    {
        var resourceAttributes = configuration[Variables.ResourceAttributes];
        var userKeys = ResourceAttributePairs(resourceAttributes).Select(pair => pair.Key).ToHashSet(StringComparer.Ordinal);
        var attributes = new List<KeyValuePair<string, object>>();

        void Add(string key, object? value)
        {
            if (value is not null && !userKeys.Contains(key))
            {
                attributes.Add(new(key, value));
            }
        }

        // The function's own name when the platform says it; otherwise the service name stands in for it.
        Add("faas.name", NonBlank(configuration[Variables.OpenFaaSName]) ?? ServiceName.Resolve(configuration));

        // HOSTNAME when set (tests, and every container runtime sets it), else the machine name.
        Add("faas.instance", NonBlank(configuration[Variables.HostName]) ?? Environment.MachineName);
        Add("faas.max_memory", MaxMemory(configuration[Variables.CgroupRoot] is { Length: > 0 } root ? root : TelemetryDefaults.CgroupRoot));
        Add("faas.version", ResourceAttribute(resourceAttributes, "service.version"));

        // OPENFAAS_NAMESPACE, else the Kubernetes service-account namespace file.
        if (NonBlank(configuration[Variables.OpenFaaSNamespace]) is { } fromPlatform)
        {
            Add("service.namespace", fromPlatform);
        }
        else if (ReadText(configuration[Variables.NamespaceFile] is { Length: > 0 } file ? file : TelemetryDefaults.NamespaceFile) is { Length: > 0 } fromFile)
        {
            Add("service.namespace", fromFile);
            Add("k8s.namespace.name", fromFile);
        }

        return new Resource(attributes);
    }

    /// <summary>The value trimmed, or null when it is unset or blank.</summary>
    public static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The container's memory limit in bytes: cgroup v2 memory.max, else cgroup v1; null when unlimited or unknown.</summary>
    private static long? MaxMemory(string cgroupRoot)
    {
        var limit = ReadLong(Path.Combine(cgroupRoot, "memory.max")) ??
                    ReadLong(Path.Combine(cgroupRoot, "memory", "memory.limit_in_bytes"));
        return limit is > 0 and < UnlimitedV1Threshold ? limit : null;
    }

    /// <summary>The value of <paramref name="key"/> in an OTEL_RESOURCE_ATTRIBUTES value, percent-decoded.</summary>
    public static string? ResourceAttribute(string? resourceAttributes, string key)
        => ResourceAttributePairs(resourceAttributes).FirstOrDefault(pair => pair.Key == key && pair.Value.Length > 0).Value;

    private static IEnumerable<(string Key, string Value)> ResourceAttributePairs(string? resourceAttributes)
    {
        if (string.IsNullOrEmpty(resourceAttributes))
        {
            yield break;
        }

        foreach (var pair in resourceAttributes.Split(','))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                yield return (pair[..equals].Trim(), Uri.UnescapeDataString(pair[(equals + 1)..].Trim()));
            }
        }
    }

    private static long? ReadLong(string path)
        => long.TryParse(ReadText(path), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
