using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace FunctionHost.Hosting;

/// <summary>
/// Start-up failures the host can name stop it with one line on stderr and <see cref="ExitCode"/>, no stack trace:
/// a start-up hook with the wrong signature, and an address in ASPNETCORE_URLS it cannot listen on (taken, not
/// allowed, not this machine's, not a URL). The watchdog reports the exit and the platform restarts the function.
/// Any other exception still ends the process with its stack trace, which is then what the reader needs.
/// </summary>
internal static class StartupFailure
{
    /// <summary>The exit code of every start-up failure the host names.</summary>
    public const int ExitCode = 1;

    // The generic host logs a failed start (event 11, "Hosting failed to start") with the exception and its stack
    // trace before Run throws it. Run below says it in one line, or rethrows and the runtime prints it in full.
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Writes <paramref name="line"/> to stderr and returns <see cref="ExitCode"/>, for Program to return.</summary>
    public static int Exit(string line)
    {
        Console.Error.WriteLine(line);
        return ExitCode;
    }

    /// <summary>Keeps the host's record of a failed start off the console; once started, its errors pass as before.</summary>
    public static WebApplicationBuilder ReportStartupFailures(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LoggerFilterOptions>().Configure<IServiceProvider>((options, services) => options.Rules.Add(
            new(typeof(ConsoleLoggerProvider).FullName, HostCategory, LogLevel.Information, (_, _, level) =>
                level != LogLevel.Error || services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested)));
        return builder;
    }

    /// <summary>Runs the function until it stops; returns <see cref="ExitCode"/> after one line when it cannot listen.</summary>
    public static int RunFunction(this WebApplication app)
    {
        // Read before Run: when start-up fails, Run disposes the services these come from before it throws.
        var (started, urls) = (app.Lifetime.ApplicationStarted, app.Configuration[WebHostDefaults.ServerUrlsKey]);
        try
        {
            app.Run();
            return 0;
        }
        catch (Exception e) when (!started.IsCancellationRequested &&
                                  CannotListen(e) is { } reason)
        {
            return Exit($"error: cannot listen on {urls} (ASPNETCORE_URLS): {reason}");
        }
    }

    /// <summary>
    /// Why Kestrel could not listen, from what it threw before the function started; null for anything else. Only
    /// the in-use case has a type of its own; the others are general types, so they count only when thrown from
    /// inside Kestrel (its frames in the stack trace), where start-up does nothing but read and bind addresses.
    /// </summary>
    private static string? CannotListen(Exception e) => e switch
    {
        IOException { InnerException: AddressInUseException } => "address already in use",
        _ when e.StackTrace?.Contains("Microsoft.AspNetCore.Server.Kestrel.", StringComparison.Ordinal) != true => null,
        ArgumentOutOfRangeException { ParamName: "port" } => "the port must be from 0 to 65535",
        // The system's reason ("Permission denied" below port 1024 without root, "Cannot assign requested address"
        // for an IP that is not this machine's), or Kestrel's: not a URL, not http(s), https without a certificate.
        SocketException or FormatException or InvalidOperationException => e.Message,
        _ => null,
    };
}
