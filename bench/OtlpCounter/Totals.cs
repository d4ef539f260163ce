using System.Globalization;

namespace OtlpCounter;

/// <summary>What the receiver has been sent since it started; updated from concurrent requests.</summary>
internal sealed class Totals
{
    private long _spans;
    private long _requests;
    private long _bytes;
    private long _rejected;

    /// <param name="spans">Spans in one export request, or -1 when it could not be decoded.</param>
    public void Add(long spans, int bytes)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, bytes);
        if (spans < 0)
        {
            Interlocked.Increment(ref _rejected);
        }
        else
        {
            Interlocked.Add(ref _spans, spans);
        }
    }

    /// <summary>"spans requests bytes rejected", one line: easy to read from a shell.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Interlocked.Read(ref _spans)} {Interlocked.Read(ref _requests)} {Interlocked.Read(ref _bytes)} {Interlocked.Read(ref _rejected)}\n");
}
