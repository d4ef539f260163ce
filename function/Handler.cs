using System.Diagnostics;

namespace Function;

/// <summary>
/// The repository's sample function: it does a little traced work of its own and, when DOWNSTREAM_URL is set,
/// forwards the body to another service so the trace continues there.
/// </summary>
public class Handler(HttpClient http, IConfiguration configuration, ILogger<Handler> logger)
{
    // The host listens to "Function" and "Function.*": spans from this source join the invocation's trace.
    private static readonly ActivitySource Source = new("Function");

    // Registers Handler as a typed HttpClient: outgoing calls are traced and carry the trace context.
    public static void Initialize(WebApplicationBuilder builder)
        => builder.Services.AddHttpClient<Handler>(client => client.Timeout = TimeSpan.FromSeconds(10));

    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);

        string reply;
        using (var work = Source.StartActivity("shout"))
        {
            reply = body.Trim().ToUpperInvariant();
            work?.SetTag("shout.length", reply.Length);
        }

        var downstream = configuration["DOWNSTREAM_URL"];
        if (!string.IsNullOrWhiteSpace(downstream))
        {
            using var response = await http.PostAsync(downstream, new StringContent(reply), cancellationToken);
            reply += " | downstream: " + await response.Content.ReadAsStringAsync(cancellationToken);
        }

        logger.LogInformation("Answered {Length} characters", reply.Length);
        await context.Response.WriteAsync(reply, cancellationToken);
    }
}
