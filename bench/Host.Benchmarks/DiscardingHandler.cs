using System.Net;

namespace Host.Benchmarks;

/// <summary>
/// The OTLP exporter's HTTP transport in the benchmark: every export is answered 200 at once, so the exporter
/// serialises each batch as in production and nothing leaves the process.
/// </summary>
internal sealed class DiscardingHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
    }
}
