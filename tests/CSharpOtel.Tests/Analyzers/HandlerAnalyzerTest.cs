using System.Collections.Immutable;
using CSharpOtel.Analyzers;
using CSharpOtel.Tests.Hosting;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CSharpOtel.Tests.Analyzers;

/// <summary>
/// The template's analyzer on handlers compiled in memory, as the function project compiles them (same implicit
/// usings): each mistake is one error with its id, the method or type as written, what to write, and its line.
/// </summary>
public class HandlerAnalyzerTest
{
    private const string Hook = "A start-up hook must be declared exactly as: ";
    private const string HandleAsync = "The host calls, for every request, a method declared exactly as: " +
                                       "public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken).";
    private const string Serve = "The host serves the class Handler in namespace Function: declare it as: namespace Function; public class Handler.";
    private const string Create = "The host creates a Handler for every request through dependency injection: declare it as: public class Handler.";

    private const string Handle = "    public Task HandleAsync(HttpContext context, CancellationToken cancellationToken) => Task.CompletedTask;\n";

    public static TheoryData<string, string, int, string> Mistakes => new()
    {
        {
            "namespace Function;\npublic class Handler\n{\n    public static void Initialize(IServiceCollection services) { }\n" + Handle + "}",
            "CSOTEL001", 4,
            "Function.Handler.Initialize has the wrong signature: public static void Initialize(IServiceCollection services). " +
            Hook + "public static void Initialize(WebApplicationBuilder builder)."
        },
        {
            "namespace Function;\npublic class Handler\n{\n" + Handle + "\n    public void Configure(WebApplication app)\n    {\n    }\n}",
            "CSOTEL001", 6,
            "Function.Handler.Configure has the wrong signature: public void Configure(WebApplication app). " +
            Hook + "public static void Configure(WebApplication app)."
        },
        {
            "namespace Function;\npublic class Handler\n{\n    public static async Task Initialize(WebApplicationBuilder builder) => await Task.Yield();\n" + Handle + "}",
            "CSOTEL001", 4,
            "Function.Handler.Initialize has the wrong signature: public static async Task Initialize(WebApplicationBuilder builder). " +
            Hook + "public static void Initialize(WebApplicationBuilder builder)."
        },
        {
            "namespace Function;\npublic class Handler\n{\n    static void Configure(\n        WebApplication app,\n        string name) { }\n" + Handle + "}",
            "CSOTEL001", 4,
            "Function.Handler.Configure has the wrong signature: static void Configure(WebApplication app, string name). " +
            Hook + "public static void Configure(WebApplication app)."
        },
        {
            "namespace Function;\n\npublic class Handler\n{\n}",
            "CSOTEL002", 3,
            "Function.Handler has no HandleAsync method. " + HandleAsync
        },
        {
            "namespace Function;\npublic class Handler\n{\n    public Task HandleAsync(HttpContext context) => Task.CompletedTask;\n}",
            "CSOTEL002", 4,
            "Function.Handler.HandleAsync has the wrong signature: public Task HandleAsync(HttpContext context). " + HandleAsync
        },
        {
            "namespace Function;\npublic class Handler\n{\n    public async ValueTask HandleAsync(HttpContext context, CancellationToken cancellationToken) => await Task.Yield();\n}",
            "CSOTEL002", 4,
            "Function.Handler.HandleAsync has the wrong signature: public async ValueTask HandleAsync(HttpContext context, CancellationToken cancellationToken). " + HandleAsync
        },
        {
            "namespace Function;\npublic class Handler\n{\n    public static Task HandleAsync(HttpContext context, CancellationToken cancellationToken) => Task.CompletedTask;\n}",
            "CSOTEL002", 4,
            "Function.Handler.HandleAsync has the wrong signature: public static Task HandleAsync(HttpContext context, CancellationToken cancellationToken). " + HandleAsync
        },
        {
            "namespace MyCompany.Functions;\n\npublic class Handler\n{\n" + Handle + "}",
            "CSOTEL003", 3,
            "Handler is declared in namespace MyCompany.Functions. " + Serve
        },
        {
            "public class Handler\n{\n" + Handle + "}",
            "CSOTEL003", 1,
            "Handler is declared in the global namespace. " + Serve
        },
        {
            "namespace Function;\npublic class Functions\n{\n    public class Handler\n    {\n    " + Handle + "    }\n}",
            "CSOTEL003", 4,
            "Handler is nested in Function.Functions. " + Serve
        },
        {
            "namespace Function;\npublic class Handler<T>\n{\n" + Handle + "}",
            "CSOTEL003", 2,
            "Function.Handler<T> is generic. " + Serve
        },
        {
            "namespace Function;\n\ninternal class Handler(ILogger<Handler> logger)\n{\n    public Task HandleAsync(HttpContext context, CancellationToken cancellationToken)\n    {\n        logger.LogInformation(\"x\");\n        return Task.CompletedTask;\n    }\n}",
            "CSOTEL004", 3,
            "Function.Handler is declared as 'internal class Handler(ILogger<Handler> logger)': it is not public. " + Create
        },
        {
            "namespace Function;\npublic abstract class Handler\n{\n" + Handle + "}",
            "CSOTEL004", 2,
            "Function.Handler is declared as 'public abstract class Handler': it is abstract. " + Create
        },
        {
            "namespace Function;\npublic class Handler\n{\n    private Handler() { }\n\n    public static Handler Create() => new();\n\n" + Handle + "}",
            "CSOTEL004", 2,
            "Function.Handler is declared as 'public class Handler': it has no public constructor. " + Create
        },
        {
            "namespace Function;\npublic record struct Handler(int Value)\n{\n" + Handle + "}",
            "CSOTEL004", 2,
            "Function.Handler is declared as 'public record struct Handler(int Value)': it is a struct. " + Create
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Mistake_OneErrorWithItsIdTextAndLine(string source, string id, int line, string message)
    {
        var diagnostic = Assert.Single(await AnalyzeAsync(source));

        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Handler.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(line, diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public async Task NoHandlerAnywhere_OneErrorWithoutALocation()
    {
        var diagnostic = Assert.Single(await AnalyzeAsync("namespace Function;\npublic class Greeter\n{\n}"));

        Assert.Equal("CSOTEL003", diagnostic.Id);
        Assert.Equal("The function has no class Handler. " + Serve, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Location.None, diagnostic.Location);
    }

    [Fact]
    public async Task StaticHandler_BothTheShapeAndTheMissingInstanceMethodAreReported()
    {
        var diagnostics = await AnalyzeAsync(
            "namespace Function;\npublic static class Handler\n{\n    public static Task HandleAsync(HttpContext context, CancellationToken cancellationToken) => Task.CompletedTask;\n}");

        Assert.Equal(["CSOTEL002", "CSOTEL004"], diagnostics.Select(d => d.Id).Order());
        Assert.Contains(diagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)
            .StartsWith("Function.Handler is declared as 'public static class Handler': it is static.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("template/csharp-otel/function")] // the scaffold
    [InlineData("function")] // the sample
    [InlineData("dev/echo")]
    [InlineData("bench/function")]
    [InlineData("tests/CSharpOtel.Tests/Lifecycle/TestFunction")]
    public async Task EveryFunctionOfThisRepository_NoDiagnostic(string folder)
    {
        Assert.Empty(await AnalyzeAsync(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, folder, "Handler.cs"))));
    }

    [Fact]
    public async Task EveryShapeTheHostAccepts_NoDiagnostic()
    {
        // Both hooks; an unrelated instance Initialize; HandleAsync with an extra optional parameter and Task<T>.
        Assert.Empty(await AnalyzeAsync("""
            namespace Function;
            public sealed record Handler
            {
                public static void Initialize(WebApplicationBuilder builder) => builder.Services.AddSingleton(TimeProvider.System);

                public static void Configure(WebApplication app) => app.UseRouting();

                public void Initialize(string value) => _ = value;

                public async Task<int> HandleAsync(HttpContext context, CancellationToken cancellationToken, int attempt = 0)
                {
                    await context.Response.WriteAsync("ok", cancellationToken);
                    return attempt;
                }
            }
            """));

        // HandleAsync inherited from a base class, and a partial Handler split over two files.
        Assert.Empty(await AnalyzeAsync(
            "namespace Function;\npublic abstract class HandlerBase\n{\n" + Handle + "}\npublic partial class Handler : HandlerBase;",
            "namespace Function;\npublic partial class Handler\n{\n    public static void Configure(WebApplication app) { }\n}"));
    }

    [Fact]
    public async Task WrongHook_BuildAndStartUpSayTheSameWithTheSameId()
    {
        var diagnostic = Assert.Single(await AnalyzeAsync(
            "namespace Function;\npublic class Handler\n{\n    public static Task Initialize(WebApplicationBuilder builder) => Task.CompletedTask;\n" + Handle + "}"));
        var atStartUp = FunctionHooks.FindMistake<FunctionHooksTest.AsyncInitialize>();

        Assert.Equal(FunctionHooks.WrongSignatureId, diagnostic.Id);
        Assert.NotNull(atStartUp);
        var words = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(words[words.IndexOf(".Initialize has", StringComparison.Ordinal)..], atStartUp[atStartUp.IndexOf(".Initialize has", StringComparison.Ordinal)..]);
    }

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // The function project's implicit usings (Microsoft.NET.Sdk) and its Using items (function/Function.csproj).
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Logging;
        """;

    // The framework's and ASP.NET Core's assemblies this test runs on; none of this repository's own.
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) ||
                           Path.GetFileName(path).StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) ||
                           Path.GetFileName(path).StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) ||
                           Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>
    /// Compiles the sources (the first as Handler.cs) with the analyzer; fails on any compiler error, so every case
    /// is code that builds and only the analyzer can object to.
    /// </summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(params string[] sources)
    {
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, i == 0 ? "Handler.cs" : $"Other{i}.cs"))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, "GlobalUsings.g.cs"));
        var compilation = CSharpCompilation.Create("Function", trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        return await compilation.WithAnalyzers([new HandlerAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }
}
