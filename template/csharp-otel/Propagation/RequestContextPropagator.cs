using Microsoft.AspNetCore.Http;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// The SDK's default propagator (<c>Propagators.DefaultTextMapPropagator</c>): the OTEL_PROPAGATORS composite, except
/// that extracting from the request whose headers <see cref="ActivityPropagatorBridge"/> has just read returns what
/// the bridge found instead of parsing them a second time.
/// </summary>
/// <remarks>
/// The ASP.NET Core instrumentation extracts again with the default propagator on every request unless that
/// propagator is the SDK's plain W3C one (it does so to catch formats ASP.NET Core itself does not read). Here
/// ASP.NET Core already reads every configured format through the bridge, so the second extraction can only
/// repeat the first: it is answered from <see cref="ExtractedRequestContext"/>. Any other carrier (handler code
/// extracting from a message, a later extraction from the same request) goes to the composite.
/// </remarks>
internal sealed class RequestContextPropagator(OrderedCompositePropagator composite) : TextMapPropagator
{
    public override ISet<string> Fields => composite.Fields;

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (context == default && carrier is HttpRequest request && ExtractedRequestContext.TryTake(request.Headers, out var extracted))
        {
            return extracted;
        }

        return composite.Extract(context, carrier, getter);
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter) =>
        composite.Inject(context, carrier, setter);
}
