using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace FunctionHost.Telemetry;

/// <summary>Chooses how ILogger lines are written to stdout, which OpenFaaS collects as the function's logs.</summary>
internal static class StdoutLogging
{
    public static ILoggingBuilder UseLogFormat(this ILoggingBuilder logging, LogFormat format)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (format == LogFormat.Simple)
        {
            return logging;
        }

        logging.AddConsole();
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter>(new CorrelatedConsoleFormatter(format)));
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = CorrelatedConsoleFormatter.FormatterName);
        return logging;
    }
}
