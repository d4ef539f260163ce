using System.Diagnostics;
using FunctionHost.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using static CSharpOtel.Tests.Propagation.PropagationVectors;

namespace CSharpOtel.Tests.Propagation;

/// <summary>
/// Our propagators against the OpenTelemetry JS reference (vectors/propagation-vectors.json): injection header for
/// header, extraction context for context, except the deliberate deviations listed below with their reasons.
/// </summary>
public sealed class PropagationVectorTest
{
    private static readonly PropagationVectors Vectors = PropagationVectors.Load();

    private static ExtractResult Invalid(ExtractResult reference) => new() { Baggage = reference.Baggage };

    /// <summary>
    /// Extraction deviations: vector id, why, and how our result differs from the reference's.
    /// Every entry is also listed in the README's "Deliberate deviations" section.
    /// </summary>
    private static readonly Dictionary<string, (string Reason, Func<ExtractResult, ExtractResult> Ours)> ExtractDeviations = new()
    {
        // Jaeger flags are a bitmask: 0x02 (debug) implies sampled. The reference only looks at bit 0x01.
        ["jaeger/flags-debug-only"] = ("debug implies sampled", r => r with { Sampled = true }),
        // The reference reads unparseable flags as "sampled"; a header we cannot read is rejected instead.
        ["jaeger/flags-not-hex"] = ("malformed flags reject the header", Invalid),
        ["jaeger/flags-three-digits"] = ("flags are one byte: malformed, rejected", Invalid),
        ["jaeger/flags-empty"] = ("malformed flags reject the header", Invalid),
        // Ids are kept in .NET's canonical lowercase form; the reference keeps the case it received. Same id.
        ["jaeger/uppercase-hex"] = ("ids normalised to lowercase", r => r with { TraceId = r.TraceId?.ToLowerInvariant(), SpanId = r.SpanId?.ToLowerInvariant() }),

        // An absent B3 sampling decision defers to the local sampler (B3 spec, OTel spec); the reference turns it
        // into "not sampled", which makes a parent-based sampler drop the trace. We hand it on as sampled, which
        // is the local decision of the default sampler (parentbased_always_on).
        ["b3/single-no-sampling-state"] = ("absent sampling state defers: sampled", r => r with { Sampled = true }),
        ["b3multi/single-no-sampling-state"] = ("absent sampling state defers: sampled", r => r with { Sampled = true }),
        ["b3/multi-deferred"] = ("absent X-B3-Sampled defers: sampled", r => r with { Sampled = true }),
        ["b3multi/multi-deferred"] = ("absent X-B3-Sampled defers: sampled", r => r with { Sampled = true }),
        // The reference's single-header regex is not anchored, so it finds ids inside garbage; B3 ids are exact.
        ["b3/single-bad-parent"] = ("a malformed parent span id makes the header malformed", Invalid),
        ["b3multi/single-bad-parent"] = ("a malformed parent span id makes the header malformed", Invalid),
        ["b3/single-with-prefix-garbage"] = ("the header must be exactly the B3 layout", Invalid),
        ["b3multi/single-with-prefix-garbage"] = ("the header must be exactly the B3 layout", Invalid),
        // A sampling state other than 1, 0 or d makes the header malformed; the reference skips it and reads "not sampled".
        ["b3/single-bad-sampling-state"] = ("malformed sampling state rejects the header", Invalid),
        ["b3multi/single-bad-sampling-state"] = ("malformed sampling state rejects the header", Invalid),
        // X-B3-TraceId is 16 or 32 hex digits; the reference pads any length.
        ["b3/multi-20-digit-trace"] = ("trace id must be 64 or 128 bits", Invalid),
        ["b3multi/multi-20-digit-trace"] = ("trace id must be 64 or 128 bits", Invalid),
        // Spec: extract tries the single header, then the multi headers. The reference stops at an unusable b3.
        ["b3/single-invalid-multi-valid"] = ("falls back to the multi headers", r => Expected(r, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true)),
        ["b3multi/single-invalid-multi-valid"] = ("falls back to the multi headers", r => Expected(r, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true)),

        // X-Ray "Sampled=?" or no Sampled field means "not decided": deferred like B3, handed on as sampled.
        ["xray/sampled-absent"] = ("undecided sampling defers: sampled", r => Expected(r, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true)),
        ["xray/sampled-question"] = ("undecided sampling defers: sampled", r => Expected(r, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true)),
    };

    /// <summary>Injection deviations: vector id, why, and the headers we send instead.</summary>
    private static readonly Dictionary<string, (string Reason, Func<Dictionary<string, string>, Dictionary<string, string>> Ours)> InjectDeviations = new()
    {
        // .NET's ActivityContext has no debug bit: debug arrives as sampled and leaves as sampled.
        ["b3/debug"] = ("no debug bit in .NET: sent as sampled", h => Replace(h, "b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")),
        ["b3multi/debug"] = ("no debug bit in .NET: sent as sampled", h => Without(Replace(h, "x-b3-sampled", "1"), "x-b3-flags")),
        // Baggage keys that are not header tokens cannot be header names: HttpClient would throw. Dropped.
        ["jaeger/baggage-odd-keys"] = ("keys that are no header token are not sent", h => Without(h, "uberctx-key with space", "uberctx-k,comma", "uberctx-ünï")),
        // Prefixed baggage headers obey the W3C baggage limits (8192 bytes in all); the reference sends everything,
        // which proxies with 8 KB header buffers (NGINX's default) reject. Whole members are dropped, in order.
        ["jaeger/baggage-over-8192-bytes"] = ("capped at 8192 bytes", h => Without(h, "uberctx-big8", "uberctx-big9")),
        ["ottrace/baggage-over-8192-bytes"] = ("capped at 8192 bytes", h => Without(h, "ot-baggage-big8", "ot-baggage-big9")),
    };

    public static TheoryData<string> InjectIds => [.. Vectors.Inject.Select(v => v.Id)];

    public static TheoryData<string> ExtractIds => [.. Vectors.Extract.Select(v => v.Id)];

    [Fact]
    public void Vectors_CoverEveryPropagator()
    {
        string[] all = ["tracecontext", "baggage", "b3", "b3multi", "jaeger", "ottrace", "xray"];
        Assert.Equal(all.Order(), Vectors.Inject.Select(v => v.Propagator).Distinct().Order());
        Assert.Equal(all.Order(), Vectors.Extract.Select(v => v.Propagator).Distinct().Order());
        Assert.All(ExtractDeviations.Keys, id => Assert.Contains(Vectors.Extract, v => v.Id == id));
        Assert.All(InjectDeviations.Keys, id => Assert.Contains(Vectors.Inject, v => v.Id == id));
    }

    [Theory]
    [MemberData(nameof(InjectIds))]
    public void Inject_MatchesReference(string id)
    {
        var vector = Vectors.Inject.Single(v => v.Id == id);
        Assert.Null(vector.Error);
        var expected = vector.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        if (InjectDeviations.TryGetValue(id, out var deviation))
        {
            expected = deviation.Ours(expected);
        }

        var context = vector.Context;
        var activityContext = context.TraceId is null
            ? default
            : new ActivityContext(ActivityTraceId.CreateFromString(context.TraceId), ActivitySpanId.CreateFromString(context.SpanId),
                context.Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None);
        var baggage = context.Baggage is null ? default : Baggage.Create(context.Baggage);

        var carrier = new Dictionary<string, string>(StringComparer.Ordinal);
        Create(vector.Propagator).Inject(new PropagationContext(activityContext, baggage), carrier,
            static (c, name, value) => c[name.ToLowerInvariant()] = value);

        Assert.Equal(expected.OrderBy(h => h.Key, StringComparer.Ordinal), carrier.OrderBy(h => h.Key, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ExtractIds))]
    public void Extract_MatchesReference(string id)
    {
        var vector = Vectors.Extract.Single(v => v.Id == id);
        var expected = vector.Result;
        if (ExtractDeviations.TryGetValue(id, out var deviation))
        {
            expected = deviation.Ours(expected);
        }

        var carrier = new Dictionary<string, string>(vector.Headers, StringComparer.OrdinalIgnoreCase);
        var extracted = Create(vector.Propagator).Extract(default, carrier,
            static (c, name) => c.TryGetValue(name, out var value) ? [value] : null);

        var activityContext = extracted.ActivityContext;
        var valid = activityContext.TraceId != default && activityContext.SpanId != default;
        var actual = new ExtractResult
        {
            Valid = valid,
            TraceId = valid ? activityContext.TraceId.ToHexString() : null,
            SpanId = valid ? activityContext.SpanId.ToHexString() : null,
            Sampled = valid && (activityContext.TraceFlags & ActivityTraceFlags.Recorded) != 0,
            TraceState = valid && !string.IsNullOrEmpty(activityContext.TraceState) ? activityContext.TraceState : null,
            Baggage = extracted.Baggage.GetBaggage().ToDictionary(),
        };

        Assert.Equal(expected.ToString(), actual.ToString());
    }

    private static TextMapPropagator Create(string name) => FunctionPropagation.Create([name]).Propagators[0];

    private static ExtractResult Expected(ExtractResult reference, string traceId, string spanId, bool sampled)
        => reference with { Valid = true, TraceId = traceId, SpanId = spanId, Sampled = sampled };

    private static Dictionary<string, string> Replace(Dictionary<string, string> headers, string name, string value)
        => new(headers) { [name] = value };

    private static Dictionary<string, string> Without(Dictionary<string, string> headers, params string[] names)
        => headers.Where(h => !names.Contains(h.Key)).ToDictionary();
}
