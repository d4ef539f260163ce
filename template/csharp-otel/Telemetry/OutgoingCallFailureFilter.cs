using Microsoft.Extensions.Http;

namespace FunctionHost.Telemetry;

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
