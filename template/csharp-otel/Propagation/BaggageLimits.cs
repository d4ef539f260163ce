namespace FunctionHost.Propagation;

/// <summary>
/// Size limits for baggage in every format. W3C Baggage (section 3.3.1 "Limits") requires at least 64 members and
/// 8192 bytes to pass and allows dropping beyond that, whole members only. The numbers match the reference
/// implementations (OpenTelemetry JS: 180 members, 4096 bytes per member, 8192 bytes in all), so what one side
/// sends the other keeps.
/// </summary>
internal static class BaggageLimits
{
    public const int MaxMembers = 180;
    public const int MaxMemberBytes = 4096;
    public const int MaxTotalBytes = 8192;
}
