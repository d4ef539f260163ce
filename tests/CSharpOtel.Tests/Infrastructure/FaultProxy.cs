using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on a fixed loopback port in front of a real OTLP receiver that misbehaves on command: it forwards,
/// black-holes (accepts and never answers), forwards slowly, answers 503, or is down (connection refused) and
/// comes back on the same port. Changing the fault closes every open connection, so it applies at once.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    public enum Fault
    {
        None,
        BlackHole,
        Slow,
        ServiceUnavailable,
        Down,
    }

    private readonly int _upstreamPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private readonly object _gate = new();
    private TcpListener? _listener;
    private volatile Fault _fault;

    public FaultProxy(Uri upstream)
    {
        _upstreamPort = upstream.Port;
        Port = FreePort.Next();
        Listen();
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>How long the slow fault holds each connection before forwarding.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(3);

    public void Set(Fault fault)
    {
        lock (_gate)
        {
            _fault = fault;
            CloseAll();
            if (fault == Fault.Down)
            {
                _listener?.Stop();
                _listener = null;
            }
            else if (_listener is null)
            {
                Listen();
            }
        }
    }

    private void Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _ = AcceptLoopAsync(listener);
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _connections[client] = 0;
            _ = ServeAsync(client, _fault);
        }
    }

    private async Task ServeAsync(TcpClient client, Fault fault)
    {
        try
        {
            var stream = client.GetStream();
            switch (fault)
            {
                case Fault.BlackHole:
                    var sink = new byte[16 * 1024];
                    while (await stream.ReadAsync(sink) > 0)
                    {
                    }

                    break;
                case Fault.ServiceUnavailable:
                    await AnswerEveryRequestAsync(stream, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                    break;
                case Fault.Slow:
                    await Task.Delay(SlowDelay);
                    await ForwardAsync(stream);
                    break;
                default:
                    await ForwardAsync(stream);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private async Task ForwardAsync(NetworkStream downstream)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
        var upstreamStream = upstream.GetStream();
        var a = downstream.CopyToAsync(upstreamStream);
        var b = upstreamStream.CopyToAsync(downstream);
        await Task.WhenAny(a, b);
    }

    /// <summary>Reads HTTP/1.1 requests (headers, then Content-Length bytes) and answers each with <paramref name="response"/>.</summary>
    private static async Task AnswerEveryRequestAsync(NetworkStream stream, byte[] response)
    {
        var buffer = new List<byte>();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0)
            {
                return;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
            while (true)
            {
                var text = Encoding.ASCII.GetString(buffer.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                var length = 0;
                foreach (var line in text[..end].Split("\r\n"))
                {
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    {
                        length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                if (buffer.Count < end + 4 + length)
                {
                    break;
                }

                buffer.RemoveRange(0, end + 4 + length);
                await stream.WriteAsync(response);
            }
        }
    }

    private void CloseAll()
    {
        foreach (var client in _connections.Keys)
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            CloseAll();
        }
    }
}
