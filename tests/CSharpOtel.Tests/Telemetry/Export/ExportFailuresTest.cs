using System.Net;
using System.Net.Sockets;
using System.Resources;
using FunctionHost.Telemetry.Export;

namespace CSharpOtel.Tests.Telemetry.Export;

/// <summary>The OTLP specification's retryable and non-retryable answers, and the hints the warning gives.</summary>
public sealed class ExportFailuresTest
{
    [Theory]
    [InlineData(429, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(413, false)]
    [InlineData(500, false)] // the specification lists only 429, 502, 503 and 504 as retryable
    public void HttpStatus_RetryableOnlyAsTheSpecificationSays(int status, bool retryable)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        var verdict = ExportFailures.Of(response, ExportSignal.Traces, grpc: false);
        Assert.NotNull(verdict);
        Assert.Equal(retryable, verdict.Retryable);
    }

    [Fact]
    public void Http404_HintNamesTheAppendedPath()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound);
        Assert.Contains("gets /v1/logs appended", ExportFailures.Of(response, ExportSignal.Logs, grpc: false)!.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("traces", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")]
    [InlineData("metrics", "OTEL_METRIC_EXPORT_MAX_BATCH_SIZE")]
    [InlineData("logs", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE")]
    public void Http413_HintNamesTheSignalsBatchSize(string signal, string variable)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge);
        var export = new[] { ExportSignal.Traces, ExportSignal.Metrics, ExportSignal.Logs }.Single(s => s.Name == signal);
        Assert.EndsWith("lower " + variable, ExportFailures.Of(response, export, grpc: false)!.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("14", null, true)]  // UNAVAILABLE
    [InlineData("4", null, true)]   // DEADLINE_EXCEEDED
    [InlineData("8", null, false)]  // RESOURCE_EXHAUSTED without RetryInfo: the collector did not say it will recover
    [InlineData("8", 5, true)]      // ... with RetryInfo
    [InlineData("3", null, false)]  // INVALID_ARGUMENT
    [InlineData("16", null, false)] // UNAUTHENTICATED
    public void GrpcStatus_RetryableOnlyAsTheSpecificationSays(string code, int? retryAfterSeconds, bool retryable)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("grpc-status", code);
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.TryAddWithoutValidation("grpc-status-details-bin",
                Convert.ToBase64String(Infrastructure.CountingOtlpReceiver.RetryInfoStatus(8, TimeSpan.FromSeconds(seconds))));
        }

        var verdict = ExportFailures.Of(response, ExportSignal.Traces, grpc: true);
        Assert.NotNull(verdict);
        Assert.Equal(retryable, verdict.Retryable);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, verdict.RetryAfter);
    }

    [Fact]
    public void GrpcOk_IsSuccess()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("grpc-status", "0");
        Assert.Null(ExportFailures.Of(response, ExportSignal.Traces, grpc: true));
    }

    [Fact]
    public void ConnectionRefused_Retryable_InWords()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
        var verdict = ExportFailures.Of(refused, TimeSpan.FromSeconds(10), grpc: false, everDelivered: false);
        Assert.True(verdict.Retryable);
        Assert.Equal("connection refused", verdict.Cause);
    }

    [Fact]
    public void ProtocolError_MismatchBeforeFirstDelivery_RestartAfter()
    {
        var garbled = new HttpRequestException(HttpRequestError.InvalidResponse, "invalid response");
        var before = ExportFailures.Of(garbled, TimeSpan.FromSeconds(10), grpc: false, everDelivered: false);
        Assert.False(before.Retryable);
        Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc", before.Hint, StringComparison.Ordinal);
        Assert.True(ExportFailures.Of(garbled, TimeSpan.FromSeconds(10), grpc: false, everDelivered: true).Retryable);
    }

    [Fact]
    public void UnfinishedHttp2Handshake_MismatchBeforeFirstDelivery_RestartAfter()
    {
        // What SocketsHttpHandler throws, now and then, for HTTP/2 sent to an HTTP/1.1-only port: the server's GOAWAY
        // shut the new connection before the request had a stream. No HttpRequestError, no inner exception; the
        // message is the runtime's own, so a change of its wording fails here.
        var message = new ResourceManager("FxResources.System.Net.Http.SR", typeof(HttpClient).Assembly).GetString("net_http_http2_connection_not_established");
        Assert.NotNull(message);
        var handshake = new HttpRequestException(message);

        var before = ExportFailures.Of(handshake, TimeSpan.FromSeconds(10), grpc: true, everDelivered: false);
        Assert.False(before.Retryable);
        Assert.Equal("the endpoint does not speak OTLP/gRPC (HTTP/2)", before.Cause);
        Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", before.Hint, StringComparison.Ordinal);
        Assert.True(ExportFailures.Of(handshake, TimeSpan.FromSeconds(10), grpc: true, everDelivered: true).Retryable);
    }
}
