namespace Function;

/// <summary>
/// The second hop of the local demo (dev/run): a function built from the same template that answers with what it
/// was sent. Its server span joins the caller's trace through the traceparent header the caller's HttpClient adds.
/// </summary>
public class Handler(ILogger<Handler> logger)
{
    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);

        logger.LogInformation("Echoing {Length} characters", body.Length);
        await context.Response.WriteAsync($"echo: {body}", cancellationToken);
    }
}
