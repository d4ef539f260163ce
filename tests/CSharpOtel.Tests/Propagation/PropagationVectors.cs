using System.Text.Json;

namespace CSharpOtel.Tests.Propagation;

/// <summary>The vectors generate.mjs records from the OpenTelemetry JS propagators (propagation-vectors.json).</summary>
public sealed class PropagationVectors
{
    public Dictionary<string, string> References { get; set; } = [];
    public List<InjectVector> Inject { get; set; } = [];
    public List<ExtractVector> Extract { get; set; } = [];

    public static PropagationVectors Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Propagation", "vectors", "propagation-vectors.json");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return JsonSerializer.Deserialize<PropagationVectors>(File.ReadAllText(path), options)
               ?? throw new InvalidOperationException("Empty vector file " + path);
    }

    public sealed class InjectVector
    {
        public string Id { get; set; } = "";
        public string Propagator { get; set; } = "";
        public VectorContext Context { get; set; } = new();
        public Dictionary<string, string> Headers { get; set; } = [];
        public string? Error { get; set; }
    }

    public sealed class VectorContext
    {
        public string Name { get; set; } = "";
        public string? TraceId { get; set; }
        public string? SpanId { get; set; }
        public bool Sampled { get; set; }
        public bool Debug { get; set; }
        public Dictionary<string, string>? Baggage { get; set; }
    }

    public sealed class ExtractVector
    {
        public string Id { get; set; } = "";
        public string Propagator { get; set; } = "";
        public Dictionary<string, string> Headers { get; set; } = [];
        public ExtractResult Result { get; set; } = new();
    }

    public sealed record ExtractResult
    {
        public bool Valid { get; init; }
        public string? TraceId { get; init; }
        public string? SpanId { get; init; }
        public bool Sampled { get; init; }
        public string? TraceState { get; init; }

        public Dictionary<string, string> Baggage { get; init; } = [];

        public override string ToString()
            => Valid
                ? $"valid {TraceId}/{SpanId} sampled={Sampled} tracestate={TraceState} baggage={Describe(Baggage)}"
                : $"invalid baggage={Describe(Baggage)}";

        private static string Describe(Dictionary<string, string> baggage)
            => "{" + string.Join(", ", baggage.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) + "}";
    }
}
