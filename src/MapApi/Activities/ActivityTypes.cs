using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ResourceMap.Api.Activities;

public sealed record SponsorInput(string? Name, decimal? AmountVnd, bool? Public);

/// <summary>POST /api/activities body; PATCH takes the same members, each optional.</summary>
public sealed record ActivityInput(
    string? Name, long? CampaignId, DateOnly? StartedOn, DateOnly? EndedOn,
    double? Lon, double? Lat, string? AdminCode, string? UnitCode, long? TeamId, long? NeedId,
    int? Participants, decimal? VolunteerHours, int? Beneficiaries, Dictionary<string, decimal>? Outputs,
    decimal? MoneyVnd, string? InKind, List<SponsorInput>? Sponsors, string? Description, string? PrivateNotes)
{
    static readonly Regex Code = new("^[a-z][a-z0-9_]{0,39}$");

    public List<string> Validate(bool partial)
    {
        var e = new List<string>();
        if (!partial || Name is not null)
            if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) e.Add("name is required (1–200 characters).");
        if (!partial && StartedOn is null) e.Add("started_on is required (YYYY-MM-DD).");
        if (StartedOn is { } s && (s.Year < 2000 || s.Year > 2100)) e.Add("started_on must be between 2000 and 2100.");
        if (StartedOn is { } s2 && EndedOn is { } e2 && e2 < s2) e.Add("ended_on must not be before started_on.");
        if (StartedOn is { } s3 && EndedOn is { } e3 && e3.DayNumber - s3.DayNumber > 366) e.Add("An activity lasts at most a year (ended_on − started_on).");
        if ((Lon is null) != (Lat is null)) e.Add("Give both lon and lat, or neither.");
        if (Lon is { } lon && (!double.IsFinite(lon) || lon < -180 || lon > 180)) e.Add("lon must be a longitude from -180 to 180.");
        if (Lat is { } lat && (!double.IsFinite(lat) || lat < -90 || lat > 90)) e.Add("lat must be a latitude from -90 to 90.");
        if (!partial && Lon is null && AdminCode is null) e.Add("Say where the activity took place: lon and lat, or admin_code.");
        if (AdminCode is { Length: 0 or > 20 }) e.Add("admin_code must be an admin unit code.");
        if (UnitCode is { Length: 0 or > 20 }) e.Add("unit_code must be an admin unit code.");
        if (Participants is < 0 or > 1_000_000) e.Add("participants must be from 0 to 1,000,000.");
        if (Beneficiaries is < 0 or > 10_000_000) e.Add("beneficiaries must be from 0 to 10,000,000.");
        if (VolunteerHours is < 0 or > 100_000_000) e.Add("volunteer_hours must be from 0 to 100,000,000.");
        if (VolunteerHours is { } h && decimal.Round(h, 1) != h) e.Add("volunteer_hours takes one decimal at most.");
        if (MoneyVnd is < 0 or > 1_000_000_000_000_000) e.Add("money_vnd must be from 0 to 10^18 VND.");
        if (MoneyVnd is { } m && decimal.Truncate(m) != m) e.Add("money_vnd is a whole number of đồng.");
        if (InKind is { Length: > 2000 }) e.Add("in_kind may be at most 2000 characters.");
        if (Description is { Length: > 4000 }) e.Add("description may be at most 4000 characters.");
        if (PrivateNotes is { Length: > 4000 }) e.Add("private_notes may be at most 4000 characters.");
        if (Outputs is { } outputs)
        {
            if (outputs.Count > 30) e.Add("outputs may list at most 30 quantities.");
            foreach (var (k, v) in outputs)
            {
                if (!Code.IsMatch(k)) e.Add($"outputs: '{k}' is not an indicator code (lower-case letters, digits and _, e.g. trees_planted).");
                if (v < 0 || v > 1_000_000_000_000m) e.Add($"outputs.{k} must be from 0 to 10^12.");
            }
        }
        if (Sponsors is { } sponsors)
        {
            if (sponsors.Count > 50) e.Add("sponsors may list at most 50 entries.");
            foreach (var (sp, n) in sponsors.Select((sp, n) => (sp, n + 1)))
            {
                if (sp is null || string.IsNullOrWhiteSpace(sp.Name) || sp.Name.Length > 200) e.Add($"sponsor {n}: name is required (1–200 characters).");
                if (sp?.AmountVnd is < 0 or > 1_000_000_000_000_000) e.Add($"sponsor {n}: amount_vnd must be from 0 to 10^18.");
                if (sp?.Public is null) e.Add($"sponsor {n}: say whether the name is public (public: true or false).");
            }
        }
        return e;
    }

    public static string OutputsJson(Dictionary<string, decimal> outputs) => JsonSerializer.Serialize(outputs);

    public static string SponsorsJson(List<SponsorInput> sponsors) =>
        new JsonArray(sponsors.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name!.Trim(), ["amount_vnd"] = s.AmountVnd, ["public"] = s.Public!.Value,
        }).ToArray()).ToJsonString();
}

public sealed record TransitionInput(string? To, string? Note);

public static class ActivityStatus
{
    public const string Draft = "draft", Submitted = "submitted", Approved = "approved", Returned = "returned";
    public static readonly string[] All = [Draft, Submitted, Approved, Returned];

    /// <summary>The workflow as data: (from, to, who). "editor" = a coordinator in scope or the lead of the activity's team.</summary>
    public static readonly (string From, string To, string Who)[] Edges =
    [
        (Draft, Submitted, "editor"), (Returned, Submitted, "editor"),
        (Submitted, Approved, "coordinator"), (Submitted, Returned, "coordinator"), (Approved, Returned, "coordinator"),
    ];
}
