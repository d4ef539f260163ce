// (d) Hand-written: the usual OpenTelemetry set-up from the OpenTelemetry .NET getting-started guide.
using Function;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddScoped<Handler>();
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "hand-written"))
    .WithTracing(tracing => tracing
        .AddAspNetCoreInstrumentation()
        .AddOtlpExporter());

var app = builder.Build();
app.Map("/{**path}", static context =>
    context.RequestServices.GetRequiredService<Handler>().HandleAsync(context, context.RequestAborted));
app.Run();
