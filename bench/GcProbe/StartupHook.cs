using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly. With BENCH_GC_PORT set it
/// listens on that loopback TCP port (bash reads it through /dev/tcp) and answers each connection with one line:
/// <c>allocated_bytes gen0 gen1 gen2 pause_ms jit_methods jit_ms</c>. Its own allocations are subtracted, so an
/// idle host reads flat. The JIT figures (methods compiled so far and the time spent compiling them) say how much
/// start-up work ReadyToRun left to the JIT: read right after the first answer, they do not depend on the load.
/// </summary>
#pragma warning disable CA1050 // The runtime looks the hook up by this exact name in the global namespace.
public static class StartupHook
#pragma warning restore CA1050
{
    private static long s_ownBytes;

    public static void Initialize()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_ALLOC_TYPES_PORT"), out var typesPort))
        {
            var sampler = new AllocationSampler();
            var typesListener = Listen(typesPort);
            new Thread(() => ServeTypes(typesListener, sampler)) { IsBackground = true, Name = "bench-alloc-types" }.Start();
        }

        if (!int.TryParse(Environment.GetEnvironmentVariable("BENCH_GC_PORT"), out var port))
        {
            return;
        }

        var listener = Listen(port);
        new Thread(() => Serve(listener)) { IsBackground = true, Name = "bench-gc-probe" }.Start();
    }

    /// <summary>A loopback TCP listener for bash's /dev/tcp: each connection gets one answer and is closed.</summary>
    internal static Socket Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(4);
        return listener;
    }

    private static void Serve(Socket listener)
    {
        while (true)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            using (var connection = listener.Accept())
            {
                // Everything this thread allocated up to now is ours, not the host's.
                var total = GC.GetTotalAllocatedBytes(precise: true) - s_ownBytes - (GC.GetAllocatedBytesForCurrentThread() - before);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{total} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:F1} {System.Runtime.JitInfo.GetCompiledMethodCount()} {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0}\n");
                connection.Send(Encoding.ASCII.GetBytes(line));
            }

            s_ownBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    /// <summary>Each connection gets the bytes per type since the previous one, largest first: "bytes share type" per line.</summary>
    private static void ServeTypes(Socket listener, AllocationSampler sampler)
    {
        while (true)
        {
            using var connection = listener.Accept();
            var taken = sampler.Take();
            var total = Math.Max(1, taken.Sum(p => p.Value));
            var text = new StringBuilder();
            foreach (var (type, bytes) in taken)
            {
                text.Append(CultureInfo.InvariantCulture, $"{bytes} {100.0 * bytes / total:F1}% {type}\n");
            }

            connection.Send(Encoding.UTF8.GetBytes(text.ToString()));
        }
    }
}
