using System.Diagnostics;
using System.Globalization;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The host published once per test run (faas-cli's shrinkwrap layout, with the lifecycle tests' function) and
/// started as a real child process, which these tests signal as of-watchdog does.
/// </summary>
public sealed class PublishedHost : IDisposable
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);
    private const string LayoutName = "lifecycle-fn";
    private static FaasCliLayout? _layout;

    private PublishedHost(ChildProcess process, int port)
    {
        Process = process;
        Url = $"http://127.0.0.1:{port}";
    }

    public ChildProcess Process { get; }

    public string Url { get; }

    public string Output => Process.Output;

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
        var host = new PublishedHost(process, port);
        await process.WaitForHttpAsync(host.Url + "/_/health", TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Sends a real SIGTERM (of-watchdog forwards it at once) or SIGINT (a terminal's Ctrl+C) to the host.</summary>
    public void Signal(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-s", signal, Process.Process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {Process.Process.Id} exited {kill.ExitCode}");
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

    public void Dispose() => Process.Dispose();
}
