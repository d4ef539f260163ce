using System.Diagnostics;
using OpenTelemetry;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The tests' own HTTP client runs in the same process as the host under test, so without care it would be
/// traced and would overwrite the trace headers a test sets. This handler sends requests exactly as written.
/// </summary>
public sealed class UntracedHandler : DelegatingHandler
{
    public UntracedHandler()
        : base(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var scope = SuppressInstrumentationScope.Begin();
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
