using System.Diagnostics;
using System.Globalization;
using FunctionHost.Configuration;
using FunctionHost.Lifecycle;
using Microsoft.Extensions.Configuration;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The host published once per test run (faas-cli's shrinkwrap layout, with the lifecycle tests' function) and
/// started as a real child process: on its own (<see cref="StartAsync"/>, signalled directly), or behind a
/// watchdog that is PID 1 of its own PID namespace (<see cref="StartUnderWatchdogAsync"/>), as in a container.
/// </summary>
public sealed class PublishedHost : IDisposable
{
    /// <summary>A real fwatchdog binary to use instead of <see cref="WatchdogEmulator"/> (dev/real-watchdog.sh sets it).</summary>
    public const string RealWatchdogVariable = "CSHARP_OTEL_TEST_FWATCHDOG";

    /// <summary>The real fwatchdog <see cref="StartUnderWatchdogAsync"/> runs, or null for the emulator.</summary>
    public static string? RealWatchdog => Environment.GetEnvironmentVariable(RealWatchdogVariable) is { Length: > 0 } real ? real : null;

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);
    private const string LayoutName = "lifecycle-fn";
    private static FaasCliLayout? _layout;
    private readonly int? _signalTarget;
    private readonly string? _scratch;

    /// <summary>
    /// What a time bound on this process allows beyond the limits the test configured (<see cref="Limits"/>): starting
    /// <c>kill</c>, delivering the signal, timers and thread-pool work running late, disposing the providers and the
    /// runtime's exit, on a 2-core machine shared with other builds and tests. The worst overshoot measured over what
    /// the limits add up to was 1.4 s (WatchdogShutdownTest.DrainLimit: 7.9 s against 6.5 s, load average 35; with
    /// two CPU burners on top, up to 1.15 s in 3 runs); a host that ignores a limit overshoots by the next longer one
    /// (the handler's 120 s, a 60 s serving period, a 10 s export timeout).
    /// </summary>
    public static readonly TimeSpan TimingSlack = TimeSpan.FromSeconds(3);

    private PublishedHost(ChildProcess process, int port, IDictionary<string, string?> environment, int? signalTarget = null, string? scratch = null)
    {
        Process = process;
        Limits = LifecycleOptions.Read(new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection(environment).Build(), new ConfigurationWarnings()));
        Url = $"http://127.0.0.1:{port}";
        _signalTarget = signalTarget;
        _scratch = scratch;
    }

    /// <summary>The host itself, or under a watchdog the <c>unshare</c> process, which exits when the watchdog does.</summary>
    public ChildProcess Process { get; }

    /// <summary>Where callers send requests: the host, or the watchdog in front of it.</summary>
    public string Url { get; }

    public string Output => Process.Output;

    /// <summary>The lifecycle limits the host runs with, read by the host's own code from the variables it was given.</summary>
    internal LifecycleOptions Limits { get; }

    public static async Task<PublishedHost> StartAsync(IDictionary<string, string?> environment)
    {
        var output = await Published.Value;
        var port = FreePort.Next();
        var merged = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in environment)
        {
            merged[key] = value;
        }

        var process = ChildProcess.Start(Path.Combine(output, "FunctionHost"), output, merged);
        var host = new PublishedHost(process, port, merged);
        await process.WaitForHttpAsync(host.Url + "/_/health", TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Starts the host with <paramref name="environment"/> as it is, expecting it to stop by itself (a start-up failure), and waits for that.</summary>
    public static async Task<ChildProcess> RunUntilExitAsync(IDictionary<string, string?> environment, TimeSpan timeout)
    {
        var output = await Published.Value;
        var process = ChildProcess.Start(Path.Combine(output, "FunctionHost"), output, environment);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Dispose();
            throw new TimeoutException($"The host was still running after {timeout}:\n{process.Output}");
        }

        process.Process.WaitForExit(); // drains the output readers
        return process;
    }

    /// <summary>
    /// Runs the host behind a watchdog, as the Dockerfile does: <see cref="WatchdogEmulator"/> (or the fwatchdog named
    /// by <see cref="RealWatchdogVariable"/>) as PID 1 of a new PID namespace (<c>unshare --pid --fork</c>), with
    /// the host as its child. When the watchdog exits, the kernel kills the host, whatever it was doing, exactly as
    /// in a container. The watchdog and the host share <paramref name="environment"/>, as in a container; the
    /// template's export defaults apply unless a test sets them.
    /// </summary>
    public static async Task<PublishedHost> StartUnderWatchdogAsync(IDictionary<string, string?> environment)
    {
        var output = await Published.Value;
        var (hostPort, watchdogPort) = (FreePort.Next(), FreePort.Next());
        var scratch = Directory.CreateTempSubdirectory("csharp-otel-watchdog-").FullName;
        var merged = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{hostPort}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["mode"] = "http",
            ["fprocess"] = Path.Combine(output, "FunctionHost"),
            ["upstream_url"] = $"http://127.0.0.1:{hostPort}",
            ["port"] = watchdogPort.ToString(CultureInfo.InvariantCulture),
            ["TMPDIR"] = scratch, // the real watchdog's lock file
        };
        foreach (var (key, value) in environment)
        {
            merged[key] = value;
        }

        string[] watchdog = RealWatchdog is { } real
            ? [real]
            : [Dotnet.Executable, typeof(WatchdogEmulator).Assembly.Location, "watchdog"];
        var process = ChildProcess.Start("unshare", output, merged, ["--pid", "--fork", "--kill-child", .. watchdog]);
        var pid1 = await NamespaceInitAsync(process);
        var host = new PublishedHost(process, watchdogPort, merged, pid1, scratch);
        await process.WaitForHttpAsync($"http://127.0.0.1:{hostPort}/_/health", TimeSpan.FromSeconds(30));
        await process.WaitForHttpAsync(host.Url + "/_/health", TimeSpan.FromSeconds(10));
        return host;
    }

    /// <summary>The watchdog: the child of <c>unshare --fork</c>, PID 1 in its namespace.</summary>
    private static async Task<int> NamespaceInitAsync(ChildProcess unshare)
    {
        var pid = unshare.Process.Id;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (unshare.Process.HasExited)
            {
                unshare.Process.WaitForExit();
                throw new InvalidOperationException(
                    $"unshare --pid --fork exited {unshare.Process.ExitCode}: these tests run the watchdog as PID 1 of its own PID namespace, " +
                    $"which needs root (or unprivileged user namespaces) and util-linux's unshare:\n{unshare.Output}");
            }

            try
            {
                var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (children is [var child, ..])
                {
                    return int.Parse(child, CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"unshare started no child within 10 s:\n{unshare.Output}");
    }

    /// <summary>
    /// Sends a real signal: SIGTERM (of-watchdog forwards it at once) or SIGINT (a terminal's Ctrl+C) to the host,
    /// or, behind a watchdog, to the watchdog, as the container runtime does.
    /// </summary>
    public void Signal(string signal)
    {
        var target = (_signalTarget ?? Process.Process.Id).ToString(CultureInfo.InvariantCulture);
        using var kill = System.Diagnostics.Process.Start("kill", ["-s", signal, target]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {target} exited {kill.ExitCode}");
        }
    }

    /// <summary>Waits for the process to exit and returns how long that took from <paramref name="since"/>.</summary>
    public async Task<TimeSpan> WaitForExitAsync(Stopwatch since, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The host did not exit within {timeout}:\n{Output}");
        }

        var elapsed = since.Elapsed;
        Process.Process.WaitForExit(); // drains the output readers
        return elapsed;
    }

    /// <summary>The process's peak resident set size so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Process.Process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("VmHWM not found");
    }

    /// <summary>Polls the output until <paramref name="text"/> appears.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout)
        => Poll.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal), timeout,
            () => $"\"{text}\" did not appear in the host output:\n{Output}");

    private static async Task<string> PublishAsync()
    {
        // One publish serves every test of the run, so nothing disposes it; the test host is often ended without
        // running exit handlers, so earlier runs' folders are removed here instead.
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "csharp-otel-layout-*"))
        {
            if (Directory.Exists(Path.Combine(stale, "build", LayoutName)) &&
                Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddMinutes(-30))
            {
                try
                {
                    Directory.Delete(stale, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        _layout = new FaasCliLayout();
        var context = _layout.Shrinkwrap(LayoutName, Path.Combine(RepositoryPaths.Root, "tests", "CSharpOtel.Tests", "Lifecycle", "TestFunction"));
        return await Dotnet.PublishHostAsync(context);
    }

    public void Dispose()
    {
        Process.Dispose();
        if (_scratch is not null)
        {
            try
            {
                Directory.Delete(_scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
