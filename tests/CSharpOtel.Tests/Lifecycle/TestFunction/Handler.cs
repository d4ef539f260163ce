namespace Function;

/// <summary>
/// The function the lifecycle tests publish in place of the scaffold (this folder is not compiled into the tests).
/// /slow?ms=N answers after N ms, or stops when its token is cancelled; /ignore?ms=N answers after N ms whatever
/// happens meanwhile (a function that ignores its token); /throw fails; /wait-cancel waits until the request is
/// aborted; /echo reads the body; /call?url=U calls U with a client from IHttpClientFactory and answers 502 when
/// that call fails; /signals logs one line (a log record in the request's trace) and adds 1 to the counter
/// test.requests.
/// </summary>
public class Handler(ILogger<Handler> logger)
{
    public const string SecretText = "secret-exception-text-4711";

    // The host exports the meter named "Function".
    private static readonly System.Diagnostics.Metrics.Counter<long> Requests =
        new System.Diagnostics.Metrics.Meter("Function").CreateCounter<long>("test.requests");

    public static void Initialize(WebApplicationBuilder builder) => builder.Services.AddHttpClient();

    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        switch (context.Request.Path.Value)
        {
            case "/slow":
                var ms = int.Parse(context.Request.Query["ms"].ToString() is { Length: > 0 } q ? q : "0", System.Globalization.CultureInfo.InvariantCulture);
                await Task.Delay(ms, cancellationToken);
                await context.Response.WriteAsync("slow ok", cancellationToken);
                return;
            case "/ignore":
                var ignoreMs = int.Parse(context.Request.Query["ms"].ToString() is { Length: > 0 } i ? i : "0", System.Globalization.CultureInfo.InvariantCulture);
                await Task.Delay(ignoreMs, CancellationToken.None);
                await context.Response.WriteAsync("ignored ok", CancellationToken.None);
                return;
            case "/throw":
                throw new InvalidOperationException(SecretText);
            case "/wait-cancel":
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(60), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    logger.LogWarning("handler observed cancellation");
                    throw;
                }

                return;
            case "/echo":
                using (var reader = new StreamReader(context.Request.Body))
                {
                    var body = await reader.ReadToEndAsync(cancellationToken);
                    await context.Response.WriteAsync(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                }

                return;
            case "/call":
                var http = context.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient("outgoing");
                try
                {
                    using var response = await http.GetAsync(context.Request.Query["url"].ToString(), cancellationToken);
                    await context.Response.WriteAsync(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                }
                catch (HttpRequestException)
                {
                    context.Response.StatusCode = StatusCodes.Status502BadGateway;
                }

                return;
            case "/signals":
                logger.LogInformation("signals request");
                Requests.Add(1);
                await context.Response.WriteAsync("ok", cancellationToken);
                return;
            default:
                await context.Response.WriteAsync("ok", cancellationToken);
                return;
        }
    }
}
