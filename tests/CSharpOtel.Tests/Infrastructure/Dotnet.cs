namespace CSharpOtel.Tests.Infrastructure;

public static class Dotnet
{
    /// <summary>The dotnet executable running these tests.</summary>
    public static string Executable { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";

    /// <summary>Publishes the host in a shrinkwrapped build context, as the Dockerfile does, and returns the output folder.</summary>
    public static async Task<string> PublishHostAsync(string context, params string[] extraArguments)
    {
        var output = Path.Combine(context, "out");
        string[] arguments = ["publish", "FunctionHost.csproj", "-c", "Release", "-o", output, "--nologo", .. extraArguments];
        await ChildProcess.RunAsync(Executable, context, TimeSpan.FromMinutes(8), arguments);
        return output;
    }
}
