namespace FunctionHost.Propagation;

/// <summary>The propagation set-up's log messages (source-generated: no formatting when the level is off).</summary>
internal static partial class PropagationLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "{Variable} has an unknown propagator \"{Value}\"; it is ignored. Known values: {Known}, none.")]
    public static partial void UnknownPropagator(ILogger logger, string variable, string value, string known);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Context propagation: {Propagators}.")]
    public static partial void Configured(ILogger logger, string propagators);
}
