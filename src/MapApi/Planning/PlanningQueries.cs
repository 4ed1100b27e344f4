namespace ResourceMap.Api.Planning;

/// <summary>
/// Where difficult areas lack teams. A village is covered by each active team that reaches it — rm_team_reaches, the
/// same rule as matching. How many do is kept per village in village_reach (migration 0099, maintained by triggers on
/// teams and villages), so neither endpoint counts teams per request; PlanningEquivalenceTests compares both with the
/// statements that did.
/// </summary>
public static class PlanningQueries
{
    public static string Coverage(bool adminUnit, bool uncoveredOnly) => $"""
        WITH page AS (
            SELECT v.*, r.teams_in_reach
            FROM hardship_villages v JOIN village_reach r ON r.village_id = v.id
            WHERE TRUE
              {(adminUnit ? "AND ST_Intersects(v.geom, (SELECT a.geom FROM admin_units a WHERE a.id = @admin_unit_id))" : "")}
              {(uncoveredOnly ? "AND r.teams_in_reach = 0" : "")}
            -- The least served first: no team in reach, then the poorest, then the longest since help came.
            ORDER BY r.teams_in_reach, v.poverty_rate DESC NULLS LAST, v.last_served_on NULLS FIRST, v.id
            LIMIT @limit + 1
        ),
        villages AS (
            -- The nearest active team, for the page's villages only (KNN on the teams' geography index).
            SELECT p.*, (SELECT round(ST_Distance(t.geom::geography, p.geom::geography))
                         FROM teams t WHERE t.status = 'active'
                         ORDER BY t.geom::geography <-> p.geom::geography
                         LIMIT 1) AS nearest_team_m
            FROM page p
        )
        SELECT v.id, json_build_object('type', 'Feature', 'id', v.id,
            'geometry', ST_AsGeoJSON(v.geom, 6)::json,
            'properties', json_build_object('name', v.name, 'admin_code', v.admin_code, 'poverty_rate', v.poverty_rate,
                'population', v.population, 'ethnic_groups', v.ethnic_groups, 'extremely_difficult', v.extremely_difficult,
                'new_rural_criteria_met', v.new_rural_criteria_met, 'last_served_on', v.last_served_on,
                'teams_in_reach', v.teams_in_reach, 'nearest_team_m', v.nearest_team_m, 'is_sample', v.is_sample))::text
        FROM villages v
        ORDER BY v.teams_in_reach, v.poverty_rate DESC NULLS LAST, v.last_served_on NULLS FIRST, v.id
        """;

    /// <summary>One row per admin unit of a level in force on @date: what is there and what is missing.</summary>
    public const string Summary = """
        SELECT a.code, a.name, coalesce(tm.teams, 0)::bigint AS teams, coalesce(tm.active_teams, 0)::bigint AS active_teams,
               coalesce(tm.active_capacity, 0)::bigint AS active_capacity, vl.hardship_villages, vl.uncovered_villages,
               (SELECT count(*) FROM red_sites s WHERE ST_Intersects(a.geom, s.geom)) AS red_addresses,
               (SELECT count(*) FROM needs n WHERE n.status IN ('open', 'proposed') AND ST_Intersects(a.geom, n.geom)) AS open_needs,
               (SELECT coalesce(sum(x.participants), 0) FROM activities x WHERE ST_Intersects(a.geom, x.geom)) AS activity_participants
        FROM admin_units a
        -- The unit's teams as kept on write (admin_unit_teams, migration 0102); one pass over its villages.
        LEFT JOIN admin_unit_teams tm ON tm.unit_id = a.id
        CROSS JOIN LATERAL (
            SELECT count(*) AS hardship_villages, count(*) FILTER (WHERE r.teams_in_reach = 0) AS uncovered_villages
            FROM hardship_villages v JOIN village_reach r ON r.village_id = v.id
            WHERE ST_Intersects(a.geom, v.geom)) vl
        WHERE a.level = @level
          AND a.valid_from <= @date AND (a.valid_to IS NULL OR a.valid_to > @date)
          AND (@parent::text IS NULL OR a.parent_code = @parent)
        ORDER BY vl.uncovered_villages DESC, a.code
        LIMIT 200
        """;
}
