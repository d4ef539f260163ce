using System.Xml.Linq;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// What faas-cli does with the template, step for step (see README "How faas-cli uses the template"):
/// <c>new</c> copies the template's function/ to NAME/; <c>build --shrinkwrap</c> copies the WHOLE template folder
/// to build/NAME/ and overlays the handler folder onto build/NAME/function/, deleting nothing and skipping entries
/// named build and template.
/// </summary>
public sealed class FaasCliLayout : IDisposable
{
    private static readonly string[] NeverCopied = ["bin", "obj"]; // a fresh git clone has none; .dockerignore drops them

    public FaasCliLayout()
    {
        Root = Directory.CreateTempSubdirectory("csharp-otel-layout-").FullName;
    }

    public string Root { get; }

    /// <summary>faas-cli template pull: the template lands in template/csharp-otel/, next to the handler folders.</summary>
    public string PullTemplate()
    {
        var template = Path.Combine(Root, "template", "csharp-otel");
        Copy(RepositoryPaths.Template, template, skipOverlayNames: false);
        return template;
    }

    /// <summary>faas-cli new --lang csharp-otel NAME: the scaffold becomes the user's handler folder.</summary>
    public string New(string name)
    {
        var handler = Path.Combine(Root, name);
        Copy(Path.Combine(RepositoryPaths.Template, "function"), handler, skipOverlayNames: false);
        return handler;
    }

    /// <summary>faas-cli build --shrinkwrap: returns build/NAME, the Docker build context.</summary>
    public string Shrinkwrap(string name, string handlerFolder)
    {
        var context = Path.Combine(Root, "build", name);
        if (Directory.Exists(context))
        {
            Directory.Delete(context, recursive: true);
        }

        Copy(RepositoryPaths.Template, context, skipOverlayNames: false);
        Copy(handlerFolder, Path.Combine(context, "function"), skipOverlayNames: true);
        return context;
    }

    /// <summary>What <c>dotnet add package</c> writes into the handler folder's Function.csproj.</summary>
    public static void AddPackageReferences(string handlerFolder, IReadOnlyCollection<(string Package, string Version)> packages)
    {
        if (packages.Count == 0)
        {
            return;
        }

        var project = Path.Combine(handlerFolder, "Function.csproj");
        var document = XDocument.Load(project);
        document.Root!.Add(new XElement("ItemGroup", packages.Distinct().Select(p =>
            new XElement("PackageReference", new XAttribute("Include", p.Package), new XAttribute("Version", p.Version)))));
        document.Save(project);
    }

    private static void Copy(string from, string to, bool skipOverlayNames)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            if (NeverCopied.Contains(entry.Name) || (skipOverlayNames && entry.Name is "build" or "template"))
            {
                continue;
            }

            var target = Path.Combine(to, entry.Name);
            if (entry is DirectoryInfo directory)
            {
                Copy(directory.FullName, target, skipOverlayNames: false);
            }
            else
            {
                File.Copy(entry.FullName, target, overwrite: true);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
