using Microsoft.Extensions.Configuration;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>Configuration built from key/value pairs, standing in for environment variables.</summary>
public static class Settings
{
    public static IConfiguration Of(params (string Key, string? Value)[] pairs)
        => new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    public static IDictionary<string, string?> Dictionary(params (string Key, string? Value)[] pairs)
        => pairs.ToDictionary(p => p.Key, p => p.Value);
}
