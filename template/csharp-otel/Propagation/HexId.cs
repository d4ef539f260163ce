using System.Diagnostics;

namespace FunctionHost.Propagation;

/// <summary>
/// Parses and formats the hex trace and span ids of the non-W3C formats. Parsing works on spans and stack
/// buffers, so an id costs only the string <see cref="ActivityTraceId"/> keeps; anything that is not hex, is too
/// long or is all zeros is rejected instead of throwing.
/// </summary>
internal static class HexId
{
    public const int TraceIdHexLength = 32;
    public const int SpanIdHexLength = 16;

    /// <summary>
    /// A trace id of 1 to 32 hex digits (either case), left-padded with zeros to 128 bits (Jaeger sends
    /// variable-length ids; 64-bit B3 and OT ids are the low half). All zeros is invalid in every format.
    /// </summary>
    public static bool TryParseTraceId(ReadOnlySpan<char> hex, out ActivityTraceId traceId)
    {
        traceId = default;
        Span<byte> bytes = stackalloc byte[TraceIdHexLength / 2];
        if (!TryParsePadded(hex, bytes))
        {
            return false;
        }

        traceId = ActivityTraceId.CreateFromBytes(bytes);
        return true;
    }

    /// <summary>A span id of 1 to 16 hex digits (either case), left-padded to 64 bits; all zeros is invalid.</summary>
    public static bool TryParseSpanId(ReadOnlySpan<char> hex, out ActivitySpanId spanId)
    {
        spanId = default;
        Span<byte> bytes = stackalloc byte[SpanIdHexLength / 2];
        if (!TryParsePadded(hex, bytes))
        {
            return false;
        }

        spanId = ActivitySpanId.CreateFromBytes(bytes);
        return true;
    }

    /// <summary>A context with both ids set (the OpenTelemetry API's own IsValid extension is not public).</summary>
    public static bool IsValid(in ActivityContext context)
        => context.TraceId != default && context.SpanId != default;

    /// <summary>True for the lowercase hex digits the W3C and B3 formats allow.</summary>
    public static bool IsLowerHex(ReadOnlySpan<char> hex)
    {
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParsePadded(ReadOnlySpan<char> hex, Span<byte> bytes)
    {
        var digits = bytes.Length * 2;
        if (hex.IsEmpty || hex.Length > digits)
        {
            return false;
        }

        bytes.Clear();
        var nonZero = false;
        var offset = digits - hex.Length;
        for (var i = 0; i < hex.Length; i++)
        {
            var value = Value(hex[i]);
            if (value < 0)
            {
                return false;
            }

            nonZero |= value != 0;
            var position = offset + i;
            bytes[position >> 1] |= (byte)((position & 1) == 0 ? value << 4 : value);
        }

        return nonZero;
    }

    /// <summary>The value of one hex digit (either case), or -1.</summary>
    public static int Value(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
