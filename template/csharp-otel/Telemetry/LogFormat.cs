namespace FunctionHost.Telemetry;

/// <summary>How log lines are written to stdout (CSHARP_OTEL_LOG_FORMAT).</summary>
internal enum LogFormat
{
    /// <summary>One JSON object per line with trace_id, span_id and call_id: Loki's json parser, Elastic, etc.</summary>
    Json,

    /// <summary>key=value pairs per line with the same keys: Loki's logfmt parser, humans.</summary>
    Logfmt,

    /// <summary>The .NET console's default multi-line format, without correlation ids.</summary>
    Simple,
}
