using System.Diagnostics;
using FunctionHost.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;

namespace FunctionHost.Propagation;

/// <summary>
/// Applies OTEL_PROPAGATORS, which the .NET SDK does not read: the selected formats become the default
/// propagator (ASP.NET Core instrumentation extracts with it, HttpClient instrumentation injects with it, handler
/// code can use it for other transports) and .NET's own W3C propagation is replaced so nothing else goes out.
/// </summary>
internal static class FunctionPropagation
{
    /// <summary>
    /// Reads OTEL_PROPAGATORS and installs the propagator now, before the handler's Initialize hook can create
    /// HttpClients (a handler copies <see cref="DistributedContextPropagator.Current"/> when it is built).
    /// Unknown names are logged when the tracer provider is built, so the warning reaches the host's logging.
    /// </summary>
    /// <param name="builder">The host being built.</param>
    /// <param name="tracing">False when no tracer provider runs, so .NET's own HttpClient handler must inject.</param>
    public static WebApplicationBuilder AddFunctionPropagation(this WebApplicationBuilder builder, bool tracing = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var selection = PropagatorSelection.Parse(builder.Configuration[OtelVariables.Propagators]);
        var propagator = Create(selection.Names);
        var bridge = new ActivityPropagatorBridge(propagator, injects: !tracing);

        Sdk.SetDefaultTextMapPropagator(propagator);
        DistributedContextPropagator.Current = bridge;

        // ASP.NET Core hosting takes its propagator from DI, registered (from Current) before this runs.
        builder.Services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(bridge));
        builder.Services.AddSingleton(selection);
        builder.Services.ConfigureOpenTelemetryTracerProvider((services, _) =>
            LogSelection(selection, services.GetRequiredService<ILoggerFactory>()));
        return builder;
    }

    /// <summary>The composite for <paramref name="names"/> (names as in <see cref="PropagatorNames"/>), in order.</summary>
    public static OrderedCompositePropagator Create(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var propagators = new List<TextMapPropagator>(names.Count);
        foreach (var name in names)
        {
            propagators.Add(name switch
            {
                // The SDK's W3C trace context propagator meets the rules (version, all-zero ids, tracestate limits).
                PropagatorNames.TraceContext => new TraceContextPropagator(),
                PropagatorNames.Baggage => new W3CBaggagePropagator(),
                PropagatorNames.B3 => new B3Propagator(multiHeader: false),
                PropagatorNames.B3Multi => new B3Propagator(multiHeader: true),
                PropagatorNames.Jaeger => new JaegerPropagator(),
                PropagatorNames.OtTrace => new OtTracePropagator(),
                PropagatorNames.XRay => new XRayPropagator(),
                _ => throw new ArgumentException($"Unknown propagator name '{name}'.", nameof(names)),
            });
        }

        return new OrderedCompositePropagator(propagators);
    }

    private static void LogSelection(PropagatorSelection selection, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(FunctionPropagation).FullName!);
        foreach (var unknown in selection.Unknown)
        {
            PropagationLog.UnknownPropagator(logger, OtelVariables.Propagators, unknown, string.Join(", ", PropagatorNames.Known));
        }

        PropagationLog.Configured(logger, selection.Names.Count == 0 ? PropagatorNames.None : string.Join(",", selection.Names));
    }
}
