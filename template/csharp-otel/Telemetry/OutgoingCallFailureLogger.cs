using System.Diagnostics;
using Microsoft.Extensions.Http;

namespace FunctionHost.Telemetry;

/// <summary>
/// One warning line, without a stack trace, for an outgoing call that got no response at all (connection refused,
/// DNS, TLS, connection reset), naming the method, the address without its query and the cause. The exception
/// still reaches the function, and the HttpClient span records it. Added to the function's clients by
/// <see cref="OutgoingCallFailureFilter"/>.
/// </summary>
internal sealed partial class OutgoingCallFailureLogger(ILogger<OutgoingCallFailureLogger> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            CallFailed(logger, request.Method.Method, Address(request.RequestUri), Reason(exception),
                Activity.Current?.TraceId.ToHexString() ?? "none");
            throw;
        }
    }

    // The query and user info can carry secrets (tokens, keys); scheme, host, port and path say where the call went.
    private static string Address(Uri? uri) =>
        uri is { IsAbsoluteUri: true } ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : uri?.ToString() ?? "(no address)";

    // "An error occurred while sending the request." says little on its own: the inner exception says what happened.
    private static string Reason(HttpRequestException exception) =>
        exception.InnerException is { Message: { Length: > 0 } inner } && !exception.Message.Contains(inner, StringComparison.Ordinal)
            ? $"{exception.Message} {inner}"
            : exception.Message;

    [LoggerMessage(1, LogLevel.Warning, "outgoing call failed: {Method} {Address}: {Reason} (trace {TraceId})")]
    private static partial void CallFailed(ILogger logger, string method, string address, string reason, string traceId);
}

/// <summary>
/// Puts <see cref="OutgoingCallFailureLogger"/> outermost in every IHttpClientFactory client of the function, typed
/// or named. The OTLP exporter's own clients (named Otlp...) are left out: an export failure is not the function's
/// outgoing call. The factory's own log lines would report the same failure at Information with a full stack trace;
/// appsettings.json keeps the System.Net.Http.HttpClient categories at Warning.
/// </summary>
internal sealed class OutgoingCallFailureFilter(ILogger<OutgoingCallFailureLogger> logger) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (builder.Name?.StartsWith("Otlp", StringComparison.Ordinal) != true)
        {
            builder.AdditionalHandlers.Insert(0, new OutgoingCallFailureLogger(logger));
        }
    };
}
