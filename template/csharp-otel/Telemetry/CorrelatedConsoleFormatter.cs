using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FunctionHost.Lifecycle;
using FunctionHost.OpenFaaS;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FunctionHost.Telemetry;

/// <summary>
/// Writes each log line to stdout as one JSON object or one logfmt line carrying <c>trace_id</c>, <c>span_id</c>
/// and <c>call_id</c> of the invocation it belongs to, so log pipelines (Loki, Elastic, ...) can parse it and link
/// it to the trace. The ids come from <see cref="Activity.Current"/>; the call id from the server span's
/// faas.invocation_id, which <see cref="InvocationTelemetry"/> sets.
/// </summary>
internal sealed class CorrelatedConsoleFormatter(LogFormat format) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "csharp-otel";

    private static readonly string[] Reserved = ["time", "level", "category", "msg", "trace_id", "span_id", "call_id", "event_id", "exception"];

    // logfmt: a key cannot hold a space, a control character, '=' or '"'; a value holding one of those, or '\', is quoted.
    private static readonly char[] SpaceAndControls = [.. Enumerable.Range(0, 33).Select(c => (char)c)];
    private static readonly SearchValues<char> NotInKey = SearchValues.Create([.. SpaceAndControls, '=', '"']);
    private static readonly SearchValues<char> Quoted = SearchValues.Create([.. SpaceAndControls, '=', '"', '\\']);

    // Log lines are read by log pipelines and people, never embedded in HTML: keep ' + < > readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // One writer per thread and format, reused, so a line costs no buffer, writer or builder of its own.
    [ThreadStatic]
    private static JsonLine? t_json;

    [ThreadStatic]
    private static LogfmtLine? t_logfmt;

    /// <summary>Chooses how ILogger lines are written to stdout, which OpenFaaS collects as the function's logs.</summary>
    public static void Use(ILoggingBuilder logging, LogFormat format)
    {
        if (format == LogFormat.Simple)
        {
            return;
        }

        logging.AddConsole();
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter>(new CorrelatedConsoleFormatter(format)));
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = FormatterName);

        // This formatter writes no scopes, yet ASP.NET Core begins one per request (208 bytes with its async-local
        // updates). Captured only while another logger provider may write them: the OTLP log exporter's, or one the
        // handler's Initialize hook adds (looked for when the options are first built, after every registration).
        logging.Services.Configure<LoggerFilterOptions>(options => options.CaptureScopes &= logging.Services.Any(MayWriteScopes));
    }

    private static bool MayWriteScopes(ServiceDescriptor service) =>
        service.ServiceType == typeof(ILoggerProvider) && !service.IsKeyedService &&
        service.ImplementationType != typeof(ConsoleLoggerProvider) && service.ImplementationType != typeof(RequestRejectionLog);

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        LineWriter line = format == LogFormat.Logfmt ? t_logfmt ??= new LogfmtLine() : t_json ??= new JsonLine();
        var activity = Activity.Current;
        line.Start(DateTime.UtcNow);
        line.Field("level", Level(logEntry.LogLevel));
        line.Field("category", logEntry.Category);
        line.Field("msg", message ?? "");
        line.Field("trace_id", activity?.TraceId.ToHexString());
        line.Field("span_id", activity?.SpanId.ToHexString());
        line.Field("call_id", CallId(activity));
        if (logEntry.EventId.Id != 0)
        {
            line.EventId(logEntry.EventId.Id);
        }

        line.Field("exception", logEntry.Exception?.ToString());
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            // The message template's named values, except its template and keys this formatter writes itself.
            for (var i = 0; i < state.Count; i++)
            {
                var (key, value) = state[i];
                if (key != "{OriginalFormat}" && Array.IndexOf(Reserved, key) < 0 && key.Length > 0 && !key.AsSpan().ContainsAny(NotInKey))
                {
                    line.Field(key, value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                }
            }
        }

        line.End(textWriter);
    }

    /// <summary>The call id of the invocation <paramref name="activity"/> belongs to, from its server span.</summary>
    public static string? CallId(Activity? activity)
    {
        for (var current = activity; current is not null; current = current.Parent)
        {
            if (current.GetTagItem(InvocationAttributes.InvocationId) is string callId)
            {
                return callId;
            }
        }

        return null;
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "fatal",
        _ => "none",
    };

    /// <summary>One line: JSON and logfmt are given the same fields in the same order.</summary>
    private abstract class LineWriter
    {
        public abstract void Start(DateTime time);

        /// <summary>Writes the field unless <paramref name="value"/> is null.</summary>
        public abstract void Field(string key, string? value);

        public abstract void EventId(int id);

        public abstract void End(TextWriter textWriter);
    }

    private sealed class JsonLine : LineWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(512);
        private readonly Utf8JsonWriter _json;
        private char[] _chars = new char[1024];

        public JsonLine() => _json = new Utf8JsonWriter(_buffer, JsonOptions);

        public override void Start(DateTime time)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("time", time);
        }

        public override void Field(string key, string? value)
        {
            if (value is not null)
            {
                _json.WriteString(key, value);
            }
        }

        public override void EventId(int id) => _json.WriteNumber("event_id", id);

        public override void End(TextWriter textWriter)
        {
            _json.WriteEndObject();
            _json.Flush();

            // Decoded into a reused buffer: the console logger copies the text into its own builder anyway, so an
            // intermediate string per line would be garbage at once.
            var bytes = _buffer.WrittenSpan;
            var needed = Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1;
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            var count = Encoding.UTF8.GetChars(bytes, _chars);
            _chars[count++] = '\n';
            textWriter.Write(_chars, 0, count);

            // A line with a long exception must not keep large buffers alive on the thread.
            if (_chars.Length > 16 * 1024)
            {
                t_json = null;
            }
        }
    }

    private sealed class LogfmtLine : LineWriter
    {
        private readonly StringBuilder _builder = new(256);

        public override void Start(DateTime time) => _builder.Clear().Append("time=").Append(CultureInfo.InvariantCulture, $"{time:O}");

        public override void EventId(int id) => _builder.Append(" event_id=").Append(id);

        public override void End(TextWriter textWriter)
        {
            _builder.Append('\n');
            textWriter.Write(_builder);

            // A line with a long exception must not keep a large builder alive on the thread.
            if (_builder.Capacity > 16 * 1024)
            {
                t_logfmt = null;
            }
        }

        /// <summary>logfmt: a bare value when it can be, else quoted and escaped.</summary>
        public override void Field(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            _builder.Append(' ').Append(key).Append('=');
            if (value.Length > 0 && !value.AsSpan().ContainsAny(Quoted))
            {
                _builder.Append(value);
                return;
            }

            _builder.Append('"');
            foreach (var c in value)
            {
                _ = c switch
                {
                    '"' => _builder.Append("\\\""),
                    '\\' => _builder.Append("\\\\"),
                    '\n' => _builder.Append("\\n"),
                    '\r' => _builder.Append("\\r"),
                    '\t' => _builder.Append("\\t"),
                    _ => _builder.Append(c),
                };
            }

            _builder.Append('"');
        }
    }
}
