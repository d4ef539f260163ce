namespace FunctionHost.Lifecycle;

/// <summary>Puts <see cref="RequestGuard"/> in front of everything else, without a line in Program.cs.</summary>
internal sealed class RequestGuardStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestGuard>();
        next(app);
    };
}
