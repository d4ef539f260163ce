using FunctionHost.Telemetry;

namespace FunctionHost.OpenFaaS;

/// <summary>
/// Puts <see cref="Probes"/> and <see cref="InvocationTelemetry"/> first in the request pipeline, ahead of anything
/// the handler's Configure hook adds, without a line in Program.cs. Plain delegates: no reflection-based
/// UseMiddleware, so nothing here troubles the trimmer.
/// </summary>
internal sealed class OpenFaaSStartupFilter(IHostApplicationLifetime lifetime, TelemetrySettings settings) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        => app =>
        {
            app.Use(inner => new Probes(inner, lifetime).InvokeAsync);
            app.Use(inner => new InvocationTelemetry(inner, settings.ResponseTraceparent).InvokeAsync);
            next(app);
        };
}
