namespace ResourceMap.Api.Infrastructure;

/// <summary>Vietnam's calendar day (UTC+7, no daylight saving): what "today" means to every user of the map.</summary>
public static class VietnamTime
{
    static readonly TimeSpan Offset = TimeSpan.FromHours(7);
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow + Offset);
}
