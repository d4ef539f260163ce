namespace FunctionHost.Configuration;

/// <summary>One invalid setting: which variable, the value it had, and what the host does instead.</summary>
internal readonly record struct ConfigurationWarning(string Variable, string Value, string Fallback);
