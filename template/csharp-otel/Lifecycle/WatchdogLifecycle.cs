using FunctionHost.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FunctionHost.Lifecycle;

/// <summary>
/// How the host lives and dies behind of-watchdog: SIGTERM grace and drain (<see cref="WatchdogLifetime"/>),
/// telemetry kept exported from the first signal on (<see cref="ShutdownFlush"/>), exec_timeout named in the span,
/// failing functions and oversize requests (<see cref="RequestGuard"/>, Kestrel limits), and a periodic summary
/// of telemetry not delivered (<see cref="DroppedTelemetryReporter"/>). Settings: <see cref="LifecycleOptions"/>. RequestGuard's place in the pipeline: Hosting/RequestPipeline.cs.
/// </summary>
internal static class WatchdogLifecycle
{
    public static WebApplicationBuilder AddWatchdogLifecycle(this WebApplicationBuilder builder)
    {
        var options = HostSettings.Of(builder).Lifecycle;

        builder.Services.AddSingleton<InflightRequests>();
        builder.Services.AddSingleton<ShutdownFlush>();
        builder.Services.AddSingleton<IHostLifetime, WatchdogLifetime>();
        builder.Services.AddHostedService<DroppedTelemetryReporter>();

        // The host's stop deadline: the drain timer aborts what is left at DrainLimit; this only backs it up, 2 s
        // later, so the drain timer acts first.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainLimit + TimeSpan.FromSeconds(2));

        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        });
        RequestRejectionLog.Add(builder);

        return builder;
    }
}
