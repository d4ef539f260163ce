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
