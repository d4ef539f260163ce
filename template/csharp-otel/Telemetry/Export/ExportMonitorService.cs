namespace FunctionHost.Telemetry.Export;

/// <summary>Gives the <see cref="ExportMonitor"/> its logger and starts its span counting when the host starts.</summary>
internal sealed class ExportMonitorService(ExportMonitor monitor, ILoggerFactory loggerFactory) : IHostedService
{
    public const string Category = "FunctionHost.Telemetry.Export";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        monitor.StartListening();
        monitor.Attach(loggerFactory.CreateLogger(Category));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
