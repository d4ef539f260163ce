using System.Diagnostics;
using System.Text.Json;
using FunctionHost.OpenFaaS;
using FunctionHost.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CSharpOtel.Tests.Telemetry;

public class CorrelatedConsoleFormatterTest
{
    private static string Write(LogFormat format, Exception? exception = null)
    {
        var formatter = new CorrelatedConsoleFormatter(format);
        var state = new List<KeyValuePair<string, object?>>
        {
            new("Length", 42),
            new("Who", "a \"quoted\" name"),
            new("{OriginalFormat}", "Received {Length} from {Who}"),
        };
        var entry = new LogEntry<List<KeyValuePair<string, object?>>>(
            LogLevel.Information, "Function.Handler", new EventId(7), state, exception, (_, _) => "Received 42 from a \"quoted\" name");
        using var writer = new StringWriter();
        formatter.Write(entry, null, writer);
        return writer.ToString();
    }

    private static Activity StartServerSpanWithCallId(string callId)
    {
        var server = new Activity("server").SetIdFormat(ActivityIdFormat.W3C).Start();
        server.SetTag(InvocationAttributes.InvocationId, callId);
        return server;
    }

    [Fact]
    public void Json_InsideAnInvocation_CarriesTraceSpanAndCallIdsAndTheTemplateValues()
    {
        using var server = StartServerSpanWithCallId("call-1");
        using var child = new Activity("handler").Start(); // a handler's own span: the call id is found on its parent

        var line = Write(LogFormat.Json);

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal("Function.Handler", root.GetProperty("category").GetString());
        Assert.Equal("Received 42 from a \"quoted\" name", root.GetProperty("msg").GetString());
        Assert.Equal(child.TraceId.ToHexString(), root.GetProperty("trace_id").GetString());
        Assert.Equal(child.SpanId.ToHexString(), root.GetProperty("span_id").GetString());
        Assert.Equal("call-1", root.GetProperty("call_id").GetString());
        Assert.Equal("42", root.GetProperty("Length").GetString());
        Assert.Equal(7, root.GetProperty("event_id").GetInt32());
        Assert.False(root.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Logfmt_InsideAnInvocation_QuotesWhatNeedsQuoting()
    {
        using var server = StartServerSpanWithCallId("call-2");

        var line = Write(LogFormat.Logfmt, new InvalidOperationException("boom"));

        Assert.Contains($" trace_id={server.TraceId.ToHexString()} span_id={server.SpanId.ToHexString()} call_id=call-2", line, StringComparison.Ordinal);
        Assert.Contains(" level=info category=Function.Handler msg=\"Received 42 from a \\\"quoted\\\" name\"", line, StringComparison.Ordinal);
        Assert.Contains(" Length=42 Who=\"a \\\"quoted\\\" name\"", line, StringComparison.Ordinal);
        Assert.Contains("exception=\"System.InvalidOperationException: boom\"", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Json_OutsideAnInvocation_LeavesTheIdsOut()
    {
        Activity.Current = null;
        using var json = JsonDocument.Parse(Write(LogFormat.Json));
        Assert.False(json.RootElement.TryGetProperty("trace_id", out _));
        Assert.False(json.RootElement.TryGetProperty("call_id", out _));
    }
}
