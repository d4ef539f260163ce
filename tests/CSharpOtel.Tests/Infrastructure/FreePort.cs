using System.Net;
using System.Net.Sockets;

namespace CSharpOtel.Tests.Infrastructure;

public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): a port asked of the kernel with port 0 is one that any outgoing
    // connection of a test running alongside may take before the child process binds it, and the kernel may hand
    // the same port to two consecutive askers once the first listener is closed.
    private const int First = 20000;
    private const int Count = 12000;

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port free at the moment of asking and never handed out before in this test run (for processes that
    /// cannot be told to use port 0 and report the port they got).
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < Count; attempt++)
            {
                var port = First + Random.Shared.Next(Count);
                if (HandedOut.Contains(port) || !CanBind(port)) continue;
                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port between {First} and {First + Count - 1}");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
