namespace FunctionHost.Configuration;

/// <summary>One environment variable: its name, its default as docs/configuration.md shows it, and what it does.</summary>
internal sealed record Variable(string Name, string Default, string Meaning);
