using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ResourceMap.Api.Activities;
using ResourceMap.Api.Campaigns;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Indicators;

public sealed record IndicatorLine(string Code, string Label, string MeasureUnit, decimal? Target, decimal Actual, decimal? Percent);

public sealed record UnitLine(string Code, string Name, string Level, int Activities, int Approved, bool Reporting, string ReportStatus,
    DateTime? LastSubmittedAt, IReadOnlyDictionary<string, decimal> Actuals);

public sealed record ActivityLine(long Id, string Name, string Status, DateOnly StartedOn, string? Campaign, string? UnitCode, int? Participants,
    decimal? VolunteerHours, int? Beneficiaries, decimal? MoneyVnd, string Outputs, string RecordedVia, DateTime? SubmittedAt);

public sealed record Share(int Part, int Whole, decimal? Percent);

public sealed record IndicatorReport(
    long? CampaignId, string? CampaignName, string UnitCode, string UnitName, string UnitLevel, DateOnly From, DateOnly To,
    DateTimeOffset WeeklyDeadline, IReadOnlyList<IndicatorLine> Indicators, IReadOnlyList<UnitLine> Units,
    Share PortalShare, Share UnitsReporting, IReadOnlyList<ActivityLine> Activities);

/// <summary>
/// Actual vs target for a campaign × unit × period, rolled up the unit hierarchy by space. Actuals count approved activities only;
/// a unit "reports" when it submitted an activity in the period; it is "late" when nothing of its own was submitted between the
/// Monday and the weekly deadline (default Friday 16:00 Vietnam time) of the last deadline that has passed.
/// </summary>
public static class IndicatorService
{
    public sealed class BadInput(string message) : Exception(message);

    public static readonly (string Code, string Label, string Unit)[] BuiltIn =
    [
        ("activities", "Số hoạt động", "hoạt động"), ("participants", "Lượt tình nguyện viên", "lượt"),
        ("volunteer_hours", "Giờ tình nguyện", "giờ"), ("beneficiaries", "Người hưởng lợi", "người"), ("money_vnd", "Kinh phí vận động", "VND"),
    ];

    static readonly TimeSpan Vn = TimeSpan.FromHours(7);

    /// <summary>The last weekly deadline at or before <paramref name="at"/> (Vietnam time).</summary>
    public static DateTimeOffset LastDeadline(DateTimeOffset at, ResourceMapOptions options)
    {
        var local = at.ToOffset(Vn);
        var day = local.Date.AddDays(-(((int)local.DayOfWeek - (int)options.WeeklyDeadlineDay + 7) % 7));
        var deadline = new DateTimeOffset(day + options.WeeklyDeadlineTime.ToTimeSpan(), Vn);
        return deadline <= local ? deadline : deadline.AddDays(-7);
    }

    /// <summary>Monday 00:00 of the deadline's week: what a unit submits from then until the deadline is on time.</summary>
    public static DateTimeOffset WeekStart(DateTimeOffset deadline) =>
        new(deadline.Date.AddDays(-(((int)deadline.DayOfWeek + 6) % 7)), Vn);

    public static async Task<IndicatorReport> ComputeAsync(PortalDb portal, ResourceMapOptions options, long? campaignId, string? unitCode,
        DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        Campaign? campaign = null;
        if (campaignId is { } cid)
            campaign = await portal.Campaigns.AsNoTracking().Include(c => c.Indicators).FirstOrDefaultAsync(c => c.Id == cid, ct)
                       ?? throw new BadInput($"There is no campaign {cid} (see /api/campaigns).");
        unitCode ??= campaign?.UnitCode ?? throw new BadInput("Give unit (an admin unit code) or campaign.");
        var start = from ?? campaign?.StartsOn ?? new DateOnly(VietnamTime.Today.Year, 1, 1);
        var end = to ?? campaign?.EndsOn ?? VietnamTime.Today;
        if (end < start) throw new BadInput("to must not be before from.");
        if (end.DayNumber - start.DayNumber > 3660) throw new BadInput("The period may span at most ten years.");

        var conn = await ActivitiesApi.OpenAsync(portal, ct);
        long unitId; string code, name, level; DateOnly onDay;
        await using (var r = await conn.Command(IndicatorQueries.Unit, ("code", unitCode), ("to", end)).ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw new BadInput($"unit: there is no admin unit with code '{unitCode}'.");
            (unitId, code, name, level, onDay) = (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateOnly>(4));
        }
        var children = new List<(string Code, string Name, string Level)>();
        await using (var r = await conn.Command(IndicatorQueries.Children, ("unit_id", unitId), ("on_day", onDay)).ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) children.Add((r.GetString(0), r.GetString(1), r.GetString(2)));

        var rows = new List<(ActivityLine Line, string? Child)>();
        await using (var r = await conn.Command(IndicatorQueries.Activities, ("unit_id", unitId), ("on_day", onDay), ("from", start), ("to", end),
                         ("campaign", campaign?.Id)).ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add((new ActivityLine(r.GetInt64(0), r.GetString(10), r.GetString(1), r.GetFieldValue<DateOnly>(9), r.IsDBNull(11) ? null : r.GetString(11),
                    r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetDecimal(4),
                    r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetDecimal(6), r.GetString(7), r.GetString(2),
                    r.IsDBNull(8) ? null : r.GetFieldValue<DateTime>(8)), r.IsDBNull(13) ? null : r.GetString(13)));

        var definitions = campaign is not null && campaign.Indicators.Count > 0
            ? campaign.Indicators.OrderBy(i => i.Id).Select(i => (i.Code, i.Label, i.MeasureUnit, (decimal?)i.Target)).ToList()
            : BuiltIn.Select(b => (b.Code, b.Label, b.Unit, (decimal?)null)).ToList();
        var approved = rows.Where(x => x.Line.Status == ActivityStatus.Approved).ToList();
        var indicators = definitions.Select(d =>
        {
            var actual = approved.Sum(x => Measure(x.Line, d.Code));
            return new IndicatorLine(d.Code, d.Label, d.Item3, d.Item4, actual,
                d.Item4 is > 0 ? Math.Round(actual * 100 / d.Item4.Value, 1) : null);
        }).ToList();

        var deadline = LastDeadline(DateTimeOffset.UtcNow < new DateTimeOffset(end.ToDateTime(TimeOnly.MaxValue), Vn) ? DateTimeOffset.UtcNow
            : new DateTimeOffset(end.ToDateTime(TimeOnly.MaxValue), Vn), options);
        var weekStart = WeekStart(deadline);
        // A unit without children reports for itself.
        var units = (children.Count > 0 ? children : [(code, name, level)]).Select(c =>
        {
            var mine = rows.Where(x => children.Count == 0 || x.Child == c.Code).ToList();
            // Reporting = sent through the portal workflow in the period (submitted, or submitted then approved).
            var submitted = mine.Where(x => x.Line.SubmittedAt is not null && x.Line.Status is ActivityStatus.Submitted or ActivityStatus.Approved).ToList();
            var onTime = mine.Any(x => x.Line.SubmittedAt is { } at && at >= weekStart.UtcDateTime && at <= deadline.UtcDateTime);
            return new UnitLine(c.Code, c.Name, c.Level, mine.Count, mine.Count(x => x.Line.Status == ActivityStatus.Approved), submitted.Count > 0,
                onTime ? "on-time" : "late", mine.Max(x => x.Line.SubmittedAt),
                definitions.ToDictionary(d => d.Code, d => mine.Where(x => x.Line.Status == ActivityStatus.Approved).Sum(x => Measure(x.Line, d.Code))));
        }).ToList();

        var portalShare = new Share(approved.Count(x => x.Line.RecordedVia == "portal"), approved.Count,
            approved.Count > 0 ? Math.Round(approved.Count(x => x.Line.RecordedVia == "portal") * 100m / approved.Count, 1) : null);
        var reporting = new Share(units.Count(u => u.Reporting), units.Count,
            units.Count > 0 ? Math.Round(units.Count(u => u.Reporting) * 100m / units.Count, 1) : null);
        return new IndicatorReport(campaign?.Id, campaign?.Name, code, name, level, start, end, deadline, indicators, units, portalShare, reporting,
            rows.Select(x => x.Line).ToList());
    }

    /// <summary>How much one activity contributes to an indicator code.</summary>
    public static decimal Measure(ActivityLine a, string code) => code switch
    {
        "activities" => 1,
        "participants" => a.Participants ?? 0,
        "volunteer_hours" => a.VolunteerHours ?? 0,
        "beneficiaries" => a.Beneficiaries ?? 0,
        "money_vnd" => a.MoneyVnd ?? 0,
        _ => OutputOf(a.Outputs, code),
    };

    static decimal OutputOf(string outputs, string code)
    {
        using var doc = JsonDocument.Parse(outputs);
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(code, out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetDecimal(out var d) ? d : 0;
    }
}
