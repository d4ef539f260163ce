using System.Net.Sockets;
using System.Text;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// Sends one HTTP/1.1 request over a plain socket, headers exactly as given. Propagation tests need this: an
/// HttpClient in the test process is instrumented by the host's TracerProvider and would replace the headers
/// under test with its own client span's context.
/// </summary>
public static class RawHttp
{
    /// <returns>The response status code.</returns>
    public static async Task<int> GetAsync(Uri baseAddress, string path, IEnumerable<(string Name, string Value)> headers)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = tcp.GetStream();

        var request = new StringBuilder();
        request.Append("GET ").Append(path).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(baseAddress.Authority).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var statusLine = await reader.ReadLineAsync() ?? throw new IOException("No response.");
        await reader.ReadToEndAsync();
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
