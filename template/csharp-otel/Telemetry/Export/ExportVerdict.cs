namespace FunctionHost.Telemetry.Export;

/// <summary>
/// Why one export attempt failed, in words for the log, and whether sending the same batch again can help
/// (OTLP specification, "Retryable response codes" and "Failures").
/// </summary>
/// <param name="Cause">What happened, e.g. "connection refused" or "HTTP 404 Not Found"; never a header value.</param>
/// <param name="Hint">What to check, or null.</param>
/// <param name="Retryable">True for transient failures: the collector is away, busy or slow.</param>
/// <param name="RetryAfter">The delay the collector asked for (Retry-After, gRPC RetryInfo), if any.</param>
internal sealed record ExportVerdict(string Cause, string? Hint, bool Retryable, TimeSpan? RetryAfter = null);
