using FunctionHost.Hosting;
using Microsoft.AspNetCore.Builder;

namespace CSharpOtel.Tests.Hosting;

public class FunctionHooksTest
{
    [Fact]
    public void Find_NoHook_ReturnsNull()
    {
        Assert.Null(FunctionHooks.Find<WebApplicationBuilder>(typeof(NoHooks), FunctionHooks.InitializeName, "builder"));
        Assert.Null(FunctionHooks.Find<WebApplication>(typeof(NoHooks), FunctionHooks.ConfigureName, "app"));
    }

    [Fact]
    public void Find_ExactSignature_ReturnsCallableHook()
    {
        var hook = FunctionHooks.Find<WebApplicationBuilder>(typeof(GoodHooks), FunctionHooks.InitializeName, "builder");
        Assert.NotNull(hook);
        GoodHooks.Calls = 0;
        hook(WebApplication.CreateSlimBuilder());
        Assert.Equal(1, GoodHooks.Calls);
    }

    [Fact]
    public void Find_InstanceMethodWithSameNameButOtherParameters_IsTheHandlersOwnBusiness()
    {
        Assert.Null(FunctionHooks.Find<WebApplicationBuilder>(typeof(UnrelatedInitialize), FunctionHooks.InitializeName, "builder"));
    }

    [Theory]
    [InlineData(typeof(InstanceInitialize), "public void Initialize(WebApplicationBuilder builder)")] // not static
    [InlineData(typeof(PrivateInitialize), "private static void Initialize(WebApplicationBuilder builder)")] // not public
    [InlineData(typeof(AsyncInitialize), "public static Task Initialize(WebApplicationBuilder builder)")] // returns Task, would never be awaited
    [InlineData(typeof(WrongParameterInitialize), "public static void Initialize(WebApplication app)")] // the after-build type
    [InlineData(typeof(ExtraParameterInitialize), "public static void Initialize(WebApplicationBuilder builder, string name)")]
    [InlineData(typeof(NoParameterInitialize), "public static void Initialize()")]
    public void Find_WrongSignature_FailsNamingTheMethodAndTheExpectedSignature(Type handler, string described)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => FunctionHooks.Find<WebApplicationBuilder>(handler, FunctionHooks.InitializeName, "builder"));

        Assert.Contains($"{handler.FullName}.Initialize has the wrong signature", error.Message, StringComparison.Ordinal);
        Assert.Contains(described, error.Message, StringComparison.Ordinal);
        Assert.Contains("public static void Initialize(WebApplicationBuilder builder)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_WrongConfigureSignature_Fails()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => FunctionHooks.Find<WebApplication>(typeof(WrongConfigure), FunctionHooks.ConfigureName, "app"));
        Assert.Contains("public static void Configure(WebApplication app)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFunction_WrongSignature_StopsStartUp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddFunction<AsyncInitialize>());
        Assert.Contains("AsyncInitialize.Initialize has the wrong signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindMistake_WrongHook_OneSentenceInCSharpSpellingThatNamesTheMethodAndTheSignatureToWrite()
    {
        var mistake = FunctionHooks.FindMistake<GenericTaskInitialize>();

        Assert.Equal(
            $"{typeof(GenericTaskInitialize).FullName}.Initialize has the wrong signature: " +
            "internal static Task<int> Initialize(ref WebApplicationBuilder builder, int[] values). " +
            "A start-up hook must be declared exactly as: public static void Initialize(WebApplicationBuilder builder).",
            mistake);
    }

    [Fact]
    public void FindMistake_WrongConfigureOnly_NamesConfigure()
    {
        Assert.Contains("public static void Configure(WebApplication app)", FunctionHooks.FindMistake<WrongConfigure>(), StringComparison.Ordinal);
    }

    [Fact]
    public void FindMistake_RightHooksOrNone_IsNull()
    {
        Assert.Null(FunctionHooks.FindMistake<GoodHooks>());
        Assert.Null(FunctionHooks.FindMistake<NoHooks>());
        Assert.Null(FunctionHooks.FindMistake<UnrelatedInitialize>());
    }

    public sealed class NoHooks;

    public sealed class GoodHooks
    {
        public static int Calls { get; set; }

        public static void Initialize(WebApplicationBuilder builder) => Calls++;
    }

    public sealed class UnrelatedInitialize
    {
        public void Initialize(string value) => _ = value;
    }

    public sealed class InstanceInitialize
    {
        public void Initialize(WebApplicationBuilder builder) => _ = builder;
    }

    public sealed class PrivateInitialize
    {
        private static void Initialize(WebApplicationBuilder builder) => _ = builder;

        public static void Touch() => Initialize(null!);
    }

    public sealed class AsyncInitialize
    {
        public static Task Initialize(WebApplicationBuilder builder) => Task.CompletedTask;
    }

    public sealed class WrongParameterInitialize
    {
        public static void Initialize(WebApplication app) => _ = app;
    }

    public sealed class ExtraParameterInitialize
    {
        public static void Initialize(WebApplicationBuilder builder, string name) => _ = (builder, name);
    }

    public sealed class NoParameterInitialize
    {
        public static void Initialize()
        {
        }
    }

    public sealed class GenericTaskInitialize
    {
        internal static Task<int> Initialize(ref WebApplicationBuilder builder, int[] values) => Task.FromResult(values.Length + (builder is null ? 0 : 1));
    }

    public sealed class WrongConfigure
    {
        public static void Configure(WebApplicationBuilder builder) => _ = builder;
    }
}
