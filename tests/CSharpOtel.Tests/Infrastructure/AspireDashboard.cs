using System.Text.Json;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The standalone Aspire Dashboard from NuGet as a real OTLP receiver (gRPC and HTTP/protobuf), on free loopback
/// ports, read back through its telemetry API.
/// </summary>
public sealed class AspireDashboard : IDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _api;

    private AspireDashboard(ChildProcess process, int uiPort, int grpcPort, int httpPort)
    {
        _process = process;
        UiUrl = $"http://127.0.0.1:{uiPort}";
        OtlpGrpcEndpoint = $"http://127.0.0.1:{grpcPort}";
        OtlpHttpEndpoint = $"http://127.0.0.1:{httpPort}";
        _api = new HttpClient(new UntracedHandler()) { BaseAddress = new Uri(UiUrl), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The most traces the dashboard keeps (its default Dashboard:TelemetryLimits:MaxTraceCount).</summary>
    public const int MaxTraces = 10_000;

    public string UiUrl { get; }

    public string OtlpGrpcEndpoint { get; }

    public string OtlpHttpEndpoint { get; }

    public string Output => _process.Output;

    public static string ExecutablePath => Path.Combine(
        RepositoryPaths.NuGetPackageRoot, "aspire.dashboard.sdk.linux-x64", "13.6.5", "tools", "Aspire.Dashboard");

    public static async Task<AspireDashboard> StartAsync()
    {
        var executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException("The Aspire Dashboard package was not restored; run dotnet restore.", executable);
        }

        // NuGet extraction can lose the execute bit.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The dashboard package used here is the linux-x64 one.");
        }

        File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | UnixFileMode.UserExecute);

        var (ui, grpc, http) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var process = ChildProcess.Start(executable, Path.GetDirectoryName(executable)!, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ui}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{grpc}",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{http}",
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
            ["DOTNET_ENVIRONMENT"] = "Production",
        });
        var dashboard = new AspireDashboard(process, ui, grpc, http);
        await process.WaitForHttpAsync(dashboard.UiUrl + "/api/telemetry/resources", TimeSpan.FromSeconds(60));
        return dashboard;
    }

    /// <summary>
    /// The spans of the dashboard's newest traces: the API returns 100 traces unless <paramref name="traceLimit"/>
    /// asks for more (the dashboard keeps at most 10,000).
    /// </summary>
    public async Task<IReadOnlyList<ReceivedSpan>> GetSpansAsync(int? traceLimit = null)
    {
        var query = traceLimit is { } limit ? $"/api/telemetry/traces?limit={limit}" : "/api/telemetry/traces";
        using var document = JsonDocument.Parse(await _api.GetStringAsync(query));
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var resource = ReadAttributes(resourceSpans.GetProperty("resource"));
            foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var events = span.TryGetProperty("events", out var e)
                        ? e.EnumerateArray().Select(x => x.GetProperty("name").GetString()!).ToList()
                        : [];
                    var status = span.TryGetProperty("status", out var s) && s.TryGetProperty("code", out var c) ? c.GetInt32() : 0;
                    spans.Add(new ReceivedSpan(
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var p) ? p.GetString() ?? "" : "",
                        span.GetProperty("name").GetString()!,
                        span.GetProperty("kind").GetInt32(),
                        status,
                        ReadAttributes(span),
                        resource,
                        events));
                }
            }
        }

        return spans;
    }

    /// <summary>Polls until at least <paramref name="count"/> spans of <paramref name="traceId"/> have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForTraceAsync(string traceId, int count = 1, TimeSpan? timeout = null)
    {
        IReadOnlyList<ReceivedSpan> found = [];
        return await Poll.UntilAsync(
            async () =>
            {
                found = (await GetSpansAsync(MaxTraces)).Where(s => s.TraceId == traceId).ToList();
                return found.Count >= count ? found : null;
            },
            timeout ?? TimeSpan.FromSeconds(30), () => $"{found.Count} of {count} spans of trace {traceId} arrived.",
            TimeSpan.FromMilliseconds(200));
    }

    private static Dictionary<string, string> ReadAttributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>();
        if (!element.TryGetProperty("attributes", out var list))
        {
            return attributes;
        }

        foreach (var attribute in list.EnumerateArray())
        {
            var value = attribute.GetProperty("value");
            attributes[attribute.GetProperty("key").GetString()!] = value.EnumerateObject().FirstOrDefault() is { Value.ValueKind: not JsonValueKind.Undefined } v
                ? v.Value.ToString()
                : "";
        }

        return attributes;
    }

    public void Dispose()
    {
        _api.Dispose();
        _process.Dispose();
    }
}
