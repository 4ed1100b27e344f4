using ResourceMap.Api.Infrastructure;
using System.Text.Json;

namespace ResourceMap.Api.Needs;

public static class NeedStatuses
{
    public static readonly string[] All = ["open", "proposed", "accepted", "in-progress", "done", "declined", "cancelled"];
    public static readonly string[] Priorities = ["low", "normal", "high", "urgent"];
}

/// <summary>POST /api/needs. The place is exactly one of: lon+lat, village_id (the village's point) or admin_code (a point inside the unit in force).</summary>
public sealed record NewNeed(
    string? Title, string? Category, string[]? RequiredSkills, int? VolunteersNeeded,
    DateOnly? WindowStart, DateOnly? WindowEnd, string? Priority, string? PublicSummary,
    JsonElement? RestrictedDetails, double? Lon, double? Lat, long? VillageId, string? AdminCode)
{

    /// <summary>Every problem the input has, checked without the database (skills and places are checked against it afterwards).</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        CheckText(errors, "title", Title, 3, 200);
        CheckText(errors, "category", Category, 2, 60);
        CheckText(errors, "public_summary", PublicSummary, 1, 2000);
        if (RequiredSkills is { } skills)
        {
            if (skills.Length > 20) errors.Add("required_skills may list at most 20 skills.");
            if (skills.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 60)) errors.Add("required_skills must be skill codes from /api/skills.");
            else if (skills.Distinct().Count() != skills.Length) errors.Add("required_skills lists a skill twice.");
        }
        if (VolunteersNeeded is null) errors.Add("volunteers_needed is required.");
        else if (VolunteersNeeded is < 1 or > 1000) errors.Add("volunteers_needed must be between 1 and 1000.");
        if (WindowStart is null || WindowEnd is null) errors.Add("window_start and window_end are required (YYYY-MM-DD).");
        else if (WindowEnd < WindowStart) errors.Add("window_end must not be before window_start.");
        else if (WindowEnd.Value.DayNumber - WindowStart.Value.DayNumber >= ApiLimits.Current.MaxNeedWindowDays) errors.Add("The window may span at most one year.");
        if (Priority is not null && !NeedStatuses.Priorities.Contains(Priority))
            errors.Add($"priority must be one of: {string.Join(", ", NeedStatuses.Priorities)}.");
        if (RestrictedDetails is { } details)
        {
            if (details.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                errors.Add("restricted_details must be an object (e.g. {\"beneficiaries\": [{\"name\": \"…\", \"phone\": \"…\"}]}).");
            else if (details.GetRawText().Length > ApiLimits.Current.MaxRestrictedDetailsBytes)
                errors.Add($"restricted_details may be at most {ApiLimits.Current.MaxRestrictedDetailsBytes / 1024} KB.");
        }
        var places = (Lon is not null || Lat is not null ? 1 : 0) + (VillageId is not null ? 1 : 0) + (AdminCode is not null ? 1 : 0);
        if (places != 1) errors.Add("Give the place as exactly one of: lon and lat, village_id, or admin_code.");
        else if (Lon is not null || Lat is not null)
        {
            if (Lon is null || Lat is null) errors.Add("lon and lat are both required.");
            else if (!double.IsFinite(Lon.Value) || Lon is < -180 or > 180) errors.Add("lon must lie between -180 and 180.");
            else if (!double.IsFinite(Lat.Value) || Lat is < -90 or > 90) errors.Add("lat must lie between -90 and 90.");
        }
        else if (AdminCode is { } code && (code.Length is 0 or > 20 || !code.All(char.IsAsciiLetterOrDigit)))
            errors.Add("admin_code must be an admin unit code (see /api/admin-units).");
        return errors;
    }

    static void CheckText(List<string> errors, string name, string? value, int min, int max)
    {
        var length = value?.Trim().Length ?? 0;
        if (value is null || length == 0) { if (min > 0) errors.Add($"{name} is required."); return; }
        if (length < min || length > max) errors.Add($"{name} must be {min}–{max} characters.");
        else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) errors.Add($"{name} must not contain control characters.");
    }
}

public sealed record TransitionRequest(string? To, string? Note);
public sealed record NewAssignment(long? TeamId, int? Volunteers, string? Note);
public sealed record AssignmentDecision(string? Note);
