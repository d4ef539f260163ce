namespace FunctionHost.OpenFaaS;

/// <summary>Request headers the OpenFaaS gateway and queue-worker set (gateway and queue-worker sources).</summary>
internal static class InvocationHeaders
{
    /// <summary>A UUID per invocation, added by the gateway when absent and echoed on the response.</summary>
    public const string CallId = "X-Call-Id";

    /// <summary>Unix time in nanoseconds when the gateway received (for async: queued) the request.</summary>
    public const string StartTime = "X-Start-Time";

    /// <summary>Where the queue-worker posts the result of an asynchronous invocation.</summary>
    public const string CallbackUrl = "X-Callback-Url";

    /// <summary>The queue-worker's User-Agent is <c>openfaas-ce/nats-queue-worker</c>; other editions vary the prefix.</summary>
    public const string QueueWorkerUserAgentMarker = "queue-worker";
}
