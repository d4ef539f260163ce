using OpenTelemetry;

namespace FunctionHost.Propagation;

/// <summary>
/// Gathers extracted baggage members under <see cref="BaggageLimits"/>: a member that does not fit is dropped
/// whole, never cut; a repeated key never grows the set (see <see cref="TryAdd"/>). Allocates only once a
/// member is added.
/// </summary>
internal struct BaggageCollector
{
    private Dictionary<string, string>? _members;
    private int _bytes;

    public readonly int Count => _members?.Count ?? 0;

    /// <summary>
    /// Adds a member if it fits; <paramref name="size"/> is its encoded size on the wire. A key seen before keeps
    /// its first value unless <paramref name="replace"/> (W3C baggage: the last duplicate wins, as in the
    /// reference); a replacement costs no extra member or bytes, so duplicates cannot grow the set.
    /// </summary>
    public bool TryAdd(string key, string value, int size, bool replace = false)
    {
        if (replace && _members is not null && _members.ContainsKey(key))
        {
            _members[key] = value;
            return true;
        }

        var separator = Count == 0 ? 0 : 1;
        if (key.Length == 0 || size > BaggageLimits.MaxMemberBytes || Count >= BaggageLimits.MaxMembers ||
            _bytes + separator + size > BaggageLimits.MaxTotalBytes)
        {
            return false;
        }

        _members ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (!_members.TryAdd(key, value))
        {
            return false;
        }

        _bytes += separator + size;
        return true;
    }

    /// <summary>Adds every member of <paramref name="baggage"/> that is not there yet, in its order.</summary>
    public void AddAll(Baggage baggage)
    {
        foreach (var (key, value) in baggage)
        {
            if (value is not null)
            {
                TryAdd(key, value, key.Length + 1 + value.Length);
            }
        }
    }

    public readonly Baggage ToBaggage() => _members is null ? default : Baggage.Create(_members);
}
