using Microsoft.CodeAnalysis;

namespace CSharpOtel.Analyzers;

/// <summary>
/// The mistakes in a function's Handler that the host cannot work around. Each is an error: the host would fail
/// to compile against the function, or stop at start-up, with a message far from the line to fix.
/// </summary>
internal static class HandlerDiagnostics
{
    private const string Category = "CSharpOtel.Function";

    /// <summary>What <c>Hosting/FunctionHooks.cs</c> accepts, word for word.</summary>
    public const string InitializeSignature = "public static void Initialize(WebApplicationBuilder builder)";

    public const string ConfigureSignature = "public static void Configure(WebApplication app)";

    /// <summary>What Program.cs calls for every request: <c>handler.HandleAsync(context, context.RequestAborted)</c>.</summary>
    public const string HandleAsyncSignature = "public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)";

    public static readonly DiagnosticDescriptor WrongHookSignature = new(
        "CSOTEL001",
        "Start-up hook with the wrong signature",
        "{0}.{1} has the wrong signature: {2}. A start-up hook must be declared exactly as: {3}.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The host runs Handler.Initialize before the application is built and Handler.Configure after; " +
                     "a method with a hook's name and another signature would be skipped or fail at start-up.");

    public static readonly DiagnosticDescriptor WrongHandleAsync = new(
        "CSOTEL002",
        "HandleAsync missing or with the wrong signature",
        "{0}. The host calls, for every request, a method declared exactly as: " + HandleAsyncSignature + ".",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoHandler = new(
        "CSOTEL003",
        "No class Handler in namespace Function",
        "{0}. The host serves the class Handler in namespace Function: declare it as: namespace Function; public class Handler.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor HandlerNotConstructible = new(
        "CSOTEL004",
        "Handler cannot be created by the host",
        "Function.Handler is declared as '{0}': {1}. The host creates a Handler for every request through " +
        "dependency injection: declare it as: public class Handler.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
