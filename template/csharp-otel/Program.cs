// The csharp-otel host: it serves Function.Handler behind the OpenFaaS of-watchdog and traces
// every invocation with OpenTelemetry. Start-up, in order:
using Function;
using FunctionHost.Hosting;
using FunctionHost.Lifecycle;
using FunctionHost.OpenFaaS;
using FunctionHost.Propagation;
using FunctionHost.Telemetry;

// A hook with the wrong signature that got past the build-time check (analyzers off, or a function built outside
// the template): one line in the words of that check, exit code 1, no stack trace (Hosting/StartupFailure.cs).
if (FunctionHooks.FindMistake<Handler>() is { } mistake)
{
    return StartupFailure.Exit($"error {FunctionHooks.WrongSignatureId}: {mistake}");
}

var builder = WebApplication.CreateSlimBuilder(args);

builder.UseWatchdogConventions();   // OpenFaaS/WatchdogConventions.cs: loopback port behind the watchdog
builder.ReportStartupFailures();    // Hosting/StartupFailure.cs: an address it cannot listen on is one line and exit 1
builder.AddFunctionTelemetry();     // Telemetry/FunctionTelemetry.cs: every variable in Configuration/Variables.cs; defaults in TelemetryDefaults.cs
builder.AddFunctionPropagation();   // Propagation/FunctionPropagation.cs: OTEL_PROPAGATORS, before Initialize builds HttpClients
builder.AddWatchdogLifecycle();     // Lifecycle/WatchdogLifecycle.cs: SIGTERM grace + drain, failures, limits, dropped spans
builder.AddFunction<Handler>();     // Hosting/FunctionRegistration.cs: middleware (RequestPipeline.cs), Handler.Initialize(builder)

var app = builder.Build();

// Handler.Configure(app) runs first, then every request that no other endpoint claims reaches HandleAsync.
app.MapFunction<Handler>(static (handler, context) => handler.HandleAsync(context, context.RequestAborted));

return app.RunFunction();           // 0 when stopped; 1 and one line when it cannot listen (port taken, ...)
