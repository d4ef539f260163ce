namespace FunctionHost.Telemetry.Export;

/// <summary>
/// The export lines. Every message starts with "export:" so operators can grep them; endpoints are printed
/// without user information or query, and header values never appear.
/// </summary>
internal static partial class ExportLog
{
    [LoggerMessage(101, LogLevel.Warning,
        "export: {Signal} to {Endpoint} ({Protocol}) failed: {Cause}{Hint}; retrying for up to {RetryTimeout} (CSHARP_OTEL_EXPORT_RETRY_TIMEOUT) while newer data waits in the queue")]
    public static partial void Retrying(ILogger logger, string signal, string endpoint, string protocol, string cause, string hint, TimeSpan retryTimeout);

    [LoggerMessage(102, LogLevel.Warning,
        "export: {Signal} to {Endpoint} ({Protocol}) failed: {Cause}{Hint}; not retried, {Count} {Items} rejected; further failures are summarised")]
    public static partial void Rejected(ILogger logger, string signal, string endpoint, string protocol, string cause, string hint, int count, string items);

    [LoggerMessage(103, LogLevel.Information,
        "export: {Signal} to {Endpoint} delivered again after {Downtime}")]
    public static partial void Recovered(ILogger logger, string signal, string endpoint, TimeSpan downtime);

    [LoggerMessage(105, LogLevel.Warning, "export: {Signal}: {Problem}")]
    public static partial void Mismatch(ILogger logger, string signal, string problem);
}
