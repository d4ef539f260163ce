using System.Diagnostics;
using System.Globalization;
using System.Net;
using FunctionHost.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// of-watchdog in HTTP mode, as read from its source (main.go <c>listenUntilShutdown</c>,
/// executor/http_runner.go, config/config.go; 0.9.12, the same in 0.11.5), run as a process of its own
/// (<c>dotnet CSharpOtel.Tests.dll watchdog</c>) and configured by the same variables:
/// <list type="bullet">
/// <item>listens on <c>port</c>, starts <c>fprocess</c> (split on spaces) as its child with its own environment
/// and output, and proxies every request but <c>/_/health</c> to <c>upstream_url</c> + the request URI, headers
/// and Host kept;</item>
/// <item><c>exec_timeout</c> (default 30 s, 0: none) cancels the upstream request, which closes its connection to
/// the host, and answers 504; an upstream that cannot be reached gives 500;</item>
/// <item>on SIGTERM: forwards SIGTERM to the child at once, answers <c>/_/health</c> 503 but keeps routing for
/// <c>healthcheck_interval</c> (default <c>write_timeout</c>, default 30 s), then stops accepting and waits for
/// its own in-flight requests only, up to <c>write_timeout</c>, then exits 0 without waiting for the child;</item>
/// <item>a child that exits non-zero makes it exit 1 ("Forked function has terminated");</item>
/// <item><c>max_inflight</c> above 0 (faas-middleware's concurrency limiter around the proxy only): a request
/// beyond that many in flight is answered 429 with the limiter's text and never proxied; <c>/_/ready</c> answers
/// 429 while the limit is met (readiness.go).</item>
/// </list>
/// Run as PID 1 of its own PID namespace (<see cref="PublishedHost.StartUnderWatchdogAsync"/>), its exit kills the
/// host, as in a container. Not emulated: read_timeout and write_timeout as HTTP server limits,
/// the lock file, the metrics port (:8081), and Go's 1-500 ms polling of idle connections during the drain (this exits as
/// soon as the last response is sent, the harshest case for the host).
/// </summary>
public static class WatchdogEmulator
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30); // config.go: defaultTimeout

    public static int Run()
    {
        var port = int.TryParse(Environment.GetEnvironmentVariable("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 8080;
        var upstream = Environment.GetEnvironmentVariable("http_upstream_url") ?? Environment.GetEnvironmentVariable("upstream_url");
        var fprocess = Environment.GetEnvironmentVariable("function_process") ?? Environment.GetEnvironmentVariable("fprocess");
        if (string.IsNullOrEmpty(upstream) || string.IsNullOrEmpty(fprocess))
        {
            Log("For \"mode=http\" you must specify a valid URL for \"http_upstream_url\" and a fprocess");
            return 1;
        }

        var writeTimeout = Duration("write_timeout", DefaultTimeout);
        var healthcheckInterval = Duration("healthcheck_interval", writeTimeout);
        var execTimeout = Duration("exec_timeout", DefaultTimeout);
        // config.go getInt: not a number is 0; main.go adds the limiter only above 0.
        var maxInflight = int.TryParse(Environment.GetEnvironmentVariable("max_inflight"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m) ? m : 0;
        Log($"Timeouts: write: {writeTimeout} hard: {execTimeout} health: {healthcheckInterval}");

        var parts = fprocess.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var child = new Process { StartInfo = new ProcessStartInfo(parts[0], parts[1..]) { UseShellExecute = false }, EnableRaisingEvents = true };
        child.Exited += (_, _) =>
        {
            if (child.ExitCode != 0)
            {
                Log($"Forked function has terminated: exit status {child.ExitCode}");
                Environment.Exit(1);
            }
        };
        child.Start();
        Log($"Forking: {fprocess}");

        var inflight = 0;
        var limited = 0;
        var accepting = 1;
        using var proxyClient = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMilliseconds(500), // http_runner.go: IdleConnTimeout
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, SignalledElsewhereLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = writeTimeout);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
        });
        using var app = builder.Build();
        app.Run(async context =>
        {
            if (context.Request.Path == "/_/health")
            {
                context.Response.StatusCode = Volatile.Read(ref accepting) == 1 ? 200 : 503;
                return;
            }

            // readiness.go: /_/ready is not behind the limiter, but answers 429 while the limit is met.
            var ready = context.Request.Path == "/_/ready";
            if (ready && maxInflight > 0 && Volatile.Read(ref limited) >= maxInflight)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return;
            }

            // The limiter counts a request as started before it compares, and a rejected one as completed at once.
            if (!ready && maxInflight > 0 && Interlocked.Increment(ref limited) > maxInflight)
            {
                Interlocked.Decrement(ref limited);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync($"Concurrent request limit exceeded. Max concurrent requests: {maxInflight}\n");
                return;
            }

            Interlocked.Increment(ref inflight);
            try
            {
                await ProxyAsync(context, proxyClient, upstream, execTimeout);
            }
            finally
            {
                Interlocked.Decrement(ref inflight);
                if (maxInflight > 0 && !ready)
                {
                    Interlocked.Decrement(ref limited);
                }
            }
        });

        var sigterm = new TaskCompletionSource();
        using var registration = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                if (sigterm.TrySetResult())
                {
                    // http_runner.go: the child gets SIGTERM the moment the watchdog does.
                    Forward(child.Id, "TERM");
                }
            });

        app.StartAsync().GetAwaiter().GetResult();
        Log($"Listening on port: {port}");
        _ = WarmUpAsync(proxyClient, upstream);
        sigterm.Task.GetAwaiter().GetResult();

        Log($"SIGTERM: no new connections in {healthcheckInterval}");
        Volatile.Write(ref accepting, 0);

        // listenUntilShutdown waits with <-time.Tick(healthcheckInterval), and Go's time.Tick returns nil for a
        // duration <= 0: receiving from it blocks forever, so with healthcheck_interval=0 the watchdog never exits.
        Thread.Sleep(healthcheckInterval > TimeSpan.Zero ? healthcheckInterval : Timeout.InfiniteTimeSpan);
        Log($"No new connections allowed, draining: {Volatile.Read(ref inflight)} requests");
        using (var drain = new CancellationTokenSource(writeTimeout))
        {
            try
            {
                app.StopAsync(drain.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
        }

        Log($"Exiting. Active connections: {Volatile.Read(ref inflight)}");

        // Go's main returns and the process is gone: no disposing of the server or the child first, which would
        // give the host time the real watchdog does not.
        Console.Out.Flush();
        Environment.Exit(0);
        return 0;
    }

    private static async Task ProxyAsync(HttpContext context, HttpClient client, string upstream, TimeSpan execTimeout)
    {
        var started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (execTimeout > TimeSpan.Zero)
        {
            limit.CancelAfter(execTimeout);
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstream.TrimEnd('/') + target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = values.ToString(); // http_runner.go: request.Host = r.Host
            }
            else if (!IsHopByHop(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var body = await response.Content.ReadAsByteArrayAsync(limit.Token);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!IsHopByHop(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            context.Response.Headers["X-Duration-Seconds"] = Seconds(started);
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; so does the upstream request.
        }
        catch (Exception exception) when (limit.IsCancellationRequested)
        {
            _ = exception;
            Log($"Upstream HTTP killed due to exec_timeout: {execTimeout}");
            context.Response.Headers["X-Duration-Seconds"] = Seconds(started);
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
        }
        catch (HttpRequestException exception)
        {
            Log($"Upstream HTTP request error: {exception.Message}");
            context.Response.Headers["X-Duration-Seconds"] = Seconds(started);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    /// <summary>
    /// The first proxied request of a .NET process pays for JIT and a new connection, hundreds of ms on a busy
    /// machine, which Go's watchdog does not: that would move the host's view of exec_timeout. Paid here instead,
    /// on the host's own probe, which it neither traces nor logs.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient client, string upstream)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(upstream.TrimEnd('/') + "/_/health");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
    }

    private static bool IsHopByHop(string name)
        => name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
           name.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
           name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase);

    /// <summary>config.go parseIntOrDurationValue: whole seconds or a Go duration; anything else: the fallback.</summary>
    private static TimeSpan Duration(string variable, TimeSpan fallback)
        => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value && WatchdogDuration.TryParse(value, out var duration)
            ? duration
            : fallback;

    private static string Seconds(long started)
        => Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("F6", CultureInfo.InvariantCulture);

    private static void Forward(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static void Log(string message) => Console.WriteLine($"watchdog: {message}");

    /// <summary>The console lifetime would stop the server on SIGTERM; here SIGTERM starts the watchdog's own sequence.</summary>
    private sealed class SignalledElsewhereLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
