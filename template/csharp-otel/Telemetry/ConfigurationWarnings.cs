namespace FunctionHost.Telemetry;

/// <summary>
/// The invalid settings found while telemetry is configured. Configuration happens before any logger exists, so
/// they are collected here and logged once, at start-up, by <see cref="ConfigurationWarningReporter"/>; tests
/// read them from the service provider. A bad value never stops the function from starting.
/// </summary>
internal sealed class ConfigurationWarnings
{
    private readonly List<ConfigurationWarning> _warnings = [];

    public IReadOnlyList<ConfigurationWarning> All => _warnings;

    public void Add(string variable, string value, string fallback) => _warnings.Add(new(variable, value, fallback));
}
