using System.Reflection;
using FunctionHost.Lifecycle;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>
/// Every log line of the host has an event id of its own within its class, so an operator can filter on it: two
/// branches that each add a line take the next free id, and only a merge shows they took the same one.
/// </summary>
public sealed class LogEventIdsTest
{
    [Fact]
    public void EveryLoggerMessage_HasAnEventIdUniqueInItsClass()
    {
        var duplicates = typeof(LifecycleLog).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(method => (type, method, attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
                .Where(m => m.attribute is not null))
            .GroupBy(m => (m.type, m.attribute!.EventId))
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key.type.Name} event {group.Key.EventId}: {string.Join(", ", group.Select(m => m.method.Name))}")
            .ToList();
        Assert.Empty(duplicates);
    }
}
