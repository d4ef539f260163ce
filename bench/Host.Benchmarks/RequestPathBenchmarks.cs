using System.Text;
using BenchmarkDotNet.Attributes;
using FunctionHost.Hosting;
using FunctionHost.Lifecycle;
using FunctionHost.OpenFaaS;
using FunctionHost.Propagation;
using FunctionHost.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Host.Benchmarks;

/// <summary>
/// One POST through a whole host, in process: ASP.NET Core hosting (activity, propagator), the host's middleware
/// (Hosting/RequestPipeline.cs), routing, DI scope and the echo handler, on TestServer instead of Kestrel. The
/// template is started as Program.cs starts it, with a real tracer provider whose OTLP exporter (http/protobuf)
/// serialises every batch into a transport that discards it. "bare" is a minimal API with the same handler and
/// no telemetry: the difference between the rows is what the host and tracing cost per request.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("hello");

    private WebApplication _app = null!;
    private TestServer _server = null!;

    /// <summary>
    /// bare; handwritten (bench/HandWritten's OpenTelemetry set-up); template (every request sampled and exported);
    /// template-disabled (OTEL_SDK_DISABLED=true). The template replaces process-wide propagators, so in one process
    /// bare and handwritten must run before it (PathQuick keeps this order).
    /// </summary>
    [Params("bare", "handwritten", "template", "template-disabled")]
    public string Host { get; set; } = "template";

    /// <summary>Whether the request carries a sampled W3C traceparent (a call from a traced caller).</summary>
    [Params(false, true)]
    public bool Parent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        // As bench/run.sh runs every host: no per-request log lines, which would drown what is measured.
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        if (Host == "bare")
        {
            builder.Services.AddScoped<EchoHandler>();
            _app = builder.Build();
            _app.Map(FunctionRegistration.CatchAllRoute, static context =>
                context.RequestServices.GetRequiredService<EchoHandler>().HandleAsync(context, context.RequestAborted));
        }
        else if (Host == "handwritten")
        {
            // bench/HandWritten's set-up, exporting http/protobuf into the same discarding transport as the template.
            builder.Services.AddScoped<EchoHandler>();
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("hand-written"))
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation()
                    .AddOtlpExporter(options =>
                    {
                        options.Endpoint = new Uri("http://127.0.0.1:9/v1/traces");
                        options.Protocol = OtlpExportProtocol.HttpProtobuf;
                        options.HttpClientFactory = static () => new HttpClient(new DiscardingHandler());
                    }));
            _app = builder.Build();
            _app.Map(FunctionRegistration.CatchAllRoute, static context =>
                context.RequestServices.GetRequiredService<EchoHandler>().HandleAsync(context, context.RequestAborted));
        }
        else
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OTEL_SDK_DISABLED"] = Host == "template-disabled" ? "true" : "false",
                ["OTEL_TRACES_SAMPLER"] = "always_on",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            });
            // For trying other batch settings in process: OTEL_BSP_* from the environment override the host's defaults.
            foreach (var name in new[] { "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_SCHEDULE_DELAY" })
            {
                if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
                {
                    builder.Configuration[name] = value;
                }
            }
            builder.UseWatchdogConventions();
            builder.AddFunctionTelemetry();
            builder.AddFunctionPropagation();
            builder.AddWatchdogLifecycle();
            builder.Services.PostConfigureAll<OtlpExporterOptions>(options =>
                options.HttpClientFactory = static () => new HttpClient(new DiscardingHandler()));
            builder.AddFunction<EchoHandler>();
            _app = builder.Build();
            _app.MapFunction<EchoHandler>(static (handler, context) => handler.HandleAsync(context, context.RequestAborted));
        }

        _app.StartAsync().GetAwaiter().GetResult();
        _server = (TestServer)_app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
    }

    [Benchmark]
    public async Task<int> Post()
    {
        var parent = Parent;
        var context = await _server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/bench";
            context.Request.ContentType = "text/plain";
            context.Request.Body = new MemoryStream(Body, writable: false);
            if (parent)
            {
                context.Request.Headers["traceparent"] = Traceparent;
            }
        });
        return context.Response.StatusCode;
    }
}
