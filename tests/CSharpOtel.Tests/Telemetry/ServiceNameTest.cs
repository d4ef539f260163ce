using FunctionHost.Telemetry;
using Microsoft.Extensions.Configuration;

namespace CSharpOtel.Tests.Telemetry;

public class ServiceNameTest
{
    private static IConfiguration Settings(params (string Key, string Value)[] pairs)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)))
            .Build();

    [Fact]
    public void Fallback_OtelServiceNameSet_LeavesItToTheSdk()
        => Assert.Null(ServiceName.Fallback(Settings(("OTEL_SERVICE_NAME", "orders"), ("OPENFAAS_NAME", "x"))));

    [Theory]
    [InlineData("service.name=orders")]
    [InlineData("team=a, service.name = orders ,b=c")]
    public void Fallback_ServiceNameInResourceAttributes_LeavesItToTheSdk(string attributes)
        => Assert.Null(ServiceName.Fallback(Settings(("OTEL_RESOURCE_ATTRIBUTES", attributes), ("OPENFAAS_NAME", "x"))));

    [Fact]
    public void Fallback_OnlyOpenFaaSName_UsesIt()
        => Assert.Equal("my-fn", ServiceName.Fallback(Settings(("OTEL_RESOURCE_ATTRIBUTES", "service.namespace=a"), ("OPENFAAS_NAME", "my-fn"))));

    [Fact]
    public void Fallback_NothingSet_UsesTheTemplateDefault()
        => Assert.Equal(TelemetryDefaults.FallbackServiceName, ServiceName.Fallback(Settings(("OTEL_RESOURCE_ATTRIBUTES", "service.name="))));
}
