using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Telemetry;

namespace CSharpOtel.Tests.Telemetry;

public sealed class FunctionResourceDetectorTest : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("csharp-otel-resource-");

    private IReadOnlyDictionary<string, object> Detect(params (string Key, string? Value)[] pairs)
    {
        // Point every file the detector reads into the temporary folder, so the machine's own never leak in.
        var all = new List<(string, string?)>
        {
            ("CSHARP_OTEL_CGROUP_ROOT", _root.FullName),
            ("CSHARP_OTEL_NAMESPACE_FILE", Path.Combine(_root.FullName, "namespace")),
        };
        all.AddRange(pairs);
        return new FunctionResourceDetector(Settings.Of([.. all])).Detect().Attributes.ToDictionary(a => a.Key, a => a.Value);
    }

    [Fact]
    public void Detect_OpenFaaSNameAndHostName_AreFaasNameAndInstance()
    {
        var attributes = Detect(("OPENFAAS_NAME", "orders"), ("OTEL_SERVICE_NAME", "orders-api"), ("HOSTNAME", "orders-7d9c-xk2p"));

        Assert.Equal("orders", attributes["faas.name"]);
        Assert.Equal("orders-7d9c-xk2p", attributes["faas.instance"]);
    }

    [Fact]
    public void Detect_NoOpenFaaSName_FaasNameIsTheServiceName()
        => Assert.Equal("from-attributes", Detect(("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes"))["faas.name"]);

    [Fact]
    public void Detect_CgroupV2Limit_IsMaxMemoryInBytes()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "memory.max"), "134217728\n");
        Assert.Equal(134217728L, Detect()["faas.max_memory"]);
    }

    [Fact]
    public void Detect_CgroupV1Limit_IsMaxMemoryInBytes()
    {
        Directory.CreateDirectory(Path.Combine(_root.FullName, "memory"));
        File.WriteAllText(Path.Combine(_root.FullName, "memory", "memory.limit_in_bytes"), "268435456\n");
        Assert.Equal(268435456L, Detect()["faas.max_memory"]);
    }

    [Theory]
    [InlineData("max")] // cgroup v2: no limit
    [InlineData("9223372036854771712")] // cgroup v1: no limit is a huge number
    public void Detect_NoMemoryLimit_LeavesMaxMemoryOut(string content)
    {
        File.WriteAllText(Path.Combine(_root.FullName, "memory.max"), content);
        Assert.False(Detect().ContainsKey("faas.max_memory"));
    }

    [Fact]
    public void Detect_NamespaceFromOpenFaaS_IsServiceNamespaceOnly()
    {
        var attributes = Detect(("OPENFAAS_NAMESPACE", "openfaas-fn"));
        Assert.Equal("openfaas-fn", attributes["service.namespace"]);
        Assert.False(attributes.ContainsKey("k8s.namespace.name"));
    }

    [Fact]
    public void Detect_NamespaceFromServiceAccountFile_IsAlsoTheKubernetesNamespace()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "namespace"), "staging-fn");
        var attributes = Detect();
        Assert.Equal("staging-fn", attributes["service.namespace"]);
        Assert.Equal("staging-fn", attributes["k8s.namespace.name"]);
    }

    [Fact]
    public void Detect_NothingKnown_LeavesOptionalAttributesOut()
    {
        var attributes = Detect();
        Assert.False(attributes.ContainsKey("faas.max_memory"));
        Assert.False(attributes.ContainsKey("faas.version"));
        Assert.False(attributes.ContainsKey("service.namespace"));
        Assert.Equal(TelemetryDefaults.FallbackServiceName, attributes["faas.name"]);
        Assert.Equal(Environment.MachineName, attributes["faas.instance"]);
    }

    [Fact]
    public void Detect_ServiceVersion_IsFaasVersion_AndUserAttributesAreNotOverridden()
    {
        var attributes = Detect(
            ("OTEL_RESOURCE_ATTRIBUTES", "service.version=1.4.2,faas.instance=pinned"),
            ("HOSTNAME", "pod-1"));
        Assert.Equal("1.4.2", attributes["faas.version"]);
        Assert.False(attributes.ContainsKey("faas.instance")); // the SDK applies the user's value
    }

    public void Dispose() => _root.Delete(recursive: true);
}
