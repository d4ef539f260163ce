using System.Buffers;

namespace OtlpCounter;

/// <summary>A request body read whole into a pooled array, so counting a large batch does not churn the heap.</summary>
internal sealed class PooledBody(int expected) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expected, 1024));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public async Task FillAsync(Stream source)
    {
        while (true)
        {
            if (Length == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, Length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            var read = await source.ReadAsync(_buffer.AsMemory(Length));
            if (read == 0)
            {
                return;
            }

            Length += read;
        }
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
