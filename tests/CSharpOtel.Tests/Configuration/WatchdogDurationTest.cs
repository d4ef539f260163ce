using FunctionHost.Configuration;
using FunctionHost.Lifecycle;
using Microsoft.Extensions.Configuration;

namespace CSharpOtel.Tests.Configuration;

public sealed class WatchdogDurationTest
{
    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("0", 0)]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1h", 3_600_000)]
    public void TryParse_WatchdogForms(string value, int milliseconds)
    {
        Assert.True(WatchdogDuration.TryParse(value, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]      // empty: unset
    [InlineData("ten")]   // no number
    [InlineData("10x")]   // unknown unit
    [InlineData("1.5")]   // Go requires a unit unless the value is a whole number
    [InlineData("-5s")]   // negative: meaningless as a timeout
    [InlineData("s")]     // unit without a number
    public void TryParse_Invalid(string value) => Assert.False(WatchdogDuration.TryParse(value, out _));

    [Fact]
    public void Read_HealthcheckIntervalDefaultsToWriteTimeout_AsTheWatchdog()
    {
        var warnings = new ConfigurationWarnings();
        var options = LifecycleOptions.Read(new SettingsReader(Configuration(("write_timeout", "7s")), warnings));
        Assert.Equal(TimeSpan.FromSeconds(7), options.GracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(7), options.DrainLimit);
        Assert.Empty(warnings.All);
    }

    [Fact]
    public void Read_Defaults()
    {
        var options = LifecycleOptions.Read(new SettingsReader(Configuration(), new ConfigurationWarnings()));
        // of-watchdog's own defaults: 30 s for every timeout, healthcheck_interval = write_timeout.
        Assert.Equal(TimeSpan.FromSeconds(30), options.GracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(31), options.ServingPeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DrainLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ExecTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.TelemetryFlushTimeout);
        Assert.Equal(30_000_000, options.MaxRequestBodySize);
        Assert.Equal(32 * 1024, options.MaxRequestHeadersTotalSize);
        Assert.Equal(100, options.MaxRequestHeaderCount);
    }

    [Fact]
    public void Read_BadValues_WarnOnceEachAndFallBack()
    {
        var warnings = new ConfigurationWarnings();
        var options = LifecycleOptions.Read(new SettingsReader(Configuration(
            ("write_timeout", "soon"), ("healthcheck_interval", "3s"), ("max_request_body_size", "-1"), ("max_request_body_size_x", "1")), warnings));
        Assert.Equal(TimeSpan.FromSeconds(30), options.DrainLimit);
        Assert.Equal(TimeSpan.FromSeconds(3), options.GracePeriod);
        Assert.Equal(30_000_000, options.MaxRequestBodySize);
        Assert.Equal(2, warnings.All.Count);
        Assert.Contains(warnings.All, w => w is { Variable: "write_timeout", Value: "soon" } && w.Fallback.EndsWith("using 30s", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DurationBeyondTimers_WarnsAndFallsBack()
    {
        var warnings = new ConfigurationWarnings();
        var options = LifecycleOptions.Read(new SettingsReader(Configuration(("healthcheck_interval", "1000h")), warnings));
        Assert.Equal(TimeSpan.FromSeconds(30), options.GracePeriod);
        Assert.Single(warnings.All);
    }

    [Fact]
    public void Read_ExecTimeoutZero_MeansNoLimit_AsTheWatchdog()
    {
        var warnings = new ConfigurationWarnings();
        Assert.Equal(TimeSpan.Zero, LifecycleOptions.Read(new SettingsReader(Configuration(("exec_timeout", "0")), warnings)).ExecTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), LifecycleOptions.Read(new SettingsReader(Configuration(("exec_timeout", "1.5s")), warnings)).ExecTimeout);
        Assert.Empty(warnings.All);
    }

    [Fact]
    public void Read_ZeroBodySize_MeansNoLimit()
        => Assert.Null(LifecycleOptions.Read(new SettingsReader(Configuration(("max_request_body_size", "0")), new ConfigurationWarnings())).MaxRequestBodySize);

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
