namespace FunctionHost.Telemetry;

/// <summary>Logs every <see cref="ConfigurationWarning"/> exactly once, when the host starts.</summary>
internal sealed class ConfigurationWarningReporter(ConfigurationWarnings warnings, ILogger<ConfigurationWarningReporter> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in warnings.All)
        {
            TelemetryLog.InvalidSetting(logger, warning.Variable, warning.Value, warning.Fallback);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
