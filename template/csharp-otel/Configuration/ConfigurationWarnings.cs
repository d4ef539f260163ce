namespace FunctionHost.Configuration;

/// <summary>
/// The one sink for invalid settings, whatever reads them. Settings are read before any logger exists, so the
/// warnings are collected here and logged once, at start-up, by <see cref="ConfigurationWarningReporter"/>, all in
/// the same words: variable, bad value, fallback. A bad value never stops the function from starting.
/// </summary>
internal sealed class ConfigurationWarnings
{
    private readonly List<ConfigurationWarning> _warnings = [];

    public IReadOnlyList<ConfigurationWarning> All => _warnings;

    public void Add(string variable, string value, string fallback) => _warnings.Add(new(variable, value, fallback));
}

/// <summary>One invalid setting: which variable, the value it had, and what the host does instead.</summary>
internal readonly record struct ConfigurationWarning(string Variable, string Value, string Fallback);

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
