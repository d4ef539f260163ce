using System.Collections.Concurrent;
using System.Diagnostics;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>A real child process whose output is kept for assertions and failure messages; killed on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Output => string.Join('\n', _output);

    public static ChildProcess Start(string fileName, string workingDirectory, IDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // dotnet test exports MSBuild's own locations; a nested dotnet build must find its own.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child._output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to completion and fails with its output when it does not exit 0.</summary>
    public static async Task<string> RunAsync(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var child = Start(fileName, workingDirectory, new Dictionary<string, string?>(), arguments);
        using var cts = new CancellationTokenSource(timeout);
        await child.Process.WaitForExitAsync(cts.Token);
        child.Process.WaitForExit(); // drains the asynchronous output readers
        if (child.Process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {child.Process.ExitCode}:\n{child.Output}");
        }

        return child.Output;
    }

    /// <summary>Polls <paramref name="url"/> until it answers, or fails with the process output.</summary>
    public async Task WaitForHttpAsync(string url, TimeSpan timeout)
    {
        using var client = new HttpClient(new UntracedHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(
            async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"Process exited with {Process.ExitCode} before answering:\n{Output}");
                }

                try
                {
                    using var response = await client.GetAsync(url);
                    return true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            timeout, () => $"{url} did not answer:\n{Output}");
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        Process.Dispose();
    }
}
