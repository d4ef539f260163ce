using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace FunctionHost.Propagation;

/// <summary>
/// Replaces .NET's own <see cref="DistributedContextPropagator.Current"/> so that the OTEL_PROPAGATORS choice is
/// the only one on the wire.
/// </summary>
/// <remarks>
/// Left alone, .NET propagates W3C by itself: ASP.NET Core hosting parents the request's activity on an incoming
/// <c>traceparent</c> (so <c>none</c> or <c>jaeger</c> alone would still follow W3C), and HttpClient's
/// DiagnosticsHandler adds <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> to outgoing requests (so a
/// <c>b3</c>-only function would still send W3C headers). This bridge extracts with the configured propagator and
/// injects nothing while the OpenTelemetry HttpClient instrumentation injects with the configured propagator
/// instead. When no tracer provider runs (OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none) that
/// instrumentation is absent, so the bridge injects the configured formats itself: a function that records
/// nothing still passes the trace it is part of on to the services it calls.
/// </remarks>
/// <param name="propagator">The formats OTEL_PROPAGATORS selected.</param>
/// <param name="injects">True when no OpenTelemetry HttpClient instrumentation will inject on outgoing calls.</param>
internal sealed class ActivityPropagatorBridge(TextMapPropagator propagator, bool injects = false) : DistributedContextPropagator
{
    private readonly IReadOnlyCollection<string> _fields = [.. propagator.Fields ?? new HashSet<string>()];

    public override IReadOnlyCollection<string> Fields => _fields;

    /// <summary>
    /// Nothing while the OpenTelemetry HttpClient instrumentation injects the configured formats; otherwise the
    /// configured formats for <paramref name="activity"/> and the baggage it carries.
    /// </summary>
    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (!injects || activity is null || carrier is null || setter is null || !HexId.IsValid(activity.Context))
        {
            return;
        }

        var baggage = Baggage.Current;
        foreach (var (key, value) in activity.Baggage)
        {
            if (value is not null && baggage.GetBaggage(key) is null)
            {
                baggage = baggage.SetBaggage(key, value);
            }
        }

        propagator.Inject(new PropagationContext(activity.Context, baggage), new HostingSetter(carrier, setter), HostingSetter.Set);
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = traceState = null;
        if (carrier is null || getter is null)
        {
            return;
        }

        var extracted = Extract(carrier, getter);

        // Kept for the next reader of these headers on this thread: the ASP.NET Core instrumentation (through
        // RequestContextPropagator) or, without it, ExtractBaggage below. Neither parses the headers again.
        ExtractedRequestContext.Set(carrier, extracted);

        var context = extracted.ActivityContext;
        if (HexId.IsValid(context))
        {
            // W3C form, which ASP.NET Core hosting parses into the parent context of the request's activity. When
            // the caller sent exactly this context as a traceparent, its header is that string already.
            traceId = IncomingTraceparent(carrier, context) ?? Traceparent(context);
            traceState = context.TraceState;
        }
    }

    /// <summary>
    /// None while the OpenTelemetry ASP.NET Core instrumentation extracts the baggage into <c>Baggage.Current</c>
    /// (a second copy on the activity would only be sent again). Without it, the baggage rides on the request's
    /// activity, so <see cref="Inject"/> passes it on.
    /// </summary>
    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        if (!injects || carrier is null || getter is null)
        {
            return null;
        }

        // Hosting asks for the trace id first, then for the baggage of the same headers.
        var baggage = ExtractedRequestContext.TryTake(carrier, out var extracted)
            ? extracted.Baggage
            : Extract(carrier, getter).Baggage;

        if (baggage.Count == 0)
        {
            return null;
        }

        var entries = new List<KeyValuePair<string, string?>>(baggage.Count);
        foreach (var (key, value) in baggage)
        {
            entries.Add(new KeyValuePair<string, string?>(key, value));
        }

        return entries;
    }

    /// <summary>
    /// ASP.NET Core hosting's carrier is the request's header dictionary: read it directly with a static getter (no
    /// closure per request), and hand the propagators the dictionary itself, which the uberctx-/ot-baggage- ones
    /// enumerate for prefixed names (CarrierHeaders.NamesWithPrefix). Any other carrier goes through its getter.
    /// </summary>
    private PropagationContext Extract(object carrier, PropagatorGetterCallback getter) => carrier is IHeaderDictionary headers
        ? propagator.Extract(default, headers, HeaderValues)
        : ExtractThroughGetter(carrier, getter);

    // Its own method: a lambda capturing a parameter makes the compiler allocate the closure on entry to the
    // method that declares it, so in Extract it would cost every request, header dictionary or not.
    private PropagationContext ExtractThroughGetter(object carrier, PropagatorGetterCallback getter)
        => propagator.Extract(default, carrier, (c, name) =>
        {
            getter(c, name, out var value, out var values);
            return values ?? (value is null ? null : [value]);
        });

    private static readonly Func<IHeaderDictionary, string, IEnumerable<string>?> HeaderValues =
        static (headers, name) => headers.TryGetValue(name, out var values) ? (IEnumerable<string>)values : null;

    /// <summary>
    /// The request's own traceparent header when it is exactly what <see cref="Traceparent"/> would build for
    /// <paramref name="context"/> (the usual case behind a traced caller), so no second string is made; null otherwise,
    /// e.g. another version, other flags, or another format won.
    /// </summary>
    private static string? IncomingTraceparent(object carrier, ActivityContext context)
    {
        if (carrier is not IHeaderDictionary headers || !headers.TryGetValue("traceparent", out var values) ||
            values.Count != 1 || values[0] is not { Length: TraceparentLength } header)
        {
            return null;
        }

        Span<char> expected = stackalloc char[TraceparentLength];
        WriteTraceparent(expected, context);
        return header.AsSpan().SequenceEqual(expected) ? header : null;
    }

    private const int TraceparentLength = 55;

    /// <summary>"00-{trace id}-{span id}-{flags}", built in one string.</summary>
    private static string Traceparent(ActivityContext context) =>
        string.Create(TraceparentLength, context, static (span, context) => WriteTraceparent(span, context));

    private static void WriteTraceparent(Span<char> span, ActivityContext context)
    {
        "00-".CopyTo(span);
        context.TraceId.ToHexString().CopyTo(span[3..]);
        span[35] = '-';
        context.SpanId.ToHexString().CopyTo(span[36..]);
        ((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "-01" : "-00").CopyTo(span[52..]);
    }

    /// <summary>HttpClient's header carrier and setter as one value, so the setter handed to the propagators is a
    /// static delegate instead of a closure allocated per call.</summary>
    private readonly record struct HostingSetter(object Carrier, PropagatorSetterCallback Setter)
    {
        public static readonly Action<HostingSetter, string, string> Set = static (c, name, value) => c.Setter(c.Carrier, name, value);
    }
}
