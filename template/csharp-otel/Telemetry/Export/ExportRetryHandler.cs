using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.ExceptionServices;

namespace FunctionHost.Telemetry.Export;

/// <summary>
/// Sends one signal's OTLP export requests through the SDK's own HttpClient and, when an attempt fails in a way
/// that can pass (collector restarting, away, busy), sends the same bytes again with exponential backoff and
/// jitter, honouring Retry-After and gRPC RetryInfo, for up to <see cref="ExportMonitor.RetryTimeout"/>.
/// </summary>
/// <remarks>
/// It runs on the batch processor's exporter thread, so while it waits, newer data waits in the processor's
/// bounded queue (OTEL_BSP_MAX_QUEUE_SIZE): batches go out in order, memory stays bounded, overflow is counted by
/// the SDK, and no request ever waits. The OTLP exporter (1.20, 1.21) sends both http/protobuf and gRPC over the
/// HttpClient of <c>OtlpExporterOptions.HttpClientFactory</c>, and the request body is its serialized buffer,
/// which can be sent again: so this is the smallest layer that retries (a wrapping exporter could not, since a
/// Batch cannot be exported twice). The SDK's exporters send HTTP/1.1 synchronously, so both Send and SendAsync
/// are implemented. The items of each batch are counted once (per batch, never per request) so the summary and
/// the shutdown report speak in spans.
/// Since 1.21 the SDK also cancels the token it passes down when its own export deadline passes (the smaller of
/// OTEL_EXPORTER_OTLP_TIMEOUT and OTEL_BSP_EXPORT_TIMEOUT): that token would end every retry after 10 s, shorter
/// than a collector restart, so it is not used. An attempt is bounded by the SDK client's own timeout
/// (OTEL_EXPORTER_OTLP_TIMEOUT), the retries by the retry timeout, and both by <see cref="ExportMonitor.Stopping"/>.
/// </remarks>
internal sealed class ExportRetryHandler(HttpClient sdkClient, SignalExport export, ExportMonitor monitor, bool grpc) : HttpMessageHandler
{
    /// <summary>First retry after about a second, doubling to at most five: a collector restart is seen within seconds.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Bodies beyond this are not kept for the next batch's count.</summary>
    private const int KeptBufferLimit = 16 * 1024 * 1024;

    private readonly string _protocol = grpc ? "grpc" : "http/protobuf";
    private MemoryStream? _body;

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken exportDeadline)
        => SendCoreAsync(request, sync: true).AsTask().GetAwaiter().GetResult();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken exportDeadline)
        => SendCoreAsync(request, sync: false).AsTask();

    private async ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool sync)
    {
        var stopping = monitor.Stopping;
        var endpoint = Describe(request.RequestUri);
        var count = await CountAsync(request.Content, sync, stopping);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage? response = null;
            Exception? error = null;
            ExportVerdict? verdict;
            try
            {
                var copy = Copy(request);
                response = sync
                    ? sdkClient.Send(copy, HttpCompletionOption.ResponseHeadersRead, stopping)
                    : await sdkClient.SendAsync(copy, HttpCompletionOption.ResponseHeadersRead, stopping);
                if (grpc && response.IsSuccessStatusCode && !response.Headers.Contains("grpc-status"))
                {
                    // The status of a gRPC call is in the trailers, which follow the body.
                    await response.Content.LoadIntoBufferAsync(stopping);
                }

                verdict = ExportFailures.Of(response, export.Signal, grpc);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The shutdown's flush budget is spent.
                response?.Dispose();
                export.OnGaveUp(count, shutdown: true);
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                response?.Dispose();
                response = null;
                error = e;
                verdict = ExportFailures.Of(e, sdkClient.Timeout, grpc, export.EverDelivered);
            }

            if (verdict is null)
            {
                export.OnDelivered(count, endpoint);
                return response!;
            }

            if (!verdict.Retryable)
            {
                export.OnRejected(count, verdict, endpoint, _protocol);
                return Fail(response, error);
            }

            var remaining = monitor.RetryTimeout - Stopwatch.GetElapsedTime(started);
            var delay = verdict.RetryAfter ?? Backoff(attempt);
            if (stopping.IsCancellationRequested || delay > remaining)
            {
                export.OnGaveUp(count, shutdown: stopping.IsCancellationRequested);
                return Fail(response, error);
            }

            export.OnRetrying(verdict, endpoint, _protocol);
            response?.Dispose();
            if (await WaitAsync(delay, sync, stopping))
            {
                export.OnGaveUp(count, shutdown: true);
                return Fail(null, error ?? new HttpRequestException(verdict.Cause));
            }
        }
    }

    /// <summary>Exponential backoff with ±25 % jitter, so replicas that lost the same collector do not retry in step.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var nominal = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 10)));
        return TimeSpan.FromMilliseconds(nominal * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>True when the wait was cut short (shutdown).</summary>
    private static async ValueTask<bool> WaitAsync(TimeSpan delay, bool sync, CancellationToken cancellationToken)
    {
        if (sync)
        {
            return cancellationToken.WaitHandle.WaitOne(delay);
        }

        try
        {
            await Task.Delay(delay, cancellationToken);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private static HttpResponseMessage Fail(HttpResponseMessage? response, Exception? error)
    {
        if (response is not null)
        {
            return response;
        }

        ExceptionDispatchInfo.Throw(error!);
        return null!;
    }

    /// <summary>A message can be sent once; each attempt sends a fresh one over the same content (the SDK's buffer).</summary>
    private static HttpRequestMessage Copy(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
            Content = request.Content,
        };
        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        return copy;
    }

    /// <summary>The endpoint as the log may show it: scheme, host, port and path; never user information or query.</summary>
    public static string Describe(Uri? uri)
        => uri is null ? "(no endpoint)" : uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private async ValueTask<int> CountAsync(HttpContent? content, bool sync, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return -1;
        }

        var buffer = Interlocked.Exchange(ref _body, null) ?? new MemoryStream();
        try
        {
            buffer.SetLength(0);
            if (sync)
            {
                content.CopyTo(buffer, null, cancellationToken);
            }
            else
            {
                await content.CopyToAsync(buffer, cancellationToken);
            }

            var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var compressed = content.Headers.ContentEncoding.Contains("gzip");
            if (grpc)
            {
                // The gRPC frame: one compression flag byte and a four-byte length before the message.
                if (body.Length < 5)
                {
                    return -1;
                }

                compressed = body[0] == 1;
                body = body[5..];
            }

            return compressed ? CountCompressed(body.ToArray()) : OtlpItemCounter.Count(body);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException)
        {
            return -1;
        }
        finally
        {
            if (buffer.Capacity <= KeptBufferLimit)
            {
                Volatile.Write(ref _body, buffer);
            }
        }
    }

    private static int CountCompressed(byte[] body)
    {
        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return OtlpItemCounter.Count(output.GetBuffer().AsSpan(0, (int)output.Length));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sdkClient.Dispose();
        }

        base.Dispose(disposing);
    }
}
