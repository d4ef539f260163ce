using FunctionHost.Configuration;
using FunctionHost.Lifecycle;
using Microsoft.Extensions.Configuration;

namespace CSharpOtel.Tests.Configuration;

/// <summary>
/// Every variable the host reads from the watchdog's environment has the watchdog's own default. The watchdog
/// column is of-watchdog's config/config.go (0.9.12 and 0.11.5 alike): <c>defaultTimeout := time.Second * 30</c>,
/// used for read_timeout, write_timeout and exec_timeout; <c>healthcheckInterval := writeTimeout</c> unless
/// healthcheck_interval is set.
/// </summary>
public sealed class WatchdogDefaultsTest
{
    /// <summary>variable, of-watchdog's default, what the host documents in <see cref="Variables.All"/>.</summary>
    public static TheoryData<string, string, string> Table => new()
    {
        { Variables.WriteTimeout, "30s", "30s" },
        { Variables.ReadTimeout, "30s", "30s" },
        { Variables.ExecTimeout, "30s", "30s" },
        { Variables.HealthcheckInterval, Variables.WriteTimeout, Variables.WriteTimeout },
        { Variables.MaxInflight, "0", "0" }, // getInt(envMap, "max_inflight", 0); the limiter only above 0
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void HostDefault_IsTheWatchdogsDefault(string variable, string watchdogDefault, string hostDefault)
    {
        Assert.Equal(watchdogDefault, hostDefault);
        Assert.Equal(hostDefault, Assert.Single(Variables.All, v => v.Name == variable).Default);
    }

    [Fact]
    public void Unset_HostUsesTheWatchdogsDefaults()
    {
        var options = LifecycleOptions.Read(new SettingsReader(Configuration(), new ConfigurationWarnings()));
        Assert.Equal(TimeSpan.FromSeconds(30), options.DrainLimit);     // write_timeout
        Assert.Equal(TimeSpan.FromSeconds(30), options.ExecTimeout);    // exec_timeout
        Assert.Equal(TimeSpan.FromSeconds(30), options.GracePeriod);    // healthcheck_interval = write_timeout
    }

    /// <summary>As the watchdog limits: a whole number above 0; 0, a negative number or not a number is no limit (here with a warning).</summary>
    [Theory]
    [InlineData("4", 4, 0)]
    [InlineData("0", 0, 0)]
    [InlineData("-1", 0, 1)]
    [InlineData("four", 0, 1)]
    public void MaxInflight_LimitsWhenTheWatchdogLimits(string value, int expected, int warnings)
    {
        var reported = new ConfigurationWarnings();
        Assert.Equal(expected, LifecycleOptions.Read(new SettingsReader(Configuration((Variables.MaxInflight, value)), reported)).MaxInflight);
        Assert.Equal(warnings, reported.All.Count(w => w.Variable == Variables.MaxInflight));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("7s", null)]
    [InlineData("7s", "2s")]
    [InlineData(null, "0")]
    [InlineData("bogus", "bogus")]
    public void HostNeverStopsServingBeforeTheWatchdogStopsRouting(string? writeTimeout, string? healthcheckInterval)
    {
        var values = new List<(string, string)>();
        if (writeTimeout is not null)
        {
            values.Add((Variables.WriteTimeout, writeTimeout));
        }

        if (healthcheckInterval is not null)
        {
            values.Add((Variables.HealthcheckInterval, healthcheckInterval));
        }

        var options = LifecycleOptions.Read(new SettingsReader(Configuration([.. values]), new ConfigurationWarnings()));
        var watchdogRouting = WatchdogRoutingPeriod(writeTimeout, healthcheckInterval);
        Assert.Equal(watchdogRouting, options.GracePeriod);
        Assert.True(options.ServingPeriod > watchdogRouting, $"{options.ServingPeriod} against {watchdogRouting}");
    }

    /// <summary>of-watchdog's own reading (config.go, parseIntOrDurationValue: a bad value falls back).</summary>
    private static TimeSpan WatchdogRoutingPeriod(string? writeTimeout, string? healthcheckInterval)
    {
        var write = Parse(writeTimeout, TimeSpan.FromSeconds(30));
        return Parse(healthcheckInterval, write);

        static TimeSpan Parse(string? value, TimeSpan fallback) => value switch
        {
            null or "bogus" => fallback,
            "0" => TimeSpan.Zero,
            _ => TimeSpan.FromSeconds(int.Parse(value.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture)),
        };
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
