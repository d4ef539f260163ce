using FunctionHost.Configuration;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Telemetry;

namespace CSharpOtel.Tests.Telemetry;

public sealed class OtlpHeadersSecretTest : IDisposable
{
    private readonly DirectoryInfo _secrets = Directory.CreateTempSubdirectory("csharp-otel-secrets-");

    [Fact]
    public void Apply_DefaultSecretPresent_MergesItsPairsIntoTheHeaders()
    {
        File.WriteAllText(Path.Combine(_secrets.FullName, "otel-exporter-otlp-headers"), "x-api-key=s3cr3t\nx-team=b\n");
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName), ("OTEL_EXPORTER_OTLP_HEADERS", "x-team=a,x-env=prod"));
        var warnings = new ConfigurationWarnings();

        OtlpHeadersSecret.Apply(configuration, warnings);

        // The secret wins on a repeated key; plain pairs it does not repeat stay.
        Assert.Equal("x-env=prod,x-api-key=s3cr3t,x-team=b", configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Empty(warnings.All);
    }

    [Fact]
    public void Apply_NamedSecret_IsReadInsteadOfTheDefault()
    {
        File.WriteAllText(Path.Combine(_secrets.FullName, "honeycomb"), "x-honeycomb-team=abc");
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName), ("CSHARP_OTEL_OTLP_HEADERS_SECRET", "honeycomb"));

        OtlpHeadersSecret.Apply(configuration, new ConfigurationWarnings());

        Assert.Equal("x-honeycomb-team=abc", configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public void Apply_DefaultSecretAbsent_NothingHappensSilently()
    {
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName), ("OTEL_EXPORTER_OTLP_HEADERS", "a=b"));
        var warnings = new ConfigurationWarnings();

        OtlpHeadersSecret.Apply(configuration, warnings);

        Assert.Equal("a=b", configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Empty(warnings.All);
    }

    [Fact]
    public void Apply_NamedSecretMissing_OneWarningNamingItAndThePath()
    {
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName), ("CSHARP_OTEL_OTLP_HEADERS_SECRET", "missing"));
        var warnings = new ConfigurationWarnings();

        OtlpHeadersSecret.Apply(configuration, warnings);

        var warning = Assert.Single(warnings.All);
        Assert.Equal("CSHARP_OTEL_OTLP_HEADERS_SECRET", warning.Variable);
        Assert.Equal("missing", warning.Value);
        Assert.Equal($"{Path.Combine(_secrets.FullName, "missing")} does not exist; no headers read from a secret", warning.Fallback);
        Assert.Null(configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Theory]
    [InlineData(null)]          // the default name: absent is fine, a folder in its place is not
    [InlineData("honeycomb")]
    public void Apply_SecretIsAFolder_OneWarningSayingSo(string? named)
    {
        var name = named ?? "otel-exporter-otlp-headers";
        Directory.CreateDirectory(Path.Combine(_secrets.FullName, name));
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName), ("CSHARP_OTEL_OTLP_HEADERS_SECRET", named));
        var warnings = new ConfigurationWarnings();

        OtlpHeadersSecret.Apply(configuration, warnings);

        var warning = Assert.Single(warnings.All);
        Assert.Equal(("CSHARP_OTEL_OTLP_HEADERS_SECRET", name), (warning.Variable, warning.Value));
        Assert.Equal($"{Path.Combine(_secrets.FullName, name)} is a folder, not a file; no headers read from a secret", warning.Fallback);
        Assert.Null(configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public void Apply_MalformedContent_WarnsWithoutRevealingIt()
    {
        File.WriteAllText(Path.Combine(_secrets.FullName, "otel-exporter-otlp-headers"), "Bearer topsecret");
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName));
        var warnings = new ConfigurationWarnings();

        OtlpHeadersSecret.Apply(configuration, warnings);

        var warning = Assert.Single(warnings.All);
        Assert.Equal("otel-exporter-otlp-headers", warning.Value);
        Assert.DoesNotContain("topsecret", warning.ToString(), StringComparison.Ordinal);
        Assert.Null(configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public void Apply_NameWithPath_IsRefused()
    {
        var configuration = Settings.Of(("CSHARP_OTEL_SECRETS_DIR", _secrets.FullName), ("CSHARP_OTEL_OTLP_HEADERS_SECRET", "../etc/passwd"));
        var warnings = new ConfigurationWarnings();

        OtlpHeadersSecret.Apply(configuration, warnings);

        Assert.Equal("a secret name cannot contain '/' or '..'; no headers read from a secret", Assert.Single(warnings.All).Fallback);
    }

    public void Dispose() => _secrets.Delete(recursive: true);
}
