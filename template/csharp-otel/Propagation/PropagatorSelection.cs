namespace FunctionHost.Propagation;

/// <summary>
/// The parsed value of <c>OTEL_PROPAGATORS</c>: which propagators run, in which order, and which names were not
/// understood. Parsing never throws: a bad value warns and falls back (the host's policy for OTEL_* variables).
/// </summary>
internal sealed class PropagatorSelection
{
    private PropagatorSelection(IReadOnlyList<string> names, IReadOnlyList<string> unknown)
    {
        Names = names;
        Unknown = unknown;
    }

    /// <summary>Known propagator names, lower case, first occurrence order, no duplicates. Empty means no propagation.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Entries that name no propagator, trimmed, as written; each gets one warning and is ignored.</summary>
    public IReadOnlyList<string> Unknown { get; }

    /// <summary>
    /// Comma list, entries trimmed and compared case-insensitively, duplicates ignored, empty entries skipped.
    /// Unset, empty or blank means <see cref="PropagatorNames.Default"/>. <c>none</c> anywhere in the list turns
    /// propagation off (the specification gives <c>none</c> no meaning next to other names; off is the safe reading).
    /// </summary>
    public static PropagatorSelection Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new PropagatorSelection(PropagatorNames.Default, []);
        }

        var names = new List<string>();
        var unknown = new List<string>();
        var none = false;
        foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Equals(PropagatorNames.None, StringComparison.OrdinalIgnoreCase))
            {
                none = true;
                continue;
            }

            var known = Find(entry);
            if (known is null)
            {
                if (!unknown.Contains(entry, StringComparer.OrdinalIgnoreCase))
                {
                    unknown.Add(entry);
                }
            }
            else if (!names.Contains(known))
            {
                names.Add(known);
            }
        }

        // Only unknown names (e.g. a typo of "none" or of the defaults): the specification says unknown names are
        // ignored, so what remains is an empty list, i.e. no propagation. An operator who wrote something meant
        // something; falling back to the defaults would silently propagate formats nobody asked for.
        return new PropagatorSelection(none ? [] : names, unknown);
    }

    private static string? Find(string entry)
    {
        foreach (var name in PropagatorNames.Known)
        {
            if (entry.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }
}
