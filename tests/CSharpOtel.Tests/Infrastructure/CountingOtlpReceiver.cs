using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// A small real OTLP receiver on real Kestrel for traces, metrics and logs: OTLP/HTTP (HTTP/1.1) on one port and
/// OTLP/gRPC (HTTP/2 cleartext) on another, both fixed for its lifetime, so it can be stopped (connections aborted,
/// port closed: connection refused) and started again on the same ports as a restarting collector is. It records
/// the trace id of every span and log record it accepts, in arrival order, and every data point of the sums
/// (counters), and counts every export attempt with its items; on command it answers with an HTTP status (and the
/// gRPC status a gRPC server would send for it), optionally with Retry-After / RetryInfo. Unlike the Aspire
/// Dashboard it keeps everything and restarts in milliseconds.
/// </summary>
public sealed class CountingOtlpReceiver : IAsyncDisposable
{
    private static readonly string[] Signals = ["traces", "metrics", "logs"];
    private static readonly string[] GrpcServices = ["trace.v1.TraceService", "metrics.v1.MetricsService", "logs.v1.LogsService"];
    private readonly ConcurrentQueue<string> _traceIds = new();
    private readonly ConcurrentQueue<string> _logTraceIds = new();
    private readonly ConcurrentQueue<SumPoint> _sumPoints = new();
    private readonly ConcurrentQueue<(DateTime At, int Status, string Signal, int Items)> _attempts = new();
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

    /// <summary>Trace ids of the log records accepted (empty for a record written outside a trace), in arrival order.</summary>
    public IReadOnlyList<string> LogTraceIds => _logTraceIds.ToList();

    /// <summary>The data points of every sum (counter) accepted, resent ones included.</summary>
    public IReadOnlyList<SumPoint> SumPoints => _sumPoints.ToList();

    /// <summary>Every export request received (signal: traces, metrics or logs), with the status it was answered and its item count.</summary>
    public IReadOnlyList<(DateTime At, int Status, string Signal, int Items)> Attempts => _attempts.ToList();

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
        for (var i = 0; i < Signals.Length; i++)
        {
            var signal = Signals[i];
            app.MapPost("/v1/" + signal, context => ReceiveAsync(context, grpc: false, signal));
            app.MapPost($"/opentelemetry.proto.collector.{GrpcServices[i]}/Export", context => ReceiveAsync(context, grpc: true, signal));
        }

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

    private async Task ReceiveAsync(HttpContext context, bool grpc, string signal)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var message = body.ToArray().AsMemory();
        if (grpc)
        {
            message = message[5..]; // the gRPC frame: compression flag, then a four-byte length
        }

        var status = _status;
        _attempts.Enqueue((DateTime.UtcNow, status, signal, Items(message).Count()));
        if (status != 200)
        {
            await RefuseAsync(context, grpc, status, _retryAfter);
            return;
        }

        switch (signal)
        {
            case "traces":
                SpanTraceIds(message).ForEach(_traceIds.Enqueue);
                break;
            case "logs":
                // LogRecord: trace_id (9).
                Items(message).Select(record => Id(record, 9)).ToList().ForEach(_logTraceIds.Enqueue);
                break;
            default:
                SumPointsOf(message).ForEach(_sumPoints.Enqueue);
                break;
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
    /// The trace id of every span in an ExportTraceServiceRequest: spans (see <see cref="Items"/>) → trace_id (1).
    /// Written independently of the host's counter, so the tests check it.
    /// </summary>
    public static List<string> SpanTraceIds(ReadOnlyMemory<byte> request)
        => Items(request).Select(span => Id(span, 1)).ToList();

    private static string Id(ReadOnlyMemory<byte> item, int field) => Fields(item, field).Select(id => Convert.ToHexStringLower(id.Span)).FirstOrDefault() ?? "";

    /// <summary>
    /// The items of an export request of any signal: resource_spans / resource_metrics / resource_logs (1) →
    /// scope_* (2) → spans / metrics / log_records (2).
    /// </summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Items(ReadOnlyMemory<byte> request)
        => Fields(request, 1).SelectMany(resource => Fields(resource, 2)).SelectMany(scope => Fields(scope, 2));

    /// <summary>
    /// The data points of every sum in an ExportMetricsServiceRequest: Metric name (1), sum (7) → data_points (1),
    /// aggregation_temporality (2, 1 = delta); NumberDataPoint start_time_unix_nano (2), time_unix_nano (3), as_int (6).
    /// </summary>
    private static List<SumPoint> SumPointsOf(ReadOnlyMemory<byte> request)
    {
        var points = new List<SumPoint>();
        foreach (var metric in Items(request))
        {
            var name = Fields(metric, 1).Select(n => System.Text.Encoding.UTF8.GetString(n.Span)).FirstOrDefault() ?? "";
            foreach (var sum in Fields(metric, 7))
            {
                var delta = Scalars(sum, 2).FirstOrDefault() == 1;
                foreach (var point in Fields(sum, 1))
                {
                    var fixed64 = Scalars(point, 2, 3, 6).ToList();
                    points.Add(new SumPoint(name, delta, fixed64[0], fixed64[1], (long)fixed64[2]));
                }
            }
        }

        return points;
    }

    /// <summary>The varint or fixed64 values of the fields numbered <paramref name="wanted"/>, in that order (0 for an absent one).</summary>
    private static IEnumerable<ulong> Scalars(ReadOnlyMemory<byte> message, params int[] wanted)
    {
        var values = new ulong[wanted.Length];
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var index = Array.IndexOf(wanted, (int)(tag >> 3));
            ulong value;
            switch ((int)(tag & 7))
            {
                case 0:
                    value = ReadVarint(message.Span, ref position);
                    break;
                case 1:
                    value = BitConverter.ToUInt64(message.Span.Slice(position, 8));
                    position += 8;
                    break;
                case 5:
                    value = BitConverter.ToUInt32(message.Span.Slice(position, 4));
                    position += 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    value = 0;
                    position += length;
                    break;
                default:
                    throw new InvalidDataException("unexpected wire type " + (tag & 7));
            }

            if (index >= 0)
            {
                values[index] = value;
            }
        }

        return values;
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

/// <summary>One data point of a sum: its metric, whether it is a delta, its interval and its value.</summary>
public sealed record SumPoint(string Metric, bool Delta, ulong StartTime, ulong Time, long Value);
