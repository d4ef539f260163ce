namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// The test assembly's own entry point (the test SDK's generated one is turned off in the project file), so that
/// helpers that must be processes of their own run from the same build: <c>dotnet CSharpOtel.Tests.dll watchdog</c>
/// is <see cref="WatchdogEmulator"/>. Test runners do not call it.
/// </summary>
public static class TestAssemblyEntryPoint
{
    public static int Main(string[] args)
    {
        if (args is ["watchdog"])
        {
            return WatchdogEmulator.Run();
        }

        Console.Error.WriteLine("usage: dotnet CSharpOtel.Tests.dll watchdog   (of-watchdog's HTTP mode, configured by its environment variables)");
        return 2;
    }
}
