namespace FunctionHost.Telemetry.Export;

/// <summary>
/// Counts the items in a serialized OTLP export request without decoding them, so failures can be reported in
/// spans rather than batches. Traces, metrics and logs share one shape: the request's field 1 holds resource
/// entries (resource_spans / resource_metrics / resource_logs), each of which holds scope entries in field 2
/// (scope_spans ...), each of which holds the items in field 2 (spans / metrics / log_records).
/// See opentelemetry-proto collector/*/v1/*_service.proto.
/// </summary>
internal static class OtlpItemCounter
{
    private const int ResourceField = 1;
    private const int ScopeField = 2;
    private const int ItemField = 2;

    /// <summary>The number of items, or -1 when <paramref name="message"/> is not a well-formed request.</summary>
    public static int Count(ReadOnlySpan<byte> message)
    {
        var count = 0;
        var ok = ForEachField(message, ResourceField, resource =>
            ForEachField(resource, ScopeField, scope => ForEachField(scope, ItemField, _ => { count++; return true; })));
        return ok ? count : -1;
    }

    /// <summary>Calls <paramref name="visit"/> with the payload of every length-delimited field numbered <paramref name="field"/>.</summary>
    public static bool ForEachField(ReadOnlySpan<byte> message, int field, Func<ReadOnlySpan<byte>, bool> visit)
    {
        var position = 0;
        while (position < message.Length)
        {
            if (!TryReadVarint(message, ref position, out var tag))
            {
                return false;
            }

            var wireType = (int)(tag & 7);
            var number = tag >> 3;
            switch (wireType)
            {
                case 0:
                    if (!TryReadVarint(message, ref position, out _))
                    {
                        return false;
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    if (!TryReadVarint(message, ref position, out var length) || length > (ulong)(message.Length - position))
                    {
                        return false;
                    }

                    var payload = message.Slice(position, (int)length);
                    position += (int)length;
                    if (number == (ulong)field && !visit(payload))
                    {
                        return false;
                    }

                    break;
                default:
                    return false; // groups are not used by OTLP
            }
        }

        return position == message.Length;
    }

    public static bool TryReadVarint(ReadOnlySpan<byte> message, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < message.Length; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
