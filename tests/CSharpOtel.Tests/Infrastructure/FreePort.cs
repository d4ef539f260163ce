using System.Net;
using System.Net.Sockets;

namespace CSharpOtel.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>A loopback port free at the moment of asking (for processes that cannot be told to use port 0).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
