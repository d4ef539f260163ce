namespace FunctionHost.OpenFaaS;

/// <summary>The attributes the host puts on the server span of an invocation.</summary>
internal static class InvocationAttributes
{
    /// <summary>FaaS semantic conventions: always <c>http</c> behind the watchdog.</summary>
    public const string Trigger = "faas.trigger";

    /// <summary>FaaS semantic conventions: the gateway's X-Call-Id.</summary>
    public const string InvocationId = "faas.invocation_id";

    /// <summary>FaaS semantic conventions: true on the first invocation the process serves.</summary>
    public const string ColdStart = "faas.coldstart";

    /// <summary>This template's: true when the queue-worker replayed the request (/async-function/...).</summary>
    public const string Async = "openfaas.async";

    /// <summary>This template's: seconds the asynchronous request waited in the queue (from X-Start-Time).</summary>
    public const string QueueDelay = "openfaas.queue.delay";
}
