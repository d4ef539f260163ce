using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FunctionHost.Telemetry.Export;

/// <summary>
/// Turns the outcome of one export attempt into an <see cref="ExportVerdict"/>: null for success, else the cause
/// in words, a hint, and whether to retry. Retryable, per the OTLP specification: HTTP 429, 502, 503, 504; gRPC
/// CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED when the
/// collector says when to retry; and the network failures of a collector that is away (refused, reset, DNS,
/// timeout). Every other answer is a rejection: sending the same batch again would get the same answer.
/// </summary>
internal static class ExportFailures
{
    private const string HeadersHint = "check OTEL_EXPORTER_OTLP_HEADERS or the headers secret (CSHARP_OTEL_OTLP_HEADERS_SECRET)";
    private const string NotGrpcHint = "is this an OTLP/gRPC endpoint? For OTLP over HTTP set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf";

    public static ExportVerdict? Of(HttpResponseMessage response, ExportSignal signal, bool grpc)
    {
        if (!response.IsSuccessStatusCode)
        {
            return OfHttpStatus((int)response.StatusCode, response.ReasonPhrase, signal, grpc, RetryAfter(response));
        }

        if (!grpc)
        {
            return null;
        }

        var code = GrpcStatus.Read(response, out var retryDelay, out var message);
        if (code is null or GrpcStatus.Ok)
        {
            return null;
        }

        var cause = $"gRPC status {GrpcStatus.Name(code.Value)}" + (string.IsNullOrWhiteSpace(message) ? "" : ": " + Truncate(message));
        return code switch
        {
            1 or 4 or 10 or 11 or 14 or 15 => new ExportVerdict(cause, null, Retryable: true, retryDelay),
            8 => new ExportVerdict(cause, "the collector is overloaded", Retryable: retryDelay is not null, retryDelay),
            7 or 16 => new ExportVerdict(cause, HeadersHint, Retryable: false),
            12 => new ExportVerdict(cause, NotGrpcHint, Retryable: false),
            _ => new ExportVerdict(cause, null, Retryable: false),
        };
    }

    public static ExportVerdict OfHttpStatus(int status, string? reason, ExportSignal signal, bool grpc, TimeSpan? retryAfter)
    {
        var cause = $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {reason ?? ""}".TrimEnd();
        return status switch
        {
            429 or 502 or 503 or 504 => new ExportVerdict(cause, null, Retryable: true, retryAfter),
            401 or 403 => new ExportVerdict(cause, HeadersHint, Retryable: false),
            404 when grpc => new ExportVerdict(cause, NotGrpcHint, Retryable: false),
            404 => new ExportVerdict(cause, $"check the path: OTEL_EXPORTER_OTLP_ENDPOINT gets /{signal.HttpPath} appended, OTEL_EXPORTER_OTLP_{signal.Name.ToUpperInvariant()}_ENDPOINT is used as given", Retryable: false),
            413 => new ExportVerdict(cause, $"the batch is larger than the collector accepts; lower {signal.BatchVariable}", Retryable: false),
            400 or 415 or 505 => new ExportVerdict(cause, ProtocolHint(grpc), Retryable: false),
            _ => new ExportVerdict(cause, null, Retryable: false),
        };
    }

    /// <summary>
    /// A failure without an answer. A protocol error from an endpoint that has never accepted an export is a
    /// protocol mismatch (HTTP/1.1 to a gRPC port or the reverse) and is not retried; from one that has, it is a
    /// connection torn down by a restarting collector, and is. An HTTP/1.1-only server answers gRPC's HTTP/2 preface
    /// with GOAWAY (HTTP_1_1_REQUIRED), seen as a protocol error; but when the GOAWAY shuts the new connection before
    /// the request has its stream (8 in 300 attempts here, 35 in 300 with both cores busy), SocketsHttpHandler
    /// (.NET 10) reports "the server did not complete the HTTP/2 handshake" instead, with no HttpRequestError and no
    /// inner exception: the same mismatch.
    /// </summary>
    public static ExportVerdict Of(Exception exception, TimeSpan attemptTimeout, bool grpc, bool everDelivered)
    {
        if (exception is TaskCanceledException or OperationCanceledException)
        {
            return new ExportVerdict($"no answer within {attemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (OTEL_EXPORTER_OTLP_TIMEOUT)", null, Retryable: true);
        }

        var socket = Find<SocketException>(exception);
        if (exception is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return new ExportVerdict("DNS: the host name does not resolve", "check the host name in the endpoint", Retryable: true);
                case HttpRequestError.SecureConnectionError:
                    return new ExportVerdict("TLS handshake failed: " + Truncate(http.Message), "check https:// against http:// and the certificate", Retryable: false);
                case HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.VersionNegotiationError when !everDelivered:
                case HttpRequestError.Unknown when !everDelivered && http.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal):
                    return new ExportVerdict("the endpoint does not speak " + (grpc ? "OTLP/gRPC (HTTP/2)" : "OTLP/HTTP (HTTP/1.1)"), ProtocolHint(grpc), Retryable: false);
            }
        }

        var cause = socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.ConnectionReset => "connection reset",
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "DNS: the host name does not resolve",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
            SocketError.TimedOut => "connect timed out",
            SocketError.Shutdown or SocketError.ConnectionAborted or SocketError.OperationAborted => "connection closed by the collector",
            { } other => "network error " + other,
            null => exception is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } || Find<IOException>(exception) is not null
                ? "connection closed before the answer"
                : Truncate(exception.Message),
        };
        return new ExportVerdict(cause, socket?.SocketErrorCode == SocketError.ConnectionRefused ? "is the collector running and listening there?" : null, Retryable: true);
    }

    private static string ProtocolHint(bool grpc) => grpc
        ? "is this an OTLP/HTTP port (4318)? set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, or use the gRPC port (4317)"
        : "is this a gRPC port (4317)? set OTEL_EXPORTER_OTLP_PROTOCOL=grpc, or use the OTLP/HTTP port (4318)";

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? (date - DateTimeOffset.UtcNow) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero : null;
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}

/// <summary>
/// Why one export attempt failed, in words for the log, and whether sending the same batch again can help
/// (OTLP specification, "Retryable response codes" and "Failures").
/// </summary>
/// <param name="Cause">What happened, e.g. "connection refused" or "HTTP 404 Not Found"; never a header value.</param>
/// <param name="Hint">What to check, or null.</param>
/// <param name="Retryable">True for transient failures: the collector is away, busy or slow.</param>
/// <param name="RetryAfter">The delay the collector asked for (Retry-After, gRPC RetryInfo), if any.</param>
internal sealed record ExportVerdict(string Cause, string? Hint, bool Retryable, TimeSpan? RetryAfter = null);
