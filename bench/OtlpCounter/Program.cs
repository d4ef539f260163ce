// bench/OtlpCounter: a count-only OTLP trace receiver for bench/run.sh (see bench/README.md).
//   OtlpCounter --http-port 4318 --grpc-port 4317
// http/protobuf: POST /v1/traces on the HTTP/1.1 port. gRPC: TraceService/Export over h2c on the gRPC port.
// GET /count on either port answers "spans requests bytes rejected" as plain text.
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OtlpCounter;

var httpPort = PortArgument(args, "--http-port", 4318);
var grpcPort = PortArgument(args, "--grpc-port", 4317);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = 256 * 1024 * 1024;
    kestrel.ListenLocalhost(httpPort, listen => listen.Protocols = HttpProtocols.Http1);
    // gRPC clients speak HTTP/2 with prior knowledge on a cleartext port: the endpoint must be HTTP/2 only.
    kestrel.ListenLocalhost(grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
});

var app = builder.Build();
var totals = new Totals();

app.MapGet("/count", context => context.Response.WriteAsync(totals.ToString()));

app.MapPost("/v1/traces", async context =>
{
    using var body = await ReadBodyAsync(context.Request);
    var spans = SpanCounter.Count(body.Span);
    totals.Add(spans, body.Length);
    if (spans < 0)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    // An empty ExportTraceServiceResponse is zero bytes.
    context.Response.ContentType = "application/x-protobuf";
});

app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", async context =>
{
    using var body = await ReadBodyAsync(context.Request);
    var spans = -1L;
    // One length-prefixed message: 1 byte "compressed" flag (0 here: the .NET exporter does not compress), 4 bytes length.
    if (body.Length >= 5 && body.Span[0] == 0 && BinaryPrimitives.ReadUInt32BigEndian(body.Span[1..5]) == body.Length - 5)
    {
        spans = SpanCounter.Count(body.Span[5..]);
    }

    totals.Add(spans, body.Length);
    context.Response.ContentType = "application/grpc";
    if (spans >= 0)
    {
        await context.Response.Body.WriteAsync(new byte[5]);   // an empty ExportTraceServiceResponse, framed
    }

    context.Response.AppendTrailer("grpc-status", spans >= 0 ? "0" : "13");
});

Console.WriteLine($"otlp-counter listening: http/protobuf 127.0.0.1:{httpPort}, grpc 127.0.0.1:{grpcPort}");
app.Run();

static int PortArgument(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var port) ? port : fallback;
}

static async Task<PooledBody> ReadBodyAsync(HttpRequest request)
{
    Stream source = request.Body;
    if (string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
    {
        source = new GZipStream(source, CompressionMode.Decompress);
    }

    var body = new PooledBody((int)(request.ContentLength ?? 64 * 1024));
    await body.FillAsync(source);
    return body;
}
