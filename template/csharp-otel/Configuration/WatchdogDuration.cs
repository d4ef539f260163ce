using System.Globalization;

namespace FunctionHost.Configuration;

/// <summary>
/// Parses durations the way of-watchdog does: a non-negative whole number is seconds, anything else must be a Go
/// duration (a sequence of decimal numbers with units ns, us, µs, ms, s, m, h, such as "1m30s" or "1.5s").
/// </summary>
internal static class WatchdogDuration
{
    public static bool TryParse(string? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= int.MaxValue)
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        // Go's time.ParseDuration, without the sign: a negative timeout means nothing to the watchdog either.
        var rest = value.AsSpan();
        if (rest.SequenceEqual("0"))
        {
            return true;
        }

        double totalTicks = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 ||
                !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            rest = rest[numberLength..];
            var unitLength = 0;
            while (unitLength < rest.Length && !char.IsAsciiDigit(rest[unitLength]) && rest[unitLength] != '.')
            {
                unitLength++;
            }

            double? ticksPerUnit = rest[..unitLength] switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (ticksPerUnit is null)
            {
                return false;
            }

            totalTicks += number * ticksPerUnit.Value;
            rest = rest[unitLength..];
        }

        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)totalTicks);
        return true;
    }
}
