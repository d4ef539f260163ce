using System.Diagnostics;
using FunctionHost.OpenFaaS;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace FunctionHost.Telemetry;

/// <summary>
/// Adds the invocation's faas.invocation_id (the gateway's X-Call-Id) to each OTLP log record written during that
/// invocation, as the stdout lines carry call_id. Registered ahead of the exporters, only when logs are exported.
/// </summary>
internal sealed class InvocationLogProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (CorrelatedConsoleFormatter.CallId(Activity.Current) is not { } callId)
        {
            return;
        }

        var existing = data.Attributes;
        var attributes = new List<KeyValuePair<string, object?>>((existing?.Count ?? 0) + 1);
        if (existing is not null)
        {
            for (var i = 0; i < existing.Count; i++)
            {
                attributes.Add(existing[i]);
            }
        }

        attributes.Add(new(InvocationAttributes.InvocationId, callId));
        data.Attributes = attributes;
    }
}
