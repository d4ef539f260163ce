using FunctionHost.Configuration;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Telemetry;

namespace CSharpOtel.Tests.Configuration;

public class TelemetrySettingsReaderTest
{
    [Fact]
    public void Read_NothingSet_UsesTheTemplateDefaults()
    {
        var warnings = new ConfigurationWarnings();
        var settings = TelemetrySettingsReader.Read(new SettingsReader(Settings.Of(), warnings));

        Assert.Equal(TelemetryExporters.Otlp, settings.Traces);
        Assert.Equal(TelemetryExporters.None, settings.Metrics);
        Assert.Equal(TelemetryExporters.None, settings.Logs);
        Assert.Equal(LogFormat.Json, settings.LogFormat);
        Assert.False(settings.SdkDisabled);
        Assert.False(settings.ResponseTraceparent);
        Assert.Empty(warnings.All);
    }

    [Theory]
    [InlineData("otlp", "Otlp")]
    [InlineData("console", "Console")]
    [InlineData("none", "None")]
    [InlineData(" OTLP , console ", "Otlp, Console")]
    [InlineData("none,console", "Console")] // none next to others adds nothing
    public void ReadExporters_ValidLists(string value, string expectedName)
    {
        var expected = Enum.Parse<TelemetryExporters>(expectedName); // the host's enum is internal: named here by its members

        var warnings = new ConfigurationWarnings();
        var settings = TelemetrySettingsReader.Read(new SettingsReader(Settings.Of(("OTEL_METRICS_EXPORTER", value)), warnings));
        Assert.Equal(expected, settings.Metrics);
        Assert.Empty(warnings.All);
    }

    [Theory]
    [InlineData("zipkin", "zipkin", "supported are otlp, console and none; using otlp")] // spec name, not supported here: default
    [InlineData("console,jaeger", "jaeger", "supported are otlp, console and none; using console")] // keeps the valid part
    [InlineData("otlp,foo,bar", "foo,bar", "supported are otlp, console and none; using otlp")]
    public void ReadExporters_UnknownNames_OneWarningNamingThemAndTheFallback(string value, string bad, string fallback)
    {
        var warnings = new ConfigurationWarnings();
        TelemetrySettingsReader.Read(new SettingsReader(Settings.Of(("OTEL_TRACES_EXPORTER", value)), warnings));
        var warning = Assert.Single(warnings.All);
        Assert.Equal(new ConfigurationWarning("OTEL_TRACES_EXPORTER", bad, fallback), warning);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "supported are grpc and http/protobuf; using http/protobuf")] // not in the .NET SDK
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "udp", "supported are grpc and http/protobuf; using OTEL_EXPORTER_OTLP_PROTOCOL")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "expected an absolute http:// or https:// URL; using the SDK's default endpoint on localhost")] // no scheme
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "ftp://collector/v1/logs", "expected an absolute http:// or https:// URL; using OTEL_EXPORTER_OTLP_ENDPOINT")] // wrong scheme
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "10s", "expected a whole number; using 10000 ms")] // milliseconds, no unit
    [InlineData("OTEL_BSP_SCHEDULE_DELAY", "-5", "expected a whole number; using the SDK's default")] // negative
    [InlineData("OTEL_ATTRIBUTE_COUNT_LIMIT", "many", "expected a whole number; using the SDK's default")]
    [InlineData("OTEL_TRACES_SAMPLER", "sometimes", "using parentbased_always_on")] // not a sampler name
    [InlineData("OTEL_SDK_DISABLED", "yes", "expected true or false; using false")] // the spec says true/false only
    [InlineData("CSHARP_OTEL_RESPONSE_TRACEPARENT", "1", "expected true or false; using false")]
    [InlineData("CSHARP_OTEL_LOG_FORMAT", "xml", "supported are json, logfmt and simple; using json")]
    public void Read_InvalidValue_OneWarningAndTheValueIsRemovedFromConfiguration(string variable, string value, string fallback)
    {
        var warnings = new ConfigurationWarnings();
        var configuration = Settings.Of((variable, value));
        TelemetrySettingsReader.Read(new SettingsReader(configuration, warnings));

        Assert.Equal(new ConfigurationWarning(variable, value, fallback), Assert.Single(warnings.All));
        if (variable != "CSHARP_OTEL_LOG_FORMAT")
        {
            Assert.Null(configuration[variable]);
        }
    }

    [Theory]
    [InlineData("traceidratio", "half")] // not a number
    [InlineData("parentbased_traceidratio", "1.5")] // a probability is at most 1
    [InlineData("traceidratio", "NaN")]
    public void Read_BadRatioSamplerArgument_WarnsAndRemovesIt(string sampler, string argument)
    {
        var warnings = new ConfigurationWarnings();
        var configuration = Settings.Of(("OTEL_TRACES_SAMPLER", sampler), ("OTEL_TRACES_SAMPLER_ARG", argument));
        TelemetrySettingsReader.Read(new SettingsReader(configuration, warnings));

        Assert.Equal(new ConfigurationWarning("OTEL_TRACES_SAMPLER_ARG", argument, "expected a number from 0 to 1; using 1.0"), Assert.Single(warnings.All));
        Assert.Null(configuration["OTEL_TRACES_SAMPLER_ARG"]);
        Assert.Equal(sampler, configuration["OTEL_TRACES_SAMPLER"]);
    }

    [Fact]
    public void Read_MalformedHeaders_KeepsWellFormedPairsAndNamesOnlyTheBadOnes()
    {
        var warnings = new ConfigurationWarnings();
        var configuration = Settings.Of(("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret,Authorization Bearer abc,=x"));
        TelemetrySettingsReader.Read(new SettingsReader(configuration, warnings));

        var warning = Assert.Single(warnings.All);
        Assert.Equal("OTEL_EXPORTER_OTLP_HEADERS", warning.Variable);
        Assert.Equal("Authorization Bearer abc,=x", warning.Value);
        Assert.Equal("x-api-key=secret", configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public void Read_ValidValues_NoWarningsAndConfigurationUntouched()
    {
        var warnings = new ConfigurationWarnings();
        var configuration = Settings.Of(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example.com:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
            ("OTEL_SDK_DISABLED", "TRUE"),
            ("CSHARP_OTEL_RESPONSE_TRACEPARENT", "true"),
            ("CSHARP_OTEL_LOG_FORMAT", "logfmt"));
        var settings = TelemetrySettingsReader.Read(new SettingsReader(configuration, warnings));

        Assert.Empty(warnings.All);
        Assert.True(settings.SdkDisabled);
        Assert.True(settings.ResponseTraceparent);
        Assert.Equal(LogFormat.Logfmt, settings.LogFormat);
        Assert.Equal("0.25", configuration["OTEL_TRACES_SAMPLER_ARG"]);
        Assert.Equal("grpc", configuration["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]);
    }
}
