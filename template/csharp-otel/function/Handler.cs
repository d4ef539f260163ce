namespace Function;

public class Handler(ILogger<Handler> logger)
{
    // Called for every request to the function: any method, any path.
    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);

        logger.LogInformation("Received {Length} characters", body.Length);
        await context.Response.WriteAsync($"Hello from C#. You said: {body}", cancellationToken);
    }
}
