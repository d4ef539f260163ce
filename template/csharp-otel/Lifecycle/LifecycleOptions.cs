using FunctionHost.Configuration;

namespace FunctionHost.Lifecycle;

/// <summary>
/// The lifecycle settings, read once at start-up (Configuration/Variables.cs names them). A bad value never stops
/// the function: it is reported through <see cref="ConfigurationWarnings"/> and the default applies.
/// </summary>
internal sealed class LifecycleOptions
{
    /// <summary>healthcheck_interval: how long the watchdog keeps routing requests after the first SIGTERM.</summary>
    public TimeSpan GracePeriod { get; private init; }

    /// <summary>
    /// How long the host keeps serving after the first SIGTERM: the watchdog's routing period plus a second of slack,
    /// so the host never stops serving while the watchdog still routes. Stopping late costs nothing: the watchdog's
    /// exit ends the host anyway.
    /// </summary>
    public TimeSpan ServingPeriod => GracePeriod + TimeSpan.FromSeconds(1);

    /// <summary>The watchdog's exec_timeout: it answers 504 and cancels the request beyond it; zero means no limit.</summary>
    public TimeSpan ExecTimeout { get; private init; }

    /// <summary>
    /// The watchdog's max_inflight: it answers 429 itself to a request that arrives while this many are in flight,
    /// so those never reach the host; zero means no limit (as in of-watchdog, which also takes a bad value for 0).
    /// </summary>
    public int MaxInflight { get; private init; }

    /// <summary>How long in-flight requests may take to finish once the host stops accepting.</summary>
    public TimeSpan DrainLimit { get; private init; }

    public TimeSpan TelemetryFlushTimeout { get; private init; }

    public TimeSpan DroppedSpansReportInterval { get; private init; }

    /// <summary>Null means no limit.</summary>
    public long? MaxRequestBodySize { get; private init; }

    public int MaxRequestHeadersTotalSize { get; private init; }

    public int MaxRequestHeaderCount { get; private init; }

    public static LifecycleOptions Read(SettingsReader reader)
    {
        var writeTimeout = reader.Duration(Variables.WriteTimeout, Variables.DefaultWriteTimeout);
        var bodySize = reader.Integer(Variables.MaxRequestBodySize, Variables.DefaultMaxRequestBodySize, min: 0);
        return new LifecycleOptions
        {
            DrainLimit = writeTimeout,
            // As in of-watchdog: healthcheck_interval defaults to write_timeout, and so does a bad value.
            GracePeriod = reader.Duration(Variables.HealthcheckInterval, writeTimeout),
            ExecTimeout = reader.Duration(Variables.ExecTimeout, Variables.DefaultExecTimeout),
            MaxInflight = (int)reader.Integer(Variables.MaxInflight, 0, min: 0),
            TelemetryFlushTimeout = reader.Duration(Variables.TelemetryFlushTimeout, Variables.DefaultTelemetryFlushTimeout),
            DroppedSpansReportInterval = reader.Duration(
                Variables.DroppedSpansReportInterval, Variables.DefaultDroppedSpansReportInterval, positive: true),
            MaxRequestBodySize = bodySize == 0 ? null : bodySize,
            MaxRequestHeadersTotalSize = (int)reader.Integer(
                Variables.MaxRequestHeadersTotalSize, Variables.DefaultMaxRequestHeadersTotalSize, min: 1),
            MaxRequestHeaderCount = (int)reader.Integer(
                Variables.MaxRequestHeaderCount, Variables.DefaultMaxRequestHeaderCount, min: 1),
        };
    }
}
