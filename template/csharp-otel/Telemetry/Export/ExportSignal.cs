namespace FunctionHost.Telemetry.Export;

/// <summary>The three OTLP signals, with the words the export lines use for them.</summary>
internal sealed record ExportSignal(string Name, string Items, string HttpPath)
{
    public static readonly ExportSignal Traces = new("traces", "span(s)", "v1/traces");
    public static readonly ExportSignal Metrics = new("metrics", "metric(s)", "v1/metrics");
    public static readonly ExportSignal Logs = new("logs", "log record(s)", "v1/logs");

    public override string ToString() => Name;
}
