namespace CSharpOtel.Tests.Infrastructure;

/// <summary>A span as a real OTLP receiver stored it, with its resource's attributes.</summary>
public sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    int StatusCode,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> Resource,
    IReadOnlyList<string> EventNames)
{
    /// <summary>OTLP's SPAN_KIND_SERVER.</summary>
    public const int ServerKind = 2;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;
}
