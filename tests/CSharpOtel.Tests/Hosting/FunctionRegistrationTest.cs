using System.Diagnostics;
using System.Net;
using CSharpOtel.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Hosting;

public class FunctionRegistrationTest
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentId = "00f067aa0ba902b7";

    [Fact]
    public async Task MapFunction_HandlerWithoutHooks_ServesEveryMethodAndPath()
    {
        await using var host = await TestFunctionHost.StartAsync<EchoHandler>((h, c) => h.HandleAsync(c, c.RequestAborted));

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/"), (HttpMethod.Post, "/a/b?x=1"), (HttpMethod.Delete, "/z") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent("ping") };
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal($"{method.Method} {path.Split('?')[0]} ping", body);
        }
    }

    [Fact]
    public async Task MapFunction_HandlerIsBuiltByDependencyInjectionPerRequest()
    {
        await using var host = await TestFunctionHost.StartAsync<CountingHandler>((h, c) => h.HandleAsync(c));

        var first = await host.Client.GetStringAsync("/");
        var second = await host.Client.GetStringAsync("/");

        // A scoped handler: a new instance per invocation, with the constructor's dependency injected.
        Assert.NotEqual(first, second);
        Assert.StartsWith("clock:", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hooks_InitializeAndConfigure_RunAndTheirEffectsAreVisible()
    {
        HookedHandler.InitializeCalls = 0;
        await using var host = await TestFunctionHost.StartAsync<HookedHandler>((h, c) => h.HandleAsync(c));

        Assert.Equal(1, HookedHandler.InitializeCalls);

        // Initialize registered a service the handler consumes; Configure added a middleware and an endpoint.
        using var response = await host.Client.GetAsync("/anything");
        Assert.Equal("greeting from Initialize", await response.Content.ReadAsStringAsync());
        Assert.Equal("yes", response.Headers.GetValues("X-Configured").Single());

        var extra = await host.Client.GetStringAsync("/extra");
        Assert.Equal("extra endpoint", extra);
    }

    [Fact]
    public async Task Tracing_RequestWithTraceparent_ServerSpanIsItsChild()
    {
        await using var host = await TestFunctionHost.StartAsync<EchoHandler>((h, c) => h.HandleAsync(c, c.RequestAborted));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent("x") };
        request.Headers.Add("traceparent", $"00-{TraceId}-{ParentId}-01");
        request.Headers.Add("tracestate", "vendor=value");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var server = await host.WaitForServerSpanAsync();
        Assert.Equal(TraceId, server.TraceId.ToHexString());
        Assert.Equal(ParentId, server.ParentSpanId.ToHexString());
        Assert.True(server.Recorded);
        Assert.Equal("vendor=value", server.TraceStateString);
        Assert.Equal("POST", server.GetTagItem("http.request.method"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task Tracing_RequestWithoutContext_StartsANewTrace()
    {
        await using var host = await TestFunctionHost.StartAsync<EchoHandler>((h, c) => h.HandleAsync(c, c.RequestAborted));

        await host.Client.GetStringAsync("/");

        var server = await host.WaitForServerSpanAsync();
        Assert.Equal(default, server.ParentSpanId);
        Assert.NotEqual(default, server.TraceId);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id is invalid
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version ff is invalid
    public async Task Tracing_MalformedTraceparent_NewTraceAndTheRequestSucceeds(string traceparent)
    {
        await using var host = await TestFunctionHost.StartAsync<EchoHandler>((h, c) => h.HandleAsync(c, c.RequestAborted));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var server = await host.WaitForServerSpanAsync();
        Assert.Equal(default, server.ParentSpanId);
    }

    [Fact]
    public async Task Tracing_HandlerSpanIsChildOfServerSpan_AndOutgoingCallCarriesContext()
    {
        await using var downstream = await HeaderRecorder.StartAsync();
        await using var host = await TestFunctionHost.StartAsync<CallingHandler>(
            (h, c) => h.HandleAsync(c),
            beforeFunction: b => b.Services.AddHttpClient<CallingHandler>(client => client.BaseAddress = downstream.Url));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", $"00-{TraceId}-{ParentId}-01");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal("downstream", await response.Content.ReadAsStringAsync());

        // The downstream server runs in this process too, so pick the function's server span by its path.
        var server = await host.WaitForSpanAsync(s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/");
        var custom = await host.WaitForSpanAsync(s => s.DisplayName == "work");
        var client = await host.WaitForSpanAsync(s => s.Kind == ActivityKind.Client);

        Assert.Equal(server.SpanId, custom.ParentSpanId);
        Assert.Equal(TraceId, custom.TraceId.ToHexString());
        Assert.Equal(custom.SpanId, client.ParentSpanId);

        var headers = Assert.Single(downstream.Requests);
        Assert.Equal($"00-{TraceId}-{client.SpanId.ToHexString()}-01", headers["traceparent"]);
    }

    [Fact]
    public async Task Tracing_HealthProbesAreNotTraced()
    {
        await using var host = await TestFunctionHost.StartAsync<EchoHandler>((h, c) => h.HandleAsync(c, c.RequestAborted));

        await host.Client.GetStringAsync("/_/health");
        await host.Client.GetStringAsync("/traced");

        var server = await host.WaitForServerSpanAsync();
        Assert.Equal("/traced", server.GetTagItem("url.path"));

        // Stopped, every request has ended, and with it every span it had: the probe's would be here.
        await host.StopAsync();
        Assert.Same(server, Assert.Single(host.Spans, s => s.Kind == ActivityKind.Server));
    }

    [Fact]
    public async Task Pipeline_TheRequestGuardRunsInProcessToo_AFailingFunctionIsALogged500()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestFunctionHost.StartAsync<ThrowingHandler>(
            (h, c) => h.HandleAsync(c), beforeFunction: b => b.Logging.AddProvider(logs));

        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync()); // Production: no exception details
        var server = await host.WaitForServerSpanAsync();
        Assert.Equal(typeof(InvalidOperationException).FullName, server.GetTagItem("error.type"));
        Assert.Contains(logs.Entries, e => e.Category == "FunctionHost.Lifecycle.RequestGuard" &&
            e.Message == $"lifecycle: the function failed; answered 500 (trace {server.TraceId.ToHexString()})");
    }

    public sealed class EchoHandler
    {
        public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} {body}", cancellationToken);
        }
    }

    public sealed class ThrowingHandler
    {
        public Task HandleAsync(HttpContext context) => throw new InvalidOperationException("the function failed");
    }

    public sealed class CountingHandler(TimeProvider clock)
    {
        private readonly Guid _instance = Guid.NewGuid();

        public Task HandleAsync(HttpContext context) => context.Response.WriteAsync($"clock:{clock.GetType().Name}:{_instance}");

        public static void Initialize(WebApplicationBuilder builder) => builder.Services.AddSingleton(TimeProvider.System);
    }

    public sealed class Greeting(string text)
    {
        public string Text { get; } = text;
    }

    public sealed class HookedHandler(Greeting greeting)
    {
        public static int InitializeCalls { get; set; }

        public Task HandleAsync(HttpContext context) => context.Response.WriteAsync(greeting.Text);

        public static void Initialize(WebApplicationBuilder builder)
        {
            InitializeCalls++;
            builder.Services.AddSingleton(new Greeting("greeting from Initialize"));
        }

        public static void Configure(WebApplication app)
        {
            app.Use((context, next) =>
            {
                context.Response.Headers["X-Configured"] = "yes";
                return next(context);
            });
            app.MapGet("/extra", () => "extra endpoint");
        }
    }

    public sealed class CallingHandler(HttpClient client)
    {
        private static readonly ActivitySource Source = new("Function");

        public async Task HandleAsync(HttpContext context)
        {
            using var activity = Source.StartActivity("work");
            var text = await client.GetStringAsync("/down", context.RequestAborted);
            await context.Response.WriteAsync(text);
        }
    }
}
