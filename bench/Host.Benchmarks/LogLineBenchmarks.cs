using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using FunctionHost.OpenFaaS;
using FunctionHost.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Host.Benchmarks;

/// <summary>
/// One stdout log line through the host's formatter (Telemetry/CorrelatedConsoleFormatter.cs), JSON and logfmt,
/// inside a traced invocation, with a message template of two values: what a handler's LogInformation costs
/// in the formatter (the console logger's own queue and write are the same for every formatter).
/// </summary>
[MemoryDiagnoser]
public class LogLineBenchmarks
{
    private static readonly Func<FormattedValues, Exception?, string> Format = static (state, _) => state.ToString();

    private CorrelatedConsoleFormatter _formatter = null!;
    private StringWriter _writer = null!;
    private Activity _activity = null!;
    private LogEntry<FormattedValues> _entry;

    /// <summary>CSHARP_OTEL_LOG_FORMAT: json or logfmt.</summary>
    [Params("json", "logfmt")]
    public string LineFormat { get; set; } = "json";

    [GlobalSetup]
    public void Setup()
    {
        _activity = new Activity("invocation").SetIdFormat(ActivityIdFormat.W3C).Start();
        _activity.SetTag(InvocationAttributes.InvocationId, "5a9d3c8e-3b1f-4c55-9d3e-2f8a6b7c1d20");
        _formatter = new CorrelatedConsoleFormatter(LineFormat == "logfmt" ? LogFormat.Logfmt : LogFormat.Json);
        _writer = new StringWriter();
        _entry = new LogEntry<FormattedValues>(LogLevel.Information, "Function.Handler", new EventId(0),
            new FormattedValues("order {OrderId} for {Customer}", 4711, "jane"), null, Format);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _activity.Dispose();
    }

    [Benchmark]
    public int WriteLine()
    {
        _writer.GetStringBuilder().Clear();
        _formatter.Write(in _entry, null, _writer);
        return _writer.GetStringBuilder().Length;
    }

    /// <summary>A two-value message template's state, as LoggerMessage/LogInformation produce it.</summary>
    public readonly struct FormattedValues(string template, int orderId, string customer) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("OrderId", orderId),
            1 => new("Customer", customer),
            _ => new("{OriginalFormat}", template),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"order {orderId} for {customer}";
    }
}
