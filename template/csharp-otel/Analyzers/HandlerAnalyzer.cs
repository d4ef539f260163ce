using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CSharpOtel.Analyzers;

/// <summary>
/// Checks the function's <c>Function.Handler</c> against what the host does with it (Program.cs and
/// Hosting/FunctionHooks.cs): create it per request, call <c>HandleAsync(context, context.RequestAborted)</c>, and
/// run the optional static <c>Initialize</c> and <c>Configure</c> hooks. Reports at the declaration as written.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerAnalyzer : DiagnosticAnalyzer
{
    private const string HandlerName = "Handler";
    private const string HandlerMetadataName = "Function.Handler";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        HandlerDiagnostics.WrongHookSignature,
        HandlerDiagnostics.WrongHandleAsync,
        HandlerDiagnostics.NoHandler,
        HandlerDiagnostics.HandlerNotConstructible);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        // The source assembly only: a referenced library that happens to define Function.Handler is not the function.
        var handler = context.Compilation.Assembly.GetTypeByMetadataName(HandlerMetadataName);
        if (handler is null)
        {
            context.RegisterCompilationEndAction(ReportMissingHandler);
            return;
        }

        var types = new KnownTypes(context.Compilation);
        context.RegisterSymbolAction(
            symbolContext =>
            {
                if (SymbolEqualityComparer.Default.Equals(symbolContext.Symbol, handler))
                {
                    AnalyzeHandler(symbolContext, handler, types);
                }
            },
            SymbolKind.NamedType);
    }

    private static void ReportMissingHandler(CompilationAnalysisContext context)
    {
        var elsewhere = context.Compilation.GetSymbolsWithName(name => name == HandlerName, SymbolFilter.Type, context.CancellationToken)
            .OfType<INamedTypeSymbol>()
            .Where(type => type.Locations.Any(location => location.IsInSource))
            .ToList();
        if (elsewhere.Count == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(HandlerDiagnostics.NoHandler, Location.None, "The function has no class Handler"));
            return;
        }

        foreach (var type in elsewhere)
        {
            context.ReportDiagnostic(Diagnostic.Create(HandlerDiagnostics.NoHandler, type.Locations[0], WhatIsWrong(type)));
        }
    }

    private static string WhatIsWrong(INamedTypeSymbol type)
    {
        if (type.ContainingType is not null)
        {
            return $"{HandlerName} is nested in {type.ContainingType.ToDisplayString()}";
        }

        if (type.ContainingNamespace.IsGlobalNamespace)
        {
            return $"{HandlerName} is declared in the global namespace";
        }

        var ns = type.ContainingNamespace.ToDisplayString();
        return ns == "Function" ? $"{type.ToDisplayString()} is generic" : $"{HandlerName} is declared in namespace {ns}";
    }

    private static void AnalyzeHandler(SymbolAnalysisContext context, INamedTypeSymbol handler, KnownTypes types)
    {
        AnalyzeShape(context, handler);
        AnalyzeHook(context, handler, "Initialize", types.WebApplicationBuilder, HandlerDiagnostics.InitializeSignature);
        AnalyzeHook(context, handler, "Configure", types.WebApplication, HandlerDiagnostics.ConfigureSignature);
        if (handler.TypeKind is TypeKind.Class or TypeKind.Struct)
        {
            AnalyzeHandleAsync(context, handler, types);
        }
    }

    private static void AnalyzeShape(SymbolAnalysisContext context, INamedTypeSymbol handler)
    {
        var kind = handler.TypeKind switch
        {
            TypeKind.Class => null,
            TypeKind.Struct => "it is a struct",
            TypeKind.Interface => "it is an interface",
            TypeKind.Enum => "it is an enum",
            _ => "it is not a class",
        };
        var access = handler.DeclaredAccessibility == Accessibility.Public ? null : "it is not public";
        var construction = handler switch
        {
            { TypeKind: not TypeKind.Class } => null,
            { IsStatic: true } => "it is static",
            { IsAbstract: true } => "it is abstract",
            _ when !handler.InstanceConstructors.Any(constructor => constructor.DeclaredAccessibility == Accessibility.Public) =>
                "it has no public constructor",
            _ => null,
        };

        var problems = new[] { kind, access, construction }.Where(problem => problem is not null).ToList();
        if (problems.Count > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                HandlerDiagnostics.HandlerNotConstructible, handler.Locations[0], AsWritten(handler), string.Join(", and ", problems)));
        }
    }

    /// <summary>
    /// The rule of Hosting/FunctionHooks.cs: a static method with the hook's name, or any method with the hook's name
    /// that takes the hook's argument, must be exactly the hook. Other instance methods of that name are left alone.
    /// </summary>
    private static void AnalyzeHook(
        SymbolAnalysisContext context, INamedTypeSymbol handler, string name, INamedTypeSymbol? argument, string signature)
    {
        if (argument is null)
        {
            return;
        }

        foreach (var method in handler.GetMembers(name).OfType<IMethodSymbol>())
        {
            if (method.MethodKind != MethodKind.Ordinary || method.Locations.Length == 0 || !method.Locations[0].IsInSource)
            {
                continue;
            }

            var takesArgument = method.Parameters.Any(parameter => SymbolEqualityComparer.Default.Equals(parameter.Type, argument));
            if (!method.IsStatic && !takesArgument)
            {
                continue;
            }

            var exact = method.IsStatic && method.DeclaredAccessibility == Accessibility.Public && !method.IsGenericMethod &&
                        method.ReturnsVoid && method.Parameters.Length == 1 && method.Parameters[0].RefKind == RefKind.None &&
                        SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, argument);
            if (!exact)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    HandlerDiagnostics.WrongHookSignature, method.Locations[0],
                    handler.ToDisplayString(), name, AsWritten(method), signature));
            }
        }
    }

    private static void AnalyzeHandleAsync(SymbolAnalysisContext context, INamedTypeSymbol handler, KnownTypes types)
    {
        if (types.HttpContext is null || types.CancellationToken is null || types.Task is null)
        {
            return;
        }

        // Program.cs calls handler.HandleAsync(context, context.RequestAborted) and needs a Task back; an inherited
        // method serves as well as a declared one.
        var candidates = new List<IMethodSymbol>();
        for (var type = handler; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            candidates.AddRange(type.GetMembers("HandleAsync").OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary));
        }

        if (candidates.Any(method => IsCallableByHost(method, types)))
        {
            return;
        }

        var written = candidates.Where(method => method.Locations.Length > 0 && method.Locations[0].IsInSource).ToList();
        if (written.Count == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                HandlerDiagnostics.WrongHandleAsync, handler.Locations[0], $"{handler.ToDisplayString()} has no HandleAsync method"));
            return;
        }

        foreach (var method in written)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                HandlerDiagnostics.WrongHandleAsync, method.Locations[0],
                $"{method.ContainingType.ToDisplayString()}.HandleAsync has the wrong signature: {AsWritten(method)}"));
        }
    }

    private static bool IsCallableByHost(IMethodSymbol method, KnownTypes types)
    {
        var parameters = method.Parameters;
        return !method.IsStatic && method.DeclaredAccessibility == Accessibility.Public && !method.IsGenericMethod &&
               parameters.Length >= 2 &&
               parameters[0].RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(parameters[0].Type, types.HttpContext) &&
               parameters[1].RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(parameters[1].Type, types.CancellationToken) &&
               parameters.Skip(2).All(parameter => parameter.IsOptional || parameter.IsParams) &&
               IsTask(method.ReturnType, types.Task!);
    }

    private static bool IsTask(ITypeSymbol type, INamedTypeSymbol task)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, task))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The declaration's header as the user wrote it, on one line: modifiers, type, name, parameters.</summary>
    private static string AsWritten(ISymbol symbol)
    {
        var syntax = symbol.DeclaringSyntaxReferences.Length > 0 ? symbol.DeclaringSyntaxReferences[0].GetSyntax() : null;
        var text = syntax switch
        {
            MethodDeclarationSyntax method => Join(
                method.Modifiers.ToString(), method.ReturnType.ToString(),
                method.Identifier.Text + method.TypeParameterList + method.ParameterList),
            TypeDeclarationSyntax type => Join(
                type.Modifiers.ToString(), type.Keyword.Text, (type as RecordDeclarationSyntax)?.ClassOrStructKeyword.Text ?? "",
                type.Identifier.Text + type.TypeParameterList + type.ParameterList),
            EnumDeclarationSyntax type => Join(type.Modifiers.ToString(), type.EnumKeyword.Text, type.Identifier.Text),
            _ => symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
        };
        return Whitespace.Replace(text, " ").Trim().Replace("( ", "(").Replace(" )", ")");
    }

    private static string Join(params string[] parts) => string.Join(" ", parts.Where(part => part.Length > 0));

    private static readonly Regex Whitespace = new(@"\s+");
}
