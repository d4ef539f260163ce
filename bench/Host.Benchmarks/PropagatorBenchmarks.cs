using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using FunctionHost.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Host.Benchmarks;

/// <summary>
/// Extract (headers present / absent) and Inject for each propagator, on the same carrier type and getter for all:
/// a Dictionary of header arrays, whose getter allocates nothing, so the figures are the propagators' own.
/// "tracecontext" is the SDK's TraceContextPropagator, the yardstick (goal: each extractor within 1.5x of it).
/// </summary>
[MemoryDiagnoser]
public class PropagatorBenchmarks
{
    private static readonly Func<Dictionary<string, string[]>, string, IEnumerable<string>?> Getter =
        static (carrier, name) => carrier.TryGetValue(name, out var values) ? values : null;

    private static readonly Action<Dictionary<string, string>, string, string> Setter =
        static (carrier, name, value) => carrier[name] = value;

    private TextMapPropagator _propagator = null!;
    private Dictionary<string, string[]> _present = null!;
    private Dictionary<string, string[]> _absent = null!;
    private Dictionary<string, string> _injectCarrier = null!;
    private PropagationContext _context;

    /// <summary>
    /// A propagator name; "sdk-baggage" is the SDK's BaggagePropagator, for comparison with ours; "jaeger+bag" and
    /// "ottrace+bag" add three baggage headers to the trace header; "all" is every format in one composite.
    /// </summary>
    [Params("tracecontext", "b3", "b3multi", "jaeger", "ottrace", "xray", "baggage", "sdk-baggage", "jaeger+bag", "ottrace+bag", "all")]
    public string Propagator { get; set; } = "tracecontext";

    [GlobalSetup]
    public void Setup()
    {
        var withBaggage = Propagator is "baggage" or "sdk-baggage" or "jaeger+bag" or "ottrace+bag" or "all";
        _propagator = Propagator switch
        {
            "all" => FunctionPropagation.Create(PropagatorNames.Known),
            "sdk-baggage" => new BaggagePropagator(),
            _ => FunctionPropagation.Create([Propagator.Replace("+bag", "", StringComparison.Ordinal)]).Propagators[0],
        };

        var activityContext = new ActivityContext(
            ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"),
            ActivitySpanId.CreateFromString("00f067aa0ba902b7"), ActivityTraceFlags.Recorded);
        var baggage = withBaggage
            ? Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "jane doe", ["region"] = "eu-west-1" })
            : default;
        _context = new PropagationContext(activityContext, baggage);

        // Typical request headers around the propagation headers, in both carriers.
        var common = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = ["gateway:8080"],
            ["user-agent"] = ["curl/8.5.0"],
            ["accept"] = ["*/*"],
            ["content-type"] = ["application/json"],
            ["x-forwarded-for"] = ["10.0.0.1"],
        };
        _absent = new Dictionary<string, string[]>(common, StringComparer.OrdinalIgnoreCase);
        var injected = new Dictionary<string, string>();
        _propagator.Inject(_context, injected, Setter);
        _present = new Dictionary<string, string[]>(common, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in injected)
        {
            _present[name] = [value];
        }

        _injectCarrier = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    [Benchmark]
    public PropagationContext ExtractPresent() => _propagator.Extract(default, _present, Getter);

    [Benchmark]
    public PropagationContext ExtractAbsent() => _propagator.Extract(default, _absent, Getter);

    [Benchmark]
    public int Inject()
    {
        _injectCarrier.Clear();
        _propagator.Inject(_context, _injectCarrier, Setter);
        return _injectCarrier.Count;
    }
}
