namespace Function;

/// <summary>
/// The benchmark's trivial function, compiled unchanged into all four hosts: it reads the body and echoes it.
/// Unlike the scaffold it does not log per request, so console logging does not drown what is measured.
/// </summary>
public class Handler
{
    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        await context.Response.WriteAsync("Hello from C#. You said: " + body, cancellationToken);
    }
}
