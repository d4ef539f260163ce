using System.Diagnostics;
using FunctionHost.Propagation;
using OpenTelemetry.Context.Propagation;

namespace CSharpOtel.Tests.Propagation;

/// <summary>The defensive shape every propagator inherits: surprises mean "no context", never an exception.</summary>
public sealed class HeaderPropagatorTest
{
    private static readonly PropagationContext Given = new(
        new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded), default);

    [Fact]
    public void Extract_WhenTheFormatThrows_ReturnsTheContextItWasGiven()
    {
        var propagator = new Throwing();
        var result = propagator.Extract(Given, new Dictionary<string, string>(), static (_, _) => ["x"]);
        Assert.Equal(1, propagator.Extracts);
        Assert.Equal(Given, result);
    }

    [Fact]
    public void Extract_WithoutCarrierOrGetter_NeverReadsAndReturnsTheContextItWasGiven()
    {
        var propagator = new Throwing();
        Assert.Equal(Given, propagator.Extract<Dictionary<string, string>>(Given, null!, static (_, _) => ["x"]));
        Assert.Equal(Given, propagator.Extract(Given, new Dictionary<string, string>(), null!));
        Assert.Equal(0, propagator.Extracts);
    }

    [Fact]
    public void Inject_WithoutCarrierOrSetter_WritesNothing()
    {
        var propagator = new Throwing();
        propagator.Inject<Dictionary<string, string>>(Given, null!, static (_, _, _) => { });
        propagator.Inject(Given, new Dictionary<string, string>(), null!);
        Assert.Equal(0, propagator.Injects);

        var carrier = new Dictionary<string, string>();
        propagator.Inject(Given, carrier, static (c, k, v) => c[k] = v);
        Assert.Equal(1, propagator.Injects);
        Assert.Equal("written", carrier["x-test"]);
    }

    private sealed class Throwing : HeaderPropagator
    {
        public int Extracts { get; private set; }

        public int Injects { get; private set; }

        public override ISet<string> Fields { get; } = new HashSet<string> { "x-test" };

        protected override PropagationContext ExtractFrom<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
        {
            Extracts++;
            throw new FormatException("a surprise while reading");
        }

        protected override void InjectInto<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
        {
            Injects++;
            setter(carrier, "x-test", "written");
        }
    }
}
