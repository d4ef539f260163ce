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
        var userKeys = ResourceAttributeKeys(configuration[Variables.ResourceAttributes]);
        var attributes = new List<KeyValuePair<string, object>>();

        void Add(string key, object? value)
        {
            if (value is not null && !userKeys.Contains(key))
            {
                attributes.Add(new(key, value));
            }
        }

        // The function's own name when the platform says it; otherwise the service name stands in for it.
        var openFaaSName = configuration[Variables.OpenFaaSName];
        Add("faas.name", string.IsNullOrWhiteSpace(openFaaSName) ? ServiceName.Resolve(configuration) : openFaaSName.Trim());
        Add("faas.instance", HostName(configuration));
        Add("faas.max_memory", MaxMemory(configuration[Variables.CgroupRoot] is { Length: > 0 } root ? root : TelemetryDefaults.CgroupRoot));
        Add("faas.version", ResourceAttribute(configuration[Variables.ResourceAttributes], "service.version"));

        var (ns, fromKubernetes) = Namespace(configuration);
        Add("service.namespace", ns);
        Add("k8s.namespace.name", fromKubernetes ? ns : null);

        return new Resource(attributes);
    }

    /// <summary>HOSTNAME when set (tests, and every container runtime sets it), else the machine name.</summary>
    public static string HostName(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var hostName = configuration[Variables.HostName];
        return string.IsNullOrWhiteSpace(hostName) ? Environment.MachineName : hostName.Trim();
    }

    /// <summary>The container's memory limit in bytes: cgroup v2 memory.max, else cgroup v1; null when unlimited or unknown.</summary>
    public static long? MaxMemory(string cgroupRoot)
    {
        ArgumentNullException.ThrowIfNull(cgroupRoot);
        var limit = ReadLong(Path.Combine(cgroupRoot, "memory.max")) ??
                    ReadLong(Path.Combine(cgroupRoot, "memory", "memory.limit_in_bytes"));
        return limit is > 0 and < UnlimitedV1Threshold ? limit : null;
    }

    /// <summary>OPENFAAS_NAMESPACE, else the Kubernetes service-account namespace file.</summary>
    public static (string? Namespace, bool FromKubernetes) Namespace(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var fromPlatform = configuration[Variables.OpenFaaSNamespace];
        if (!string.IsNullOrWhiteSpace(fromPlatform))
        {
            return (fromPlatform.Trim(), false);
        }

        var file = configuration[Variables.NamespaceFile] is { Length: > 0 } f ? f : TelemetryDefaults.NamespaceFile;
        var fromFile = ReadText(file);
        return string.IsNullOrEmpty(fromFile) ? (null, false) : (fromFile, true);
    }

    /// <summary>The keys named in an OTEL_RESOURCE_ATTRIBUTES value.</summary>
    public static HashSet<string> ResourceAttributeKeys(string? resourceAttributes)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in ResourceAttributePairs(resourceAttributes))
        {
            keys.Add(key);
        }

        return keys;
    }

    /// <summary>The value of <paramref name="key"/> in an OTEL_RESOURCE_ATTRIBUTES value, percent-decoded.</summary>
    public static string? ResourceAttribute(string? resourceAttributes, string key)
    {
        foreach (var (k, v) in ResourceAttributePairs(resourceAttributes))
        {
            if (k == key && v.Length > 0)
            {
                return v;
            }
        }

        return null;
    }

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
