namespace FunctionHost.Configuration;

/// <summary>Logs every <see cref="ConfigurationWarning"/> exactly once, when the host starts.</summary>
internal sealed partial class ConfigurationWarningReporter(ConfigurationWarnings warnings, ILogger<ConfigurationWarningReporter> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in warnings.All)
        {
            InvalidSetting(logger, warning.Variable, warning.Value, warning.Fallback);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Variable} has an invalid value '{Value}'; {Fallback}.")]
    private static partial void InvalidSetting(ILogger logger, string variable, string value, string fallback);
}
