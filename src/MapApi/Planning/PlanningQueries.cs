using ResourceMap.Api.Matching;

namespace ResourceMap.Api.Planning;

/// <summary>
/// Where difficult areas lack teams. A village is covered by each active team that reaches it — rm_team_reaches, the
/// same rule as matching — found through the teams' own reach boxes (MatchingQueries.TeamsNear, divisor 1).
/// </summary>
public static class PlanningQueries
{
    /// <summary>Active teams that reach the village v.</summary>
    // A join, not IN: a correlated IN (… UNION …) is re-run per team row.
    static readonly string TeamsReaching = $"""
        FROM ({MatchingQueries.TeamsNear("v.geom", 1)}) near JOIN teams t ON t.id = near.id
        WHERE t.status = 'active' AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, v.geom)
        """;

    public static string Coverage(bool adminUnit, bool uncoveredOnly) => $"""
        WITH villages AS (
            SELECT v.*,
                   (SELECT count(*) {TeamsReaching}) AS teams_in_reach,
                   (SELECT round(ST_Distance(t.geom::geography, v.geom::geography))
                    FROM teams t WHERE t.status = 'active'
                    ORDER BY t.geom::geography <-> v.geom::geography
                    LIMIT 1) AS nearest_team_m
            FROM hardship_villages v
            WHERE TRUE
              {(adminUnit ? "AND ST_Intersects(v.geom, (SELECT a.geom FROM admin_units a WHERE a.id = @admin_unit_id))" : "")}
        )
        SELECT v.id, json_build_object('type', 'Feature', 'id', v.id,
            'geometry', ST_AsGeoJSON(v.geom, 6)::json,
            'properties', json_build_object('name', v.name, 'admin_code', v.admin_code, 'poverty_rate', v.poverty_rate,
                'population', v.population, 'ethnic_groups', v.ethnic_groups, 'extremely_difficult', v.extremely_difficult,
                'new_rural_criteria_met', v.new_rural_criteria_met, 'last_served_on', v.last_served_on,
                'teams_in_reach', v.teams_in_reach, 'nearest_team_m', v.nearest_team_m, 'is_sample', v.is_sample))::text
        FROM villages v
        {(uncoveredOnly ? "WHERE v.teams_in_reach = 0" : "")}
        -- The least served first: no team in reach, then the poorest, then the longest since help came.
        ORDER BY v.teams_in_reach, v.poverty_rate DESC NULLS LAST, v.last_served_on NULLS FIRST, v.id
        LIMIT @limit + 1
        """;

    /// <summary>One row per admin unit of a level in force on @date: what is there and what is missing.</summary>
    public static readonly string Summary = $"""
        SELECT a.code, a.name,
               (SELECT count(*) FROM teams t WHERE ST_Intersects(a.geom, t.geom)) AS teams,
               (SELECT count(*) FROM teams t WHERE t.status = 'active' AND ST_Intersects(a.geom, t.geom)) AS active_teams,
               (SELECT coalesce(sum(t.capacity), 0) FROM teams t WHERE t.status = 'active' AND ST_Intersects(a.geom, t.geom)) AS active_capacity,
               (SELECT count(*) FROM hardship_villages v WHERE ST_Intersects(a.geom, v.geom)) AS hardship_villages,
               (SELECT count(*) FROM hardship_villages v WHERE ST_Intersects(a.geom, v.geom)
                  AND NOT EXISTS (SELECT 1 {TeamsReaching})) AS uncovered_villages,
               (SELECT count(*) FROM red_sites s WHERE ST_Intersects(a.geom, s.geom)) AS red_addresses,
               (SELECT count(*) FROM needs n WHERE n.status IN ('open', 'proposed') AND ST_Intersects(a.geom, n.geom)) AS open_needs,
               (SELECT coalesce(sum(x.participants), 0) FROM activities x WHERE ST_Intersects(a.geom, x.geom)) AS activity_participants
        FROM admin_units a
        WHERE a.level = @level
          AND a.valid_from <= @date AND (a.valid_to IS NULL OR a.valid_to > @date)
          AND (@parent::text IS NULL OR a.parent_code = @parent)
        ORDER BY uncovered_villages DESC, a.code
        LIMIT 200
        """;
}
