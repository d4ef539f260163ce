using System.Diagnostics;
using FunctionHost.Propagation;
using Microsoft.AspNetCore.Http;

namespace CSharpOtel.Tests.Propagation;

/// <summary>
/// The ASP.NET Core instrumentation's extraction takes what the bridge extracted from the same request, once, and
/// never another request's context.
/// </summary>
public sealed class RequestContextPropagatorTest
{
    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly ActivityPropagatorBridge Bridge = new(FunctionPropagation.Create(["tracecontext", "baggage"]));
    private static readonly RequestContextPropagator Default = new(FunctionPropagation.Create(["tracecontext", "baggage"]));

    private static HttpRequest Request(string traceparent, string baggage)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["traceparent"] = traceparent;
        context.Request.Headers["baggage"] = baggage;
        return context.Request;
    }

    private static string? BridgeTraceId(HttpRequest request)
    {
        // ASP.NET Core hosting's call: the carrier is the header dictionary.
        Bridge.ExtractTraceIdAndState(request.Headers, static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((IHeaderDictionary)carrier!)[name];
        }, out var traceId, out _);
        return traceId;
    }

    [Fact]
    public void BridgeExtraction_FromHostingsHeaderDictionaryWithoutContext_AllocatesNothing()
    {
        // Every request without a caller's context passes here: no closure, no list, no string.
        var headers = new DefaultHttpContext().Request.Headers;
        headers["host"] = "example";
        headers["content-type"] = "text/plain";
        DistributedContextPropagator.PropagatorGetterCallback getter = static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((IHeaderDictionary)carrier!)[name];
        };
        Bridge.ExtractTraceIdAndState(headers, getter, out _, out _); // warm up: JIT and static initialisers

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Bridge.ExtractTraceIdAndState(headers, getter, out var traceId, out _);
            Assert.Null(traceId);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BridgeExtraction_OfACallersTraceparent_HandsHostingTheHeaderItself()
    {
        var request = Request(Traceparent, "tenant=acme");

        Assert.Same(request.Headers["traceparent"].ToString(), BridgeTraceId(request));
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    public void BridgeExtraction_OfAnotherTraceparentForm_HandsHostingTheVersion00Form(string header, string expected)
    {
        // Flags beyond "sampled" and later versions: ASP.NET Core gets what .NET can represent, in the form it parses.
        Assert.Equal(expected, BridgeTraceId(Request(header, "tenant=acme")));
    }

    [Fact]
    public void InstrumentationExtraction_AfterTheBridge_TakesItsContextWithoutReadingHeaders()
    {
        var request = Request(Traceparent, "tenant=acme");
        Assert.Equal(Traceparent, BridgeTraceId(request));

        var reads = 0;
        var taken = Default.Extract(default, request, (r, name) => { reads++; return r.Headers[name]; });

        Assert.Equal(0, reads);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", taken.ActivityContext.TraceId.ToHexString());
        Assert.Equal("acme", taken.Baggage.GetBaggage("tenant"));

        // Taken once: a second extraction of the same request parses the headers itself, with the same result.
        var again = Default.Extract(default, request, (r, name) => { reads++; return r.Headers[name]; });
        Assert.True(reads > 0);
        Assert.Equal(taken.ActivityContext, again.ActivityContext);
        Assert.Equal("acme", again.Baggage.GetBaggage("tenant"));
    }

    [Fact]
    public void InstrumentationExtraction_OfAnotherRequest_IgnoresTheBridgesContext()
    {
        BridgeTraceId(Request(Traceparent, "tenant=acme"));
        var other = Request("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tenant=other");

        var extracted = Default.Extract(default, other, static (r, name) => r.Headers[name]);

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", extracted.ActivityContext.TraceId.ToHexString());
        Assert.Equal("other", extracted.Baggage.GetBaggage("tenant"));
    }
}
