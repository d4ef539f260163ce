using Microsoft.AspNetCore.Hosting;

namespace FunctionHost.OpenFaaS;

/// <summary>What of-watchdog in HTTP mode expects of the process it runs.</summary>
internal static class WatchdogConventions
{
    /// <summary>
    /// Where the host listens unless <c>ASPNETCORE_URLS</c> (or <c>--urls</c>) says otherwise: loopback, because
    /// only the watchdog in the same container talks to it, and neither 8080 (the watchdog's own port) nor 8081
    /// (its metrics). The Dockerfile's <c>upstream_url</c> must name the same address.
    /// </summary>
    public const string DefaultUrl = "http://127.0.0.1:3000";

    public static WebApplicationBuilder UseWatchdogConventions(this WebApplicationBuilder builder)
    {
        // The aspnet base image sets ASPNETCORE_HTTP_PORTS=8080, which would collide with the watchdog.
        // An explicit URL list takes precedence over it; only ASPNETCORE_URLS or --urls should replace ours.
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }
}
