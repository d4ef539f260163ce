using System.Diagnostics;
using System.Text;
using FunctionHost.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace CSharpOtel.Tests.Propagation;

/// <summary>
/// Randomised robustness: thousands of generated and mutated header sets per propagator, fixed seeds so a failure
/// reproduces. Extraction must never throw and must yield either no context or one with well-formed ids, and
/// baggage within the W3C limits.
/// </summary>
public sealed class PropagationFuzzTest
{
    private const int Iterations = 4000;
    private const int MaxValueLength = 16 * 1024;

    private static readonly string[] Names = ["tracecontext", "baggage", "b3", "b3multi", "jaeger", "ottrace", "xray"];

    // Characters that matter to some format, plus control, non-ASCII and surrogate halves.
    private const string Alphabet = "0123456789abcdefABCDEF:-;=,%+ \t.d?!~*'()Rootaprens\u0000\u007f\u00e9\u2713\ud800\udc00";

    // Baggage values that can travel: no lone surrogates (those cannot be UTF-8 encoded and are dropped).
    private const string ValueAlphabet = "0123456789abcdefABCDEF:-;=,%+ .d?!~*'()\"\u00e9\u2713\u65e5";

    public static TheoryData<string> Propagators => [.. Names, string.Join(",", Names)];

    [Theory]
    [MemberData(nameof(Propagators))]
    public void Extract_MutatedHeaders_NeverThrowsAndYieldsWellFormedContext(string names)
    {
        var propagator = FunctionPropagation.Create(names.Split(','));
        var seeds = PropagationVectors.Load().Extract.Select(v => v.Headers).ToArray();
        // A fixed seed per propagator (string.GetHashCode is randomised per process, so not that).
        var random = new Random(20_251_124 + Array.IndexOf(Names, names));
        var valid = 0;

        for (var i = 0; i < Iterations; i++)
        {
            var headers = Mutate(random, seeds[random.Next(seeds.Length)]);
            var carrier = new Dictionary<string, string?[]>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in headers)
            {
                // Sometimes the same header twice, sometimes with a null entry, as real getters can return.
                carrier[name] = random.Next(8) switch
                {
                    0 => [value, Mutate(random, value)],
                    1 => [null, value],
                    _ => [value],
                };
            }

            PropagationContext context;
            try
            {
                // One format alone is read without HeaderPropagator's safety net: a parser that throws is a bug here.
                context = propagator.Propagators is [HeaderPropagator single]
                    ? single.ExtractUnguarded(default, carrier, Getter)
                    : propagator.Extract(default, carrier, Getter);
            }
            catch (Exception e)
            {
                Assert.Fail($"Extract threw on iteration {i} with {Describe(headers)}: {e}");
                throw;
            }

            if (AssertWellFormed(context.ActivityContext) || context.Baggage.Count > 0)
            {
                valid++;
            }

            AssertWithinLimits(context.Baggage);
        }

        // The mutations start from valid headers, so some survive: the checks above did see valid results.
        Assert.InRange(valid, 1, Iterations);
    }

    private static IEnumerable<string>? Getter(Dictionary<string, string?[]> carrier, string name)
        => carrier.TryGetValue(name, out var values) ? (IEnumerable<string>)values! : null;

    [Theory]
    [MemberData(nameof(Propagators))]
    public void InjectThenExtract_RandomContexts_RoundTrip(string names)
    {
        var propagator = FunctionPropagation.Create(names.Split(','));
        var carriesTrace = names != "baggage";
        var carriesBaggage = names is "baggage" or "jaeger" or "ottrace" || names.Contains(',', StringComparison.Ordinal);
        var random = new Random(7_919);
        for (var i = 0; i < Iterations / 4; i++)
        {
            var traceId = ActivityTraceId.CreateRandom();
            var spanId = ActivitySpanId.CreateRandom();
            var flags = random.Next(2) == 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
            var baggage = Baggage.Create(new Dictionary<string, string>
            {
                [$"k{random.Next(1000)}"] = RandomText(random, random.Next(1, 40), ValueAlphabet),
            });

            var carrier = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            propagator.Inject(new PropagationContext(new ActivityContext(traceId, spanId, flags), baggage), carrier,
                static (c, k, v) => c[k] = v);
            var extracted = propagator.Extract(default, carrier, static (c, k) => c.TryGetValue(k, out var v) ? [v] : null);

            if (carriesTrace)
            {
                // OT trace sends only the low 64 bits of the trace id.
                var expectedTrace = names == "ottrace" ? "0000000000000000" + traceId.ToHexString()[16..] : traceId.ToHexString();
                Assert.Equal(expectedTrace, extracted.ActivityContext.TraceId.ToHexString());
                Assert.Equal(spanId, extracted.ActivityContext.SpanId);
                Assert.Equal(flags, extracted.ActivityContext.TraceFlags);
            }

            if (carriesBaggage && names != "ottrace")
            {
                Assert.Equal(baggage.GetBaggage(), extracted.Baggage.GetBaggage());
            }
        }
    }

    [Theory]
    [InlineData("uber-trace-id", "jaeger", '%')]
    [InlineData("uber-trace-id", "jaeger", ':')]
    [InlineData("baggage", "baggage", ',')]
    [InlineData("baggage", "baggage", '%')]
    [InlineData("b3", "b3", '-')]
    [InlineData("x-amzn-trace-id", "xray", ';')]
    [InlineData("x-amzn-trace-id", "xray", '=')]
    public void Extract_HugeHeader_IsRejectedQuickly(string header, string name, char filler)
    {
        // 1 MB of the format's own separator: a parser that backtracks or rescans would take seconds here.
        var propagator = FunctionPropagation.Create([name]);
        var carrier = new Dictionary<string, string> { [header] = "k=v" + new string(filler, 1 << 20) };
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            propagator.Extract(default, carrier, static (c, k) => c.TryGetValue(k, out var v) ? [v] : null);
        }

        Assert.InRange(stopwatch.ElapsedMilliseconds, 0, 5_000);
    }

    private static bool AssertWellFormed(ActivityContext context)
    {
        if (context.TraceId == default || context.SpanId == default)
        {
            return false;
        }

        var trace = context.TraceId.ToHexString();
        var span = context.SpanId.ToHexString();
        Assert.Matches("^[0-9a-f]{32}$", trace);
        Assert.Matches("^[0-9a-f]{16}$", span);
        Assert.NotEqual(new string('0', 32), trace);
        Assert.NotEqual(new string('0', 16), span);
        Assert.True(context.IsRemote);
        return true;
    }

    private static void AssertWithinLimits(Baggage baggage)
    {
        Assert.InRange(baggage.Count, 0, BaggageLimits.MaxMembers);
        var bytes = baggage.GetBaggage().Sum(p => p.Key.Length + 1 + p.Value.Length);
        Assert.InRange(bytes, 0, BaggageLimits.MaxTotalBytes + BaggageLimits.MaxMembers * 16);
    }

    private static Dictionary<string, string> Mutate(Random random, Dictionary<string, string> seed)
    {
        var headers = new Dictionary<string, string>(seed, StringComparer.OrdinalIgnoreCase);
        var rounds = random.Next(1, 4);
        for (var r = 0; r < rounds; r++)
        {
            var keys = headers.Keys.ToArray();
            var key = keys.Length == 0 ? "x" : keys[random.Next(keys.Length)];
            switch (random.Next(10))
            {
                case 0:
                    headers.Remove(key);
                    break;
                case 1:
                    // A new prefixed baggage header with a random name.
                    headers[(random.Next(2) == 0 ? "uberctx-" : "ot-baggage-") + RandomText(random, random.Next(0, 6))] =
                        RandomText(random, random.Next(0, 30));
                    break;
                default:
                    headers[key] = Mutate(random, headers.GetValueOrDefault(key, ""));
                    break;
            }
        }

        return headers;
    }

    private static string Mutate(Random random, string? value)
    {
        var text = new StringBuilder(value ?? "");
        switch (random.Next(8))
        {
            case 0 when text.Length > 0:
                text[random.Next(text.Length)] = Alphabet[random.Next(Alphabet.Length)];
                break;
            case 1:
                text.Insert(random.Next(text.Length + 1), Alphabet[random.Next(Alphabet.Length)]);
                break;
            case 2 when text.Length > 0:
                text.Remove(random.Next(text.Length), 1);
                break;
            case 3:
                text.Length = random.Next(text.Length + 1);
                break;
            case 4 when text.Length > 0:
                // Repeat a slice many times: long and repetitive input.
                var start = random.Next(text.Length);
                var slice = text.ToString(start, random.Next(1, text.Length - start + 1));
                text.Insert(start, string.Concat(Enumerable.Repeat(slice, random.Next(2, 300))));
                break;
            case 5:
                text.Append(RandomText(random, random.Next(1, 50)));
                break;
            case 6 when text.Length > 0:
                var index = random.Next(text.Length);
                text[index] = char.IsUpper(text[index]) ? char.ToLowerInvariant(text[index]) : char.ToUpperInvariant(text[index]);
                break;
            default:
                text.Insert(random.Next(text.Length + 1), "%" + random.Next(256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                break;
        }

        // Real servers cap header sizes (Kestrel: 32 KB in all); 16 KB per value keeps the runs fast and bounded.
        if (text.Length > MaxValueLength)
        {
            text.Length = MaxValueLength;
        }

        return text.ToString();
    }

    private static string RandomText(Random random, int length, string alphabet = Alphabet)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Describe(Dictionary<string, string> headers)
        => string.Join("; ", headers.Select(h => $"{h.Key}: {h.Value}"));
}
