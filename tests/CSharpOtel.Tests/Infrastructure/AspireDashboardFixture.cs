namespace CSharpOtel.Tests.Infrastructure;

/// <summary>One dashboard for all the tests that need a real OTLP receiver; it takes seconds to start.</summary>
public sealed class AspireDashboardFixture : IAsyncLifetime
{
    private AspireDashboard? _dashboard;

    public AspireDashboard Dashboard => _dashboard ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _dashboard = await AspireDashboard.StartAsync();

    public Task DisposeAsync()
    {
        _dashboard?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class OtlpReceiverCollection : ICollectionFixture<AspireDashboardFixture>
{
    public const string Name = "Real OTLP receiver";
}
