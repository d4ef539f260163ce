using Microsoft.AspNetCore.Http;

namespace Host.Benchmarks;

/// <summary>The body of bench/function/Handler.cs (read the body, echo it), under a name of its own.</summary>
public sealed class EchoHandler
{
    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        await context.Response.WriteAsync("Hello from C#. You said: " + body, cancellationToken);
    }
}
