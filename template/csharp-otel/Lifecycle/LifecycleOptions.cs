using System.Globalization;

namespace FunctionHost.Lifecycle;

/// <summary>
/// The lifecycle settings, read once from configuration (environment variables included). A bad value never
/// stops the function: it is reported in <see cref="Warnings"/> (logged once at start-up) and the default applies.
/// </summary>
internal sealed class LifecycleOptions
{
    /// <summary>How long the host keeps serving after the first SIGTERM.</summary>
    public TimeSpan GracePeriod { get; private init; }

    /// <summary>How long in-flight requests may take to finish once the host stops accepting.</summary>
    public TimeSpan DrainLimit { get; private init; }

    public TimeSpan TelemetryFlushTimeout { get; private init; }

    public TimeSpan DroppedSpansReportInterval { get; private init; }

    /// <summary>Null means no limit.</summary>
    public long? MaxRequestBodySize { get; private init; }

    public int MaxRequestHeadersTotalSize { get; private init; }

    public int MaxRequestHeaderCount { get; private init; }

    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>The longest duration timers accept (about 24.8 days); longer values are treated as invalid.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(int.MaxValue);

    public static LifecycleOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var warnings = new List<string>();

        var writeTimeout = Duration(LifecycleVariables.WriteTimeout, LifecycleVariables.DefaultWriteTimeout);
        var bodySize = Number(LifecycleVariables.MaxRequestBodySize, LifecycleVariables.DefaultMaxRequestBodySize, min: 0);
        return new LifecycleOptions
        {
            DrainLimit = writeTimeout,
            // As in of-watchdog: healthcheck_interval defaults to write_timeout, and so does a bad value.
            GracePeriod = Duration(LifecycleVariables.HealthcheckInterval, writeTimeout),
            TelemetryFlushTimeout = Duration(LifecycleVariables.TelemetryFlushTimeout, LifecycleVariables.DefaultTelemetryFlushTimeout),
            DroppedSpansReportInterval = Positive(
                Duration(LifecycleVariables.DroppedSpansReportInterval, LifecycleVariables.DefaultDroppedSpansReportInterval),
                LifecycleVariables.DroppedSpansReportInterval, LifecycleVariables.DefaultDroppedSpansReportInterval),
            MaxRequestBodySize = bodySize == 0 ? null : bodySize,
            MaxRequestHeadersTotalSize = (int)Number(
                LifecycleVariables.MaxRequestHeadersTotalSize, LifecycleVariables.DefaultMaxRequestHeadersTotalSize, min: 1),
            MaxRequestHeaderCount = (int)Number(
                LifecycleVariables.MaxRequestHeaderCount, LifecycleVariables.DefaultMaxRequestHeaderCount, min: 1),
            Warnings = warnings,
        };

        TimeSpan Duration(string key, TimeSpan fallback)
        {
            var value = configuration[key];
            if (string.IsNullOrWhiteSpace(value))
            {
                return fallback;
            }

            if (WatchdogDuration.TryParse(value.Trim(), out var duration) && duration <= MaxDuration)
            {
                return duration;
            }

            warnings.Add($"{key} has an invalid value \"{value}\" (expected seconds such as \"10\" or a duration such as \"10s\"); using {fallback.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s.");
            return fallback;
        }

        TimeSpan Positive(TimeSpan value, string key, TimeSpan fallback)
        {
            if (value > TimeSpan.Zero)
            {
                return value;
            }

            warnings.Add($"{key} must be longer than zero; using {fallback.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s.");
            return fallback;
        }

        long Number(string key, long fallback, long min)
        {
            var value = configuration[key];
            if (string.IsNullOrWhiteSpace(value))
            {
                return fallback;
            }

            if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) &&
                number >= min && number <= int.MaxValue)
            {
                return number;
            }

            warnings.Add($"{key} has an invalid value \"{value}\" (expected a whole number from {min.ToString(CultureInfo.InvariantCulture)}); using {fallback.ToString(CultureInfo.InvariantCulture)}.");
            return fallback;
        }
    }
}
