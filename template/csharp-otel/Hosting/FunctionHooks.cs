using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace FunctionHost.Hosting;

/// <summary>
/// Finds the handler's optional start-up hooks: <c>public static void Initialize(WebApplicationBuilder builder)</c>
/// and <c>public static void Configure(WebApplication app)</c>.
/// </summary>
/// <remarks>
/// The handler type is known at compile time and annotated, so the trimmer and Native AOT keep its methods and
/// this lookup stays warning-free. A method that carries a hook's name but not its signature stops start-up:
/// silently skipping it would leave the function half configured.
/// </remarks>
internal static class FunctionHooks
{
    /// <summary>What the trimmer must keep of a handler: its methods for the hooks, its constructors for DI.</summary>
    public const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicMethods |
        DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors;

    public const string InitializeName = "Initialize";
    public const string ConfigureName = "Configure";

    public static void Initialize<[DynamicallyAccessedMembers(Members)] THandler>(WebApplicationBuilder builder)
        => Find<WebApplicationBuilder>(typeof(THandler), InitializeName, "builder")?.Invoke(builder);

    public static void Configure<[DynamicallyAccessedMembers(Members)] THandler>(WebApplication app)
        => Find<WebApplication>(typeof(THandler), ConfigureName, "app")?.Invoke(app);

    /// <summary>
    /// The build-time check's id for a hook with the wrong signature (Analyzers/HandlerDiagnostics.cs): start-up
    /// reports a hook that got past it, for example in a precompiled function, under the same id and in the same words.
    /// </summary>
    public const string WrongSignatureId = "CSOTEL001";

    /// <summary>The first hook of the handler with the wrong signature, described as the build-time check does; null when both are right.</summary>
    public static string? FindMistake<[DynamicallyAccessedMembers(Members)] THandler>()
        => Check<WebApplicationBuilder>(typeof(THandler), InitializeName, "builder", out _) ??
           Check<WebApplication>(typeof(THandler), ConfigureName, "app", out _);

    /// <summary>
    /// Returns the hook, or null when the handler has none; throws when a method with the hook's name has the
    /// wrong signature (see <see cref="Check"/>).
    /// </summary>
    public static Action<TArg>? Find<TArg>(
        [DynamicallyAccessedMembers(Members)] Type handlerType, string name, string parameterName)
    {
        var mistake = Check(handlerType, name, parameterName, out Action<TArg>? hook);
        return mistake is null ? hook : throw new InvalidOperationException(mistake);
    }

    /// <summary>
    /// Finds the hook and returns null, or returns what is wrong with it. A static method with the hook's name, or
    /// any method with the hook's name that takes the hook's argument type, must have exactly the hook's signature.
    /// Instance methods with the name and other parameters are the handler's own business and are left alone.
    /// </summary>
    private static string? Check<TArg>(
        [DynamicallyAccessedMembers(Members)] Type handlerType, string name, string parameterName, out Action<TArg>? hook)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
                                 BindingFlags.Instance | BindingFlags.DeclaredOnly;

        hook = null;
        MethodInfo? found = null;
        foreach (var method in handlerType.GetMethods(all))
        {
            if (method.Name != name)
            {
                continue;
            }

            var parameters = method.GetParameters();
            var takesHookArgument = Array.Exists(parameters, p => p.ParameterType == typeof(TArg));
            if (!method.IsStatic && !takesHookArgument)
            {
                continue;
            }

            var exact = method.IsStatic && method.IsPublic && !method.IsGenericMethodDefinition &&
                        method.ReturnType == typeof(void) &&
                        parameters.Length == 1 && parameters[0].ParameterType == typeof(TArg);
            if (!exact || found is not null)
            {
                return $"{handlerType.FullName}.{name} has the wrong signature: {Describe(method)}. " +
                       $"A start-up hook must be declared exactly as: public static void {name}({typeof(TArg).Name} {parameterName}).";
            }

            found = method;
        }

        hook = found?.CreateDelegate<Action<TArg>>();
        return null;
    }

    /// <summary>The method as it would be written in C#: keywords, not CLR names (void, not Void).</summary>
    private static string Describe(MethodInfo method)
    {
        var visibility = method.IsPublic ? "public" : method.IsFamilyOrAssembly ? "protected internal" :
            method.IsFamilyAndAssembly ? "private protected" : method.IsFamily ? "protected" : method.IsAssembly ? "internal" : "private";
        var kind = method.IsStatic ? "static " : "";
        var typeParameters = method.IsGenericMethodDefinition ? $"<{string.Join(", ", Array.ConvertAll(method.GetGenericArguments(), t => t.Name))}>" : "";
        var parameters = string.Join(", ", Array.ConvertAll(method.GetParameters(), p => $"{Describe(p)} {p.Name}"));
        return $"{visibility} {kind}{Describe(method.ReturnType)} {method.Name}{typeParameters}({parameters})";
    }

    private static string Describe(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (!type.IsByRef)
        {
            return Describe(type);
        }

        var modifier = parameter.IsOut ? "out" : parameter.IsIn ? "in" : "ref";
        return $"{modifier} {Describe(type.GetElementType()!)}";
    }

    private static string Describe(Type type)
    {
        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword;
        }

        if (type.IsArray)
        {
            return Describe(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", Array.ConvertAll(type.GetGenericArguments(), Describe))}>";
    }

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte",
        [typeof(char)] = "char", [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int",
        [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(nint)] = "nint",
        [typeof(nuint)] = "nuint", [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal",
        [typeof(object)] = "object", [typeof(string)] = "string",
    };
}
