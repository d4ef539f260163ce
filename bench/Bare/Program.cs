// (a) Bare: the same handler, the same slim builder, routing and DI scope as the template host; no telemetry.
using Function;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddScoped<Handler>();

var app = builder.Build();
app.Map("/{**path}", static context =>
    context.RequestServices.GetRequiredService<Handler>().HandleAsync(context, context.RequestAborted));
app.Run();
