using ResourceMap.Api.Activities;

namespace ResourceMap.Api.Campaigns;

public sealed record IndicatorInput(string? Code, string? Label, string? MeasureUnit, decimal? Target);

/// <summary>POST /api/campaigns body; PATCH takes the same members, each optional (indicators, when given, replace the list).</summary>
public sealed record CampaignInput(string? Name, DateOnly? StartsOn, DateOnly? EndsOn, string? UnitCode, string? UnionLevel,
    string? Description, List<IndicatorInput>? Indicators)
{
    public static readonly string[] UnionLevels = ["central", "province", "district", "commune", "grassroots"];

    /// <summary>Activity measures an indicator may count besides the outputs recorded by code.</summary>
    public static readonly string[] Measures = ["activities", "participants", "volunteer_hours", "beneficiaries", "money_vnd"];

    public List<string> Validate(bool partial)
    {
        var errors = new List<string>();
        if (!partial || Name is not null)
            if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors.Add("name is required (1–200 characters).");
        if (!partial && StartsOn is null) errors.Add("starts_on is required (YYYY-MM-DD).");
        if (!partial && EndsOn is null) errors.Add("ends_on is required (YYYY-MM-DD).");
        if (StartsOn is { } s && EndsOn is { } e && e < s) errors.Add("ends_on must not be before starts_on.");
        if (StartsOn is { } s2 && (s2.Year < 2000 || s2.Year > 2100)) errors.Add("starts_on must be between 2000 and 2100.");
        if (EndsOn is { } e2 && (e2.Year < 2000 || e2.Year > 2100)) errors.Add("ends_on must be between 2000 and 2100.");
        if (!partial || UnitCode is not null)
            if (string.IsNullOrWhiteSpace(UnitCode) || UnitCode.Length > 20) errors.Add("unit_code (the organising admin unit's code) is required.");
        if (!partial || UnionLevel is not null)
            if (UnionLevel is null || !UnionLevels.Contains(UnionLevel)) errors.Add($"union_level must be one of {string.Join(", ", UnionLevels)}.");
        if (Description is { Length: > 4000 }) errors.Add("description may be at most 4000 characters.");
        if (Indicators is { } list)
        {
            if (list.Count > 30) errors.Add("A campaign may have at most 30 indicators.");
            var seen = new HashSet<string>();
            foreach (var (i, n) in list.Select((i, n) => (i, n + 1)))
            {
                if (i is null) { errors.Add($"indicator {n} is empty."); continue; }
                if (i.Code is null || !System.Text.RegularExpressions.Regex.IsMatch(i.Code, "^[a-z][a-z0-9_]{0,39}$"))
                    errors.Add($"indicator {n}: code must be lower-case letters, digits and _ (e.g. trees_planted).");
                else if (!seen.Add(i.Code)) errors.Add($"indicator {n}: code {i.Code} is listed twice.");
                if (string.IsNullOrWhiteSpace(i.Label) || i.Label.Length > 200) errors.Add($"indicator {n}: label is required (1–200 characters).");
                if (string.IsNullOrWhiteSpace(i.MeasureUnit) || i.MeasureUnit.Length > 40) errors.Add($"indicator {n}: measure_unit is required (e.g. cây, lượt, VND).");
                if (i.Target is not { } t || t < 0 || t > 1_000_000_000_000m) errors.Add($"indicator {n}: target must be a number from 0 to 10^12.");
            }
        }
        return errors;
    }
}

public sealed record IndicatorView(string Code, string Label, string MeasureUnit, decimal Target);

public sealed record CampaignView(long Id, string Name, DateOnly StartsOn, DateOnly EndsOn, string UnitCode, string UnionLevel,
    string? Description, IReadOnlyList<IndicatorView> Indicators)
{
    public static CampaignView From(Campaign c) => new(c.Id, c.Name, c.StartsOn, c.EndsOn, c.UnitCode, c.UnionLevel, c.Description,
        c.Indicators.OrderBy(i => i.Id).Select(i => new IndicatorView(i.Code, i.Label, i.MeasureUnit, i.Target)).ToList());
}
