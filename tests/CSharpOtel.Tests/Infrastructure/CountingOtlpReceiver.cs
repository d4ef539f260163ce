using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// A small real OTLP trace receiver on real Kestrel: OTLP/HTTP (HTTP/1.1) on one port and OTLP/gRPC (HTTP/2
/// cleartext) on another, both fixed for its lifetime, so it can be stopped (connections aborted, port closed:
/// connection refused) and started again on the same ports as a restarting collector is. It records the trace id
/// of every span it accepts, in arrival order, and counts every export attempt; on command it answers with an
/// HTTP status (and the gRPC status a gRPC server would send for it), optionally with Retry-After / RetryInfo.
/// Unlike the Aspire Dashboard it keeps every span and restarts in milliseconds.
/// </summary>
public sealed class CountingOtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _traceIds = new();
    private readonly ConcurrentQueue<(DateTime At, int Status)> _attempts = new();
    private WebApplication? _app;
    private volatile int _status = 200;
    private TimeSpan? _retryAfter;

    private CountingOtlpReceiver()
    {
        HttpPort = FreePort.Next();
        GrpcPort = FreePort.Next();
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public string HttpEndpoint => $"http://127.0.0.1:{HttpPort}";

    public string GrpcEndpoint => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>Trace ids of the spans accepted, in the order they arrived.</summary>
    public IReadOnlyList<string> TraceIds => _traceIds.ToList();

    /// <summary>Every export request received, with the status it was answered.</summary>
    public IReadOnlyList<(DateTime At, int Status)> Attempts => _attempts.ToList();

    public static async Task<CountingOtlpReceiver> StartAsync()
    {
        var receiver = new CountingOtlpReceiver();
        await receiver.StartAgainAsync();
        return receiver;
    }

    /// <summary>From now on, answer every export with <paramref name="status"/> (200 accepts).</summary>
    public void Answer(int status, TimeSpan? retryAfter = null)
    {
        _retryAfter = retryAfter;
        _status = status;
    }

    /// <summary>Stops listening at once, aborting open connections: exports now get connection refused.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            using var now = new CancellationTokenSource();
            await now.CancelAsync();
            await app.StopAsync(now.Token);
            await app.DisposeAsync();
        }
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, HttpPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, GrpcPort, o => o.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.MapPost("/v1/traces", context => ReceiveAsync(context, grpc: false));
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => ReceiveAsync(context, grpc: true));
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Polls until every id in <paramref name="traceIds"/> has arrived, or the timeout passes.</summary>
    public async Task<int> WaitForAsync(IReadOnlyCollection<string> traceIds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var arrived = TraceIds.ToHashSet();
            var count = traceIds.Count(arrived.Contains);
            if (count == traceIds.Count || DateTime.UtcNow > deadline)
            {
                return count;
            }

            await Task.Delay(200);
        }
    }

    private async Task ReceiveAsync(HttpContext context, bool grpc)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var status = _status;
        _attempts.Enqueue((DateTime.UtcNow, status));
        if (status != 200)
        {
            await RefuseAsync(context, grpc, status, _retryAfter);
            return;
        }

        var message = body.ToArray().AsMemory();
        if (grpc)
        {
            message = message[5..]; // the gRPC frame: compression flag, then a four-byte length
        }

        foreach (var traceId in SpanTraceIds(message))
        {
            _traceIds.Enqueue(traceId);
        }

        if (grpc)
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5]); // an empty ExportTraceServiceResponse
            context.Response.AppendTrailer("grpc-status", "0");
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
        }
    }

    private static async Task RefuseAsync(HttpContext context, bool grpc, int status, TimeSpan? retryAfter)
    {
        if (!grpc)
        {
            context.Response.StatusCode = status;
            if (retryAfter is { } delay)
            {
                context.Response.Headers.RetryAfter = ((int)delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return;
        }

        // A trailers-only gRPC answer: HTTP 200 with grpc-status in the headers (the HTTP-to-gRPC mapping of the status).
        var code = status switch { 401 => 16, 403 => 7, 404 => 12, 429 => 8, _ => 14 };
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = "test receiver answers " + status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(RetryInfoStatus(code, wait));
        }

        await context.Response.Body.FlushAsync();
    }

    /// <summary>google.rpc.Status{code, details: [Any{type_url: google.rpc.RetryInfo, value: RetryInfo{retry_delay: Duration{seconds}}}]}.</summary>
    public static byte[] RetryInfoStatus(int code, TimeSpan delay)
    {
        var duration = Concat([0x08], Varint((ulong)delay.TotalSeconds));
        var retryInfo = Field(1, duration);
        var any = Concat(Field(1, "type.googleapis.com/google.rpc.RetryInfo"u8.ToArray()), Field(2, retryInfo));
        return Concat(Concat([0x08], Varint((ulong)code)), Field(3, any));
    }

    private static byte[] Field(int number, byte[] payload) => Concat(Concat([(byte)((number << 3) | 2)], Varint((ulong)payload.Length)), payload);

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    /// <summary>
    /// The trace id of every span in an ExportTraceServiceRequest: resource_spans (1) → scope_spans (2) →
    /// spans (2) → trace_id (1). Written independently of the host's counter, so the tests check it.
    /// </summary>
    public static List<string> SpanTraceIds(ReadOnlyMemory<byte> request)
    {
        var ids = new List<string>();
        foreach (var resource in Fields(request, 1))
        {
            foreach (var scope in Fields(resource, 2))
            {
                foreach (var span in Fields(scope, 2))
                {
                    ids.Add(Fields(span, 1).Select(id => Convert.ToHexStringLower(id.Span)).FirstOrDefault() ?? "");
                }
            }
        }

        return ids;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int wanted)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            switch ((int)(tag & 7))
            {
                case 0:
                    ReadVarint(message.Span, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    if ((int)(tag >> 3) == wanted)
                    {
                        yield return message.Slice(position, length);
                    }

                    position += length;
                    break;
                default:
                    throw new InvalidDataException("unexpected wire type " + (tag & 7));
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
