using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionHost.Hosting;

/// <summary>Registers the user's handler and routes requests to it.</summary>
internal static class FunctionRegistration
{
    /// <summary>The route that sends every method and every sub-path to the handler.</summary>
    public const string CatchAllRoute = "/{**path}";

    /// <summary>
    /// Puts the host's middleware in place (<see cref="RequestPipeline"/>), runs the handler's optional
    /// <c>Initialize(WebApplicationBuilder)</c> hook, then registers the handler
    /// as a scoped service (unless the hook registered it already), so each invocation gets an instance
    /// built by dependency injection.
    /// </summary>
    public static WebApplicationBuilder AddFunction<[DynamicallyAccessedMembers(FunctionHooks.Members)] THandler>(
        this WebApplicationBuilder builder)
        where THandler : class
    {
        RequestPipeline.Add(builder);
        FunctionHooks.Initialize<THandler>(builder);
        builder.Services.TryAddScoped<THandler>();
        return builder;
    }

    /// <summary>
    /// Runs the handler's optional <c>Configure(WebApplication)</c> hook, then maps every request that no other
    /// endpoint claims to <paramref name="invoke"/>.
    /// </summary>
    public static WebApplication MapFunction<[DynamicallyAccessedMembers(FunctionHooks.Members)] THandler>(
        this WebApplication app, Func<THandler, HttpContext, Task> invoke)
        where THandler : class
    {
        FunctionHooks.Configure<THandler>(app);

        // A plain RequestDelegate: no minimal-API parameter binding, so nothing here needs reflection.
        app.Map(CatchAllRoute, context => invoke(context.RequestServices.GetRequiredService<THandler>(), context));
        return app;
    }
}
