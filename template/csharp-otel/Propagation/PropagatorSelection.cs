using FunctionHost.Configuration;

namespace FunctionHost.Propagation;

/// <summary>
/// The parsed value of <c>OTEL_PROPAGATORS</c>: which propagators run, in which order. Parsing never throws: a bad
/// value warns and falls back (the host's policy for OTEL_* variables).
/// </summary>
internal sealed record PropagatorSelection(IReadOnlyList<string> Names)
{
    /// <summary>
    /// Reads OTEL_PROPAGATORS: a comma list, entries trimmed and compared case-insensitively, duplicates ignored,
    /// empty entries skipped. Unset or blank means <see cref="PropagatorNames.Default"/>. <c>none</c> anywhere in the
    /// list turns propagation off (the specification gives <c>none</c> no meaning next to other names; off is the
    /// safe reading). Unknown names give one warning and are ignored; when nothing known is left (a typo such as
    /// <c>jeager</c>) the default applies, the specification's rule for unrecognised values: a typo must not
    /// silently cut every trace the function is part of.
    /// </summary>
    public static PropagatorSelection Read(SettingsReader reader)
    {
        var names = reader.List(Variables.Propagators, [.. PropagatorNames.Known, PropagatorNames.None], out var unknown);
        if (names is null)
        {
            return new PropagatorSelection(PropagatorNames.Default);
        }

        var none = names.Remove(PropagatorNames.None);
        var fallBack = names.Count == 0 && !none && unknown.Count > 0;
        var selection = new PropagatorSelection(none ? [] : fallBack ? PropagatorNames.Default : names);
        if (unknown.Count > 0)
        {
            var used = selection.Names.Count == 0 ? PropagatorNames.None : string.Join(',', selection.Names);
            reader.Warn(Variables.Propagators, string.Join(',', unknown),
                $"known propagators are {string.Join(", ", PropagatorNames.Known)} and none; " +
                (fallBack ? $"no known name is left, so the default applies: {used}" : $"using {used}"));
        }

        return selection;
    }
}
