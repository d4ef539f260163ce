using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace FunctionHost.Propagation;

/// <summary>
/// JavaScript's <c>encodeURIComponent</c>/<c>decodeURIComponent</c>, the encoding the reference propagators use
/// for W3C baggage and <c>uberctx-*</c> values. Not <see cref="System.Net.WebUtility"/>: it turns spaces into
/// '+' and '+' back into spaces, which W3C baggage does not do, so values with spaces or '+' would not survive a
/// round trip with other SDKs. Malformed input fails (returns false) instead of throwing.
/// </summary>
internal static class PercentEncoding
{
    // encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) alone and encodes everything else as UTF-8 %XX.
    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()");

    private const string UpperHex = "0123456789ABCDEF";

    /// <summary>
    /// Encodes like encodeURIComponent. A lone surrogate makes encodeURIComponent throw; here it fails, and the
    /// caller drops that baggage member.
    /// </summary>
    public static bool TryEncode(string value, out string encoded)
    {
        if (!value.AsSpan().ContainsAnyExcept(Unreserved))
        {
            encoded = value;
            return true;
        }

        encoded = string.Empty;
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (Unreserved.Contains(c))
            {
                builder.Append(c);
                continue;
            }

            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            var length = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < length; b++)
            {
                builder.Append('%').Append(UpperHex[utf8[b] >> 4]).Append(UpperHex[utf8[b] & 0xF]);
            }

            i += consumed - 1;
        }

        encoded = builder.ToString();
        return true;
    }

    /// <summary>
    /// Decodes like decodeURIComponent: every %XX is a UTF-8 byte, other characters stay as they are ('+' stays
    /// '+'); a '%' without two hex digits or bytes that are not UTF-8 fail, as they throw URIError in JavaScript.
    /// Linear in the input; allocates nothing when there is no '%'.
    /// </summary>
    public static bool TryDecode(string value, out string decoded)
    {
        var first = value.IndexOf('%', StringComparison.Ordinal);
        if (first < 0)
        {
            decoded = value;
            return true;
        }

        decoded = string.Empty;
        var chars = ArrayPool<char>.Shared.Rent(value.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(value.Length / 3 + 1);
        try
        {
            value.AsSpan(0, first).CopyTo(chars);
            var written = first;
            var i = first;
            while (i < value.Length)
            {
                if (value[i] != '%')
                {
                    chars[written++] = value[i++];
                    continue;
                }

                // A run of %XX escapes is one UTF-8 byte sequence; it must decode completely and strictly.
                var count = 0;
                while (i < value.Length && value[i] == '%')
                {
                    if (i + 2 >= value.Length || !HexId.TryParseByte(value.AsSpan(i + 1, 2), out var escaped))
                    {
                        return false;
                    }

                    bytes[count++] = (byte)escaped;
                    i += 3;
                }

                var status = Utf8.ToUtf16(bytes.AsSpan(0, count), chars.AsSpan(written), out _, out var produced,
                    replaceInvalidSequences: false);
                if (status != OperationStatus.Done)
                {
                    return false;
                }

                written += produced;
            }

            decoded = new string(chars, 0, written);
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
