using System.Globalization;
using System.Net.Http.Headers;

namespace FunctionHost.Telemetry.Export;

/// <summary>
/// The gRPC status of an OTLP/gRPC answer: grpc-status in the headers (a trailers-only answer) or the trailers,
/// and the retry delay a collector may put in grpc-status-details-bin (google.rpc.Status with a
/// google.rpc.RetryInfo detail), which the OTLP specification says to honour.
/// </summary>
internal static class GrpcStatus
{
    public const int Ok = 0;

    private static readonly string[] Names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    public static string Name(int code) => code >= 0 && code < Names.Length ? Names[code] : "code " + code.ToString(CultureInfo.InvariantCulture);

    /// <summary>The status code, or null when the answer carries none (yet).</summary>
    public static int? Read(HttpResponseMessage response, out TimeSpan? retryDelay, out string? message)
    {
        retryDelay = null;
        message = null;
        var headers = Find(response.Headers, "grpc-status") is not null ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        if (Find(headers, "grpc-status") is not { } status ||
            !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        message = Find(headers, "grpc-message") is { } m ? Uri.UnescapeDataString(m) : null;
        retryDelay = Find(headers, "grpc-status-details-bin") is { } details ? RetryDelay(details) : null;

        return code;
    }

    /// <summary>The retry_delay of a RetryInfo detail in a base64 google.rpc.Status, or null.</summary>
    public static TimeSpan? RetryDelay(string statusBase64)
    {
        byte[] status;
        try
        {
            // gRPC sends binary headers base64-encoded, often without padding.
            var trimmed = statusBase64.Trim();
            status = Convert.FromBase64String(trimmed.PadRight((trimmed.Length + 3) / 4 * 4, '='));
        }
        catch (FormatException)
        {
            return null;
        }

        TimeSpan? delay = null;
        // google.rpc.Status: 3 = repeated google.protobuf.Any details; Any: 1 = type_url, 2 = value.
        OtlpItemCounter.ForEachField(status, 3, any =>
        {
            var isRetryInfo = false;
            OtlpItemCounter.ForEachField(any, 1, typeUrl =>
            {
                isRetryInfo = System.Text.Encoding.UTF8.GetString(typeUrl).EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal);
                return true;
            });
            if (isRetryInfo)
            {
                // RetryInfo: 1 = google.protobuf.Duration retry_delay; Duration: 1 = seconds, 2 = nanos (varints).
                OtlpItemCounter.ForEachField(any, 2, value => OtlpItemCounter.ForEachField(value, 1, duration =>
                {
                    delay = Duration(duration);
                    return true;
                }));
            }

            return true;
        });
        return delay;
    }

    private static TimeSpan Duration(ReadOnlySpan<byte> duration)
    {
        ulong seconds = 0, nanos = 0;
        var position = 0;
        while (position < duration.Length && OtlpItemCounter.TryReadVarint(duration, ref position, out var tag))
        {
            if ((tag & 7) != 0 || !OtlpItemCounter.TryReadVarint(duration, ref position, out var value))
            {
                break;
            }

            if (tag >> 3 == 1)
            {
                seconds = value;
            }
            else if (tag >> 3 == 2)
            {
                nanos = value;
            }
        }

        return TimeSpan.FromSeconds(Math.Min(seconds, 3600)) + TimeSpan.FromTicks((long)(nanos % 1_000_000_000) / 100);
    }

    private static string? Find(HttpHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
