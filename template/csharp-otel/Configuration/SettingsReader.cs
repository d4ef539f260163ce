using System.Globalization;

namespace FunctionHost.Configuration;

/// <summary>
/// The shared helpers every setting is read with. Unset or blank means the default, silently; a bad value adds one
/// <see cref="ConfigurationWarning"/> (variable, value, fallback) and gives the fallback. Where the SDK reads a
/// variable itself, a bad value is also removed from configuration so the SDK never sees it.
/// </summary>
internal sealed class SettingsReader(IConfiguration configuration, ConfigurationWarnings warnings)
{
    /// <summary>The longest duration timers accept (about 24.8 days); longer values are treated as invalid.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(int.MaxValue);

    public IConfiguration Configuration => configuration;

    /// <summary>The value, or null when unset or blank.</summary>
    public string? Get(string variable) => configuration[variable] is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    public void Warn(string variable, string value, string fallback) => warnings.Add(variable, value, fallback);

    /// <summary>Warns and removes the value, so the SDK, which reads it too, falls back to its own default.</summary>
    public void Reject(string variable, string value, string fallback)
    {
        warnings.Add(variable, value, fallback);
        configuration[variable] = null;
    }

    public bool Boolean(string variable, bool fallback)
    {
        if (Get(variable) is not { } value)
        {
            return fallback;
        }

        if (bool.TryParse(value.Trim(), out var result))
        {
            return result;
        }

        Reject(variable, value, $"expected true or false; using {(fallback ? "true" : "false")}");
        return fallback;
    }

    /// <summary>A whole number from <paramref name="min"/> to <see cref="int.MaxValue"/>.</summary>
    public bool TryGetInteger(string variable, long min, string fallback, out long result)
    {
        result = 0;
        if (Get(variable) is not { } value)
        {
            return false;
        }

        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out result) &&
            result >= min && result <= int.MaxValue)
        {
            return true;
        }

        Reject(variable, value, fallback);
        return false;
    }

    public long Integer(string variable, long fallback, long min)
        => TryGetInteger(variable, min, $"expected a whole number from {min.ToString(CultureInfo.InvariantCulture)}; using {fallback.ToString(CultureInfo.InvariantCulture)}", out var result)
            ? result
            : fallback;

    /// <summary>Whole seconds ("10") or a Go duration ("10s", "1m30s"), as of-watchdog reads its own timeouts.</summary>
    public TimeSpan Duration(string variable, TimeSpan fallback, bool positive = false)
    {
        if (Get(variable) is not { } value)
        {
            return fallback;
        }

        if (WatchdogDuration.TryParse(value.Trim(), out var duration) && duration <= MaxDuration &&
            (!positive || duration > TimeSpan.Zero))
        {
            return duration;
        }

        var expected = positive ? "expected a duration longer than zero" : "expected seconds such as \"10\" or a duration such as \"10s\"";
        Reject(variable, value, $"{expected}; using {fallback.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        return fallback;
    }

    /// <summary>An absolute http:// or https:// URL; the SDK reads it, so a bad one is only reported and removed.</summary>
    public void CheckUrl(string variable, string fallback)
    {
        if (Get(variable) is { } value &&
            !(Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) &&
              (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0))
        {
            Reject(variable, value, "expected an absolute http:// or https:// URL; " + fallback);
        }
    }

    /// <summary>
    /// One name out of <paramref name="known"/> (case-insensitive, trimmed), or null when unset. An unknown name is
    /// warned about and removed, and gives null too.
    /// </summary>
    public string? Name(string variable, IReadOnlyList<string> known, string fallback)
    {
        if (Get(variable) is not { } value)
        {
            return null;
        }

        var name = Find(value.Trim(), known);
        if (name is null)
        {
            Reject(variable, value, fallback);
        }

        return name;
    }

    /// <summary>
    /// A comma-separated list of names out of <paramref name="known"/>, trimmed, case-insensitive, in first-occurrence
    /// order without duplicates; null when unset. Names not known are returned in <paramref name="unknown"/>, as
    /// written and once each, for the caller's one warning (its fallback depends on what is left).
    /// </summary>
    public List<string>? List(string variable, IReadOnlyList<string> known, out List<string> unknown)
    {
        unknown = [];
        if (Get(variable) is not { } value)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Find(entry, known) is { } name)
            {
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }
            else if (!unknown.Contains(entry, StringComparer.OrdinalIgnoreCase))
            {
                unknown.Add(entry);
            }
        }

        return names;
    }

    private static string? Find(string entry, IReadOnlyList<string> known)
    {
        foreach (var name in known)
        {
            if (entry.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }
}
