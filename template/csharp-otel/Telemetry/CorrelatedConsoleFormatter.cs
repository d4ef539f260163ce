using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FunctionHost.OpenFaaS;
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

    // Log lines are read by log pipelines and people, never embedded in HTML: keep ' + < > readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Per thread and reused, so a line costs no buffer, writer or builder of its own.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    [ThreadStatic]
    private static char[]? t_chars;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var activity = Activity.Current;
        var line = new LogLine(
            DateTime.UtcNow,
            Level(logEntry.LogLevel),
            logEntry.Category,
            message ?? "",
            activity?.TraceId.ToHexString(),
            activity?.SpanId.ToHexString(),
            CallId(activity),
            logEntry.EventId.Id,
            logEntry.Exception?.ToString(),
            logEntry.State as IReadOnlyList<KeyValuePair<string, object?>>);

        if (format == LogFormat.Logfmt)
        {
            WriteLogfmt(line, textWriter);
        }
        else
        {
            WriteJson(line, textWriter);
        }
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

    private static void WriteJson(in LogLine line, TextWriter textWriter)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var json = t_json ??= new Utf8JsonWriter(buffer, JsonOptions);
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("time", line.Time);
        json.WriteString("level", line.Level);
        json.WriteString("category", line.Category);
        json.WriteString("msg", line.Message);
        WriteIfPresent(json, "trace_id", line.TraceId);
        WriteIfPresent(json, "span_id", line.SpanId);
        WriteIfPresent(json, "call_id", line.CallId);
        if (line.EventId != 0)
        {
            json.WriteNumber("event_id", line.EventId);
        }

        WriteIfPresent(json, "exception", line.Exception);
        ForEachProperty(line.State, json, static (json, key, value) => json.WriteString(key, value));
        json.WriteEndObject();
        json.Flush();

        // Decoded into a reused buffer: the console logger copies the text into its own builder anyway, so an
        // intermediate string per line would be garbage at once.
        var bytes = buffer.WrittenSpan;
        var chars = t_chars;
        var needed = Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1;
        if (chars is null || chars.Length < needed)
        {
            chars = t_chars = new char[Math.Max(needed, 1024)];
        }

        var count = Encoding.UTF8.GetChars(bytes, chars);
        chars[count++] = '\n';
        textWriter.Write(chars, 0, count);

        // A line with a long exception must not keep large buffers alive on the thread.
        if (chars.Length > 16 * 1024)
        {
            t_chars = null;
            t_buffer = null;
            t_json = null;
        }
    }

    private static void WriteLogfmt(in LogLine line, TextWriter textWriter)
    {
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        builder.Append("time=").Append(CultureInfo.InvariantCulture, $"{line.Time:O}");
        Append(builder, "level", line.Level);
        Append(builder, "category", line.Category);
        Append(builder, "msg", line.Message);
        Append(builder, "trace_id", line.TraceId);
        Append(builder, "span_id", line.SpanId);
        Append(builder, "call_id", line.CallId);
        if (line.EventId != 0)
        {
            builder.Append(" event_id=").Append(line.EventId);
        }

        Append(builder, "exception", line.Exception);
        ForEachProperty(line.State, builder, static (builder, key, value) => Append(builder, key, value));
        builder.Append('\n');
        textWriter.Write(builder);

        // A line with a long exception must not keep a large builder alive on the thread.
        if (builder.Capacity > 16 * 1024)
        {
            t_builder = null;
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string key, string? value)
    {
        if (value is not null)
        {
            json.WriteString(key, value);
        }
    }

    /// <summary>The message template's named values, except its template and keys this formatter writes itself.</summary>
    private static void ForEachProperty<TTarget>(IReadOnlyList<KeyValuePair<string, object?>>? state, TTarget target, Action<TTarget, string, string> write)
    {
        if (state is null)
        {
            return;
        }

        for (var i = 0; i < state.Count; i++)
        {
            var (key, value) = state[i];
            if (key == "{OriginalFormat}" || Array.IndexOf(Reserved, key) >= 0 || !IsLogfmtKey(key))
            {
                continue;
            }

            write(target, key, value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        }
    }

    private static bool IsLogfmtKey(string key)
    {
        foreach (var c in key)
        {
            if (c <= ' ' || c == '=' || c == '"')
            {
                return false;
            }
        }

        return key.Length > 0;
    }

    /// <summary>logfmt: bare value when it has no space, quote, '=' or control character; otherwise quoted and escaped.</summary>
    private static void Append(StringBuilder builder, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (builder.Length > 0)
        {
            builder.Append(' ');
        }

        builder.Append(key).Append('=');
        var needsQuotes = value.Length == 0;
        foreach (var c in value)
        {
            if (c <= ' ' || c == '"' || c == '=' || c == '\\')
            {
                needsQuotes = true;
                break;
            }
        }

        if (!needsQuotes)
        {
            builder.Append(value);
            return;
        }

        builder.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                _ => builder.Append(c),
            };
        }

        builder.Append('"');
    }

    private readonly record struct LogLine(
        DateTime Time,
        string Level,
        string Category,
        string Message,
        string? TraceId,
        string? SpanId,
        string? CallId,
        int EventId,
        string? Exception,
        IReadOnlyList<KeyValuePair<string, object?>>? State);
}
