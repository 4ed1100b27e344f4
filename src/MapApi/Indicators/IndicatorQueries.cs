namespace ResourceMap.Api.Indicators;

/// <summary>Spatial SQL of indicators: which unit, which of its child units, which activities lie in each.</summary>
public static class IndicatorQueries
{
    /// <summary>
    /// The unit (its version in force on @to, else its latest) and the day its hierarchy is read on: @to, or the
    /// last day of that version when it ended earlier (a pre-2025 unit keeps its pre-2025 children).
    /// </summary>
    public const string Unit = """
        SELECT u.id, u.code, u.name, u.level,
               CASE WHEN u.valid_to IS NOT NULL AND u.valid_to <= @to THEN u.valid_to - 1 ELSE @to END AS on_day
        FROM admin_units u WHERE u.id = rm_admin_unit_version(@code, @to)
        """;

    /// <summary>The child units in force on @on_day (districts or communes; since July 2025, communes of a province).</summary>
    public const string Children = """
        SELECT c.code, c.name, c.level FROM admin_units c JOIN admin_units u ON u.id = @unit_id
        WHERE c.parent_code = u.code AND c.level <> 'country' AND c.valid_from <= @on_day AND (c.valid_to IS NULL OR c.valid_to > @on_day)
        ORDER BY c.name, c.code
        """;

    /// <summary>
    /// Activities inside the unit's area that started in [@from, @to] (any campaign when @campaign is null), with the child
    /// unit whose area holds them. Space decides, not the code recorded: an activity recorded for a district abolished in
    /// 2025 counts in the commune and province that absorbed its place.
    /// </summary>
    public const string Activities = """
        SELECT a.id, a.status, a.recorded_via, a.participants, a.volunteer_hours, a.beneficiaries, a.money_vnd, a.outputs::text,
               a.submitted_at, a.started_on, a.name, a.campaign, a.team_id,
               (SELECT c.code FROM admin_units c JOIN admin_units u2 ON u2.id = @unit_id
                WHERE c.parent_code = u2.code AND c.level <> 'country' AND c.valid_from <= @on_day AND (c.valid_to IS NULL OR c.valid_to > @on_day)
                  AND ST_Covers(c.geom, a.geom)
                ORDER BY c.code LIMIT 1) AS child_code,
               a.in_kind
        FROM activities a JOIN admin_units u ON u.id = @unit_id
        WHERE ST_Covers(u.geom, a.geom) AND a.started_on BETWEEN @from AND @to
          AND (@campaign::bigint IS NULL OR a.campaign_id = @campaign)
        ORDER BY a.started_on, a.id
        """;
}
