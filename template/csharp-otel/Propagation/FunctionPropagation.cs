using System.Diagnostics;
using FunctionHost.Configuration;
using FunctionHost.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// Applies OTEL_PROPAGATORS, which the .NET SDK does not read: the selected formats become the default
/// propagator (ASP.NET Core instrumentation extracts with it, HttpClient instrumentation injects with it, handler
/// code can use it for other transports) and .NET's own W3C propagation is replaced so nothing else goes out.
/// </summary>
internal static class FunctionPropagation
{
    /// <summary>
    /// Installs the OTEL_PROPAGATORS choice now, before the handler's Initialize hook can create HttpClients (a
    /// handler copies <see cref="DistributedContextPropagator.Current"/> when it is built). Without a tracer
    /// provider (OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER=none) the bridge injects itself, so context still passes on.
    /// </summary>
    public static WebApplicationBuilder AddFunctionPropagation(this WebApplicationBuilder builder)
    {
        var settings = HostSettings.Of(builder);
        var tracing = !settings.Telemetry.SdkDisabled && settings.Telemetry.Traces != TelemetryExporters.None;
        var propagator = Create(settings.Propagators.Names);
        var bridge = new ActivityPropagatorBridge(propagator, injects: !tracing);

        // The composite, behind a wrapper that lets the ASP.NET Core instrumentation take what the bridge already
        // extracted from the request instead of parsing the headers a second time (RequestContextPropagator.cs).
        Sdk.SetDefaultTextMapPropagator(new RequestContextPropagator(propagator));
        DistributedContextPropagator.Current = bridge;

        // ASP.NET Core hosting takes its propagator from DI, registered (from Current) before this runs.
        builder.Services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(bridge));
        return builder;
    }

    /// <summary>The composite for <paramref name="names"/> (names as in <see cref="PropagatorNames"/>), in order.</summary>
    public static OrderedCompositePropagator Create(IReadOnlyList<string> names) => new([.. names.Select(ForName)]);

    private static TextMapPropagator ForName(string name) => name switch
    {
        // The SDK's W3C trace context propagator meets the rules (version, all-zero ids, tracestate limits).
        PropagatorNames.TraceContext => new TraceContextPropagator(),
        PropagatorNames.Baggage => new W3CBaggagePropagator(),
        PropagatorNames.B3 => new B3Propagator(multiHeader: false),
        PropagatorNames.B3Multi => new B3Propagator(multiHeader: true),
        PropagatorNames.Jaeger => new JaegerPropagator(),
        PropagatorNames.OtTrace => new OtTracePropagator(),
        PropagatorNames.XRay => new XRayPropagator(),
        _ => throw new ArgumentException($"Unknown propagator name '{name}'.", nameof(name)),
    };
}
