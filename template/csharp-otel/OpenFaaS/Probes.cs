namespace FunctionHost.OpenFaaS;

/// <summary>
/// Middleware that answers the watchdog's health and readiness paths in the host, before the function sees them
/// (and untraced: TelemetryDefaults.UntracedPaths). Point the watchdog's <c>ready_path</c> at <c>/_/ready</c>
/// and it forwards readiness here: 503 until the host has fully started, 200 while it serves, 503 again once it
/// is stopping. <c>/_/health</c> is 200 whenever the process answers at all.
/// </summary>
internal sealed class Probes(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public const string HealthPath = "/_/health";
    public const string ReadyPath = "/_/ready";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(ReadyPath, StringComparison.OrdinalIgnoreCase))
        {
            var ready = lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested;
            context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync(ready ? "ready" : "not ready", context.RequestAborted);
        }

        if (path.Equals(HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            return context.Response.WriteAsync("ok", context.RequestAborted);
        }

        return next(context);
    }
}
