namespace FunctionHost.Telemetry;

/// <summary>The host's telemetry diagnostics: source-generated, so nothing is formatted when the level is off.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "{Variable} has an invalid value '{Value}'; {Fallback}.")]
    public static partial void InvalidSetting(ILogger logger, string variable, string value, string fallback);
}
