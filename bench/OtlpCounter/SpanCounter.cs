namespace OtlpCounter;

/// <summary>
/// Counts the spans in an ExportTraceServiceRequest without a protobuf library: it walks only the path
/// resource_spans (1) -> scope_spans (2) -> spans (2) and skips every other field by its wire type.
/// </summary>
internal static class SpanCounter
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    /// <summary>Spans in the message, or -1 when it is not well-formed protobuf.</summary>
    public static long Count(ReadOnlySpan<byte> request) =>
        ForEachField(request, 1, static resourceSpans =>
            ForEachField(resourceSpans, 2, static scopeSpans =>
                ForEachField(scopeSpans, 2, static _ => 1)));

    private delegate long Inner(ReadOnlySpan<byte> message);

    /// <summary>Sum of <paramref name="inner"/> over every length-delimited field numbered <paramref name="field"/>.</summary>
    private static long ForEachField(ReadOnlySpan<byte> message, int field, Inner inner)
    {
        long total = 0;
        var position = 0;
        while (position < message.Length)
        {
            if (!TryReadVarint(message, ref position, out var tag))
            {
                return -1;
            }

            var wireType = (int)(tag & 7);
            var number = (long)(tag >> 3);
            switch (wireType)
            {
                case Varint:
                    if (!TryReadVarint(message, ref position, out _))
                    {
                        return -1;
                    }

                    break;
                case Fixed64:
                    position += 8;
                    break;
                case Fixed32:
                    position += 4;
                    break;
                case LengthDelimited:
                    if (!TryReadVarint(message, ref position, out var length) || length > (ulong)(message.Length - position))
                    {
                        return -1;
                    }

                    if (number == field)
                    {
                        var n = inner(message.Slice(position, (int)length));
                        if (n < 0)
                        {
                            return -1;
                        }

                        total += n;
                    }

                    position += (int)length;
                    break;
                default:
                    return -1;
            }
        }

        return position == message.Length ? total : -1;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
