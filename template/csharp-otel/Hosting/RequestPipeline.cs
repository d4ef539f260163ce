using FunctionHost.Configuration;
using FunctionHost.Lifecycle;
using FunctionHost.OpenFaaS;

namespace FunctionHost.Hosting;

/// <summary>
/// The host's middleware, in the order a request passes it, ahead of anything the handler's Configure hook adds.
/// Plain delegates, no reflection-based UseMiddleware, so nothing here troubles the trimmer.
/// </summary>
internal sealed class RequestPipeline(IServiceProvider services, HostSettings settings) : IStartupFilter
{
    /// <summary>Registered before the handler's Initialize hook runs, so its startup filters come after ours.</summary>
    public static void Add(WebApplicationBuilder builder)
    {
        HostSettings.Of(builder); // registers the settings this filter is built with, should no earlier step have read them
        builder.Services.AddSingleton<IStartupFilter, RequestPipeline>();
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // 1. Probes: the watchdog's health and readiness checks are answered at once, never traced, never guarded.
        app.Use(inner => new Probes(inner, services.GetRequiredService<IHostApplicationLifetime>()).InvokeAsync);

        // 2. Invocation telemetry: OpenFaaS attributes on the server span (started by Kestrel's hosting layer,
        //    before any middleware) and the optional response traceparent, before a failure can end the request.
        app.Use(inner => new InvocationTelemetry(inner, settings.Telemetry.ResponseTraceparent).InvokeAsync);

        // 3. Request guard: counts the request as in flight for the drain and turns a failure of anything inside it
        //    (the handler's middleware and the function) into a logged, traced 500.
        var inflight = services.GetRequiredService<InflightRequests>();
        var shutdownFlush = services.GetRequiredService<ShutdownFlush>();
        var environment = services.GetRequiredService<IHostEnvironment>();
        var logger = services.GetRequiredService<ILogger<RequestGuard>>();
        app.Use(inner => new RequestGuard(inner, inflight, settings.Lifecycle, shutdownFlush, environment, logger).InvokeAsync);

        // 4. Then the handler's Configure hook, routing, and the function (Hosting/FunctionRegistration.cs).
        next(app);
    };
}
