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
    /// Returns the hook, or null when the handler has none. A static method with the hook's name, or any method
    /// with the hook's name that takes the hook's argument type, must have exactly the hook's signature.
    /// Instance methods with the name and other parameters are the handler's own business and are left alone.
    /// </summary>
    public static Action<TArg>? Find<TArg>(
        [DynamicallyAccessedMembers(Members)] Type handlerType, string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(handlerType);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
                                 BindingFlags.Instance | BindingFlags.DeclaredOnly;

        MethodInfo? hook = null;
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
            if (!exact || hook is not null)
            {
                throw new InvalidOperationException(
                    $"{handlerType.FullName}.{name} has the wrong signature: {Describe(method)}. " +
                    $"A start-up hook must be declared exactly as: public static void {name}({typeof(TArg).Name} {parameterName}).");
            }

            hook = method;
        }

        return hook?.CreateDelegate<Action<TArg>>();
    }

    private static string Describe(MethodInfo method)
    {
        var visibility = method.IsPublic ? "public" : "non-public";
        var kind = method.IsStatic ? "static " : "";
        var parameters = string.Join(", ", Array.ConvertAll(method.GetParameters(), p => $"{p.ParameterType.Name} {p.Name}"));
        return $"{visibility} {kind}{method.ReturnType.Name} {method.Name}({parameters})";
    }
}
