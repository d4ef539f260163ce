using Microsoft.CodeAnalysis;

namespace CSharpOtel.Analyzers;

/// <summary>The types the host passes to a Handler, looked up once per compilation; null where not referenced.</summary>
internal sealed class KnownTypes(Compilation compilation)
{
    public INamedTypeSymbol? WebApplicationBuilder { get; } = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.WebApplicationBuilder");

    public INamedTypeSymbol? WebApplication { get; } = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.WebApplication");

    public INamedTypeSymbol? HttpContext { get; } = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpContext");

    public INamedTypeSymbol? CancellationToken { get; } = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");

    public INamedTypeSymbol? Task { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
}
