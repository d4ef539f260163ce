using System.Buffers;
using System.Diagnostics;

namespace FunctionHost.Propagation;

/// <summary>
/// Parses and formats the hex trace and span ids of the non-W3C formats. Parsing works on spans and stack
/// buffers, so an id costs only the string <see cref="ActivityTraceId"/> keeps; anything that is not hex, is too
/// long or is all zeros is rejected instead of throwing.
/// </summary>
internal static class HexId
{
    /// <summary>
    /// A trace id of 1 to 32 hex digits (either case), left-padded with zeros to 128 bits (Jaeger sends
    /// variable-length ids; 64-bit B3 and OT ids are the low half). All zeros is invalid in every format.
    /// </summary>
    /// <param name="lowercaseOnly">Reject upper-case digits, as W3C and B3 do.</param>
    public static bool TryParseTraceId(ReadOnlySpan<char> hex, out ActivityTraceId traceId, bool lowercaseOnly = false)
    {
        Span<char> canonical = stackalloc char[32];
        var valid = TryCanonicalise(hex, canonical, lowercaseOnly);
        traceId = valid ? ActivityTraceId.CreateFromString(canonical) : default;
        return valid;
    }

    /// <summary>A span id of 1 to 16 hex digits (either case), left-padded to 64 bits; all zeros is invalid.</summary>
    public static bool TryParseSpanId(ReadOnlySpan<char> hex, out ActivitySpanId spanId, bool lowercaseOnly = false)
    {
        Span<char> canonical = stackalloc char[16];
        var valid = TryCanonicalise(hex, canonical, lowercaseOnly);
        spanId = valid ? ActivitySpanId.CreateFromString(canonical) : default;
        return valid;
    }

    /// <summary>A context with both ids set (the OpenTelemetry API's own IsValid extension is not public).</summary>
    public static bool IsValid(in ActivityContext context)
        => context.TraceId != default && context.SpanId != default;

    /// <summary>True for the lowercase hex digits the W3C and B3 formats allow.</summary>
    public static bool IsLowerHex(ReadOnlySpan<char> hex) => !hex.ContainsAnyExcept(LowerHexDigits);

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// Writes <paramref name="hex"/> into <paramref name="canonical"/> as the lowercase, zero-left-padded form
    /// .NET's ids are made from (one pass, no intermediate bytes); false when it is empty, too long, not hex or
    /// all zeros, so CreateFromString is only ever given what it accepts.
    /// </summary>
    private static bool TryCanonicalise(ReadOnlySpan<char> hex, Span<char> canonical, bool lowercaseOnly)
    {
        if (hex.IsEmpty || hex.Length > canonical.Length)
        {
            return false;
        }

        var offset = canonical.Length - hex.Length;
        canonical[..offset].Fill('0');
        var nonZero = false;
        for (var i = 0; i < hex.Length; i++)
        {
            var c = hex[i];
            if (char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c))
            {
                canonical[offset + i] = c;
            }
            else if (!lowercaseOnly && char.IsAsciiHexDigitUpper(c))
            {
                canonical[offset + i] = (char)(c | 0x20);
            }
            else
            {
                return false;
            }

            nonZero |= c != '0';
        }

        return nonZero;
    }

    /// <summary>A byte written as one or two hex digits (either case): Jaeger's flags, a %XX escape.</summary>
    public static bool TryParseByte(ReadOnlySpan<char> hex, out int value)
    {
        value = 0;
        if (hex.IsEmpty || hex.Length > 2)
        {
            return false;
        }

        foreach (var c in hex)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
