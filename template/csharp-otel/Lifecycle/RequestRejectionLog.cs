using System.Collections.Concurrent;
using FunctionHost.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionHost.Lifecycle;

/// <summary>
/// Says once per cause, as a warning, that requests are being rejected for a size limit: 431 for headers (Kestrel
/// answers before any middleware runs, and logs it only at Debug), 413 for a body (found when the function reads it,
/// answered by <see cref="RequestGuard"/>), with the limit in force and the variable that raises it. A logger provider
/// that listens only to Kestrel's bad-request category and the guard's bad-request line, at Debug, whatever the
/// console shows; every other category gets a null logger. Later rejections of the same cause stay at Debug.
/// </summary>
internal sealed partial class RequestRejectionLog(IServiceProvider services, LifecycleOptions options) : ILoggerProvider, ILogger
{
    /// <summary>Where Kestrel logs a request it rejected while parsing it (event ConnectionBadRequest).</summary>
    public const string KestrelBadRequests = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";

    private static readonly string GuardCategory = typeof(RequestGuard).FullName!;

    private readonly ConcurrentDictionary<string, bool> _reported = new();
    private ILogger? _logger;

    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ILoggerProvider, RequestRejectionLog>();
        builder.Logging.AddFilter<RequestRejectionLog>(KestrelBadRequests, LogLevel.Debug);
        builder.Logging.AddFilter<RequestRejectionLog>(GuardCategory, LogLevel.Debug);
    }

    public ILogger CreateLogger(string categoryName) =>
        categoryName == KestrelBadRequests || categoryName == GuardCategory ? this : NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var (status, message) = exception is BadHttpRequestException bad
            ? (bad.StatusCode, bad.Message)
            : (Field(state, "StatusCode") is int code ? code : 0, Field(state, "Reason") as string ?? "");
        var cause = Cause(status, message);
        if (cause is null || !_reported.TryAdd(cause, true))
        {
            return;
        }

        // Resolved on first use: the logger factory is built from the providers, this one among them.
        _logger ??= services.GetRequiredService<ILoggerFactory>().CreateLogger<RequestRejectionLog>();
        switch (cause)
        {
            case Variables.MaxRequestBodySize:
                BodyTooLarge(_logger, options.MaxRequestBodySize ?? 0, Variables.MaxRequestBodySize);
                break;
            case Variables.MaxRequestHeaderCount:
                TooManyHeaders(_logger, options.MaxRequestHeaderCount, Variables.MaxRequestHeaderCount);
                break;
            default:
                HeadersTooLarge(_logger, options.MaxRequestHeadersTotalSize, Variables.MaxRequestHeadersTotalSize);
                break;
        }
    }

    // Kestrel's texts: "Request body too large...", "Request contains too many headers.", "Request headers too long."
    private static string? Cause(int status, string message) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => Variables.MaxRequestBodySize,
        StatusCodes.Status431RequestHeaderFieldsTooLarge when message.Contains("too many", StringComparison.OrdinalIgnoreCase) => Variables.MaxRequestHeaderCount,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => Variables.MaxRequestHeadersTotalSize,
        _ => null,
    };

    private static object? Field<TState>(TState state, string name) =>
        state is IReadOnlyList<KeyValuePair<string, object?>> fields ? fields.FirstOrDefault(f => f.Key == name).Value : null;

    [LoggerMessage(1, LogLevel.Warning,
        "lifecycle: request rejected with 413: its body is larger than {Limit} bytes ({Variable}); raise {Variable} to accept larger bodies (0: no limit). Further 413s are not logged")]
    private static partial void BodyTooLarge(ILogger logger, long limit, string variable);

    [LoggerMessage(2, LogLevel.Warning,
        "lifecycle: request rejected with 431: its headers are larger than {Limit} bytes in all ({Variable}); raise {Variable} to accept them. Further 431s of this kind are not logged")]
    private static partial void HeadersTooLarge(ILogger logger, int limit, string variable);

    [LoggerMessage(3, LogLevel.Warning,
        "lifecycle: request rejected with 431: it has more than {Limit} headers ({Variable}); raise {Variable} to accept them. Further 431s of this kind are not logged")]
    private static partial void TooManyHeaders(ILogger logger, int limit, string variable);

    public void Dispose()
    {
    }
}
