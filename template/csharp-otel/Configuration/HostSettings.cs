using FunctionHost.Lifecycle;
using FunctionHost.Propagation;
using FunctionHost.Telemetry;

namespace FunctionHost.Configuration;

/// <summary>
/// Every setting of the host, read from the environment once, at start-up, before anything is wired: each part of
/// the host takes its record from here instead of reading variables itself. <see cref="Variables"/> lists them.
/// </summary>
internal sealed record HostSettings(TelemetrySettings Telemetry, PropagatorSelection Propagators, LifecycleOptions Lifecycle)
{
    /// <summary>
    /// The builder's settings: read on the first call, which also registers them and the warnings reporter as
    /// services; later calls return the same instance.
    /// </summary>
    public static HostSettings Of(WebApplicationBuilder builder)
    {
        if (builder.Host.Properties.TryGetValue(typeof(HostSettings), out var existing))
        {
            return (HostSettings)existing;
        }

        var warnings = new ConfigurationWarnings();
        var reader = new SettingsReader(builder.Configuration, warnings);
        var telemetry = TelemetrySettingsReader.Read(reader);
        OtlpHeadersSecret.Apply(builder.Configuration, warnings);
        var settings = new HostSettings(telemetry, PropagatorSelection.Read(reader), LifecycleOptions.Read(reader));
        builder.Host.Properties[typeof(HostSettings)] = settings;
        builder.Services.AddSingleton(warnings);
        builder.Services.AddHostedService<ConfigurationWarningReporter>();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings.Lifecycle);
        return settings;
    }
}
