using System.Globalization;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Matching;
using ResourceMap.Api.Planning;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Planning;

/// <summary>
/// The kept per-village counts (village_reach, migration 0099) against counting per request, as the planning endpoints
/// did before: equal after every kind of write to teams and villages, and the endpoints' statements answer byte for byte
/// what the old statements answered.
/// </summary>
public sealed class PlanningEquivalenceTests : IAsyncLifetime
{
    string database = "";
    NpgsqlDataSource db = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateSeededCopyAsync();
        db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
        await using var conn = await db.OpenConnectionAsync();
        // Teams and villages around Quảng Nam: radius teams, service-area teams (some without a radius), inactive ones.
        await using var command = conn.Command("""
            SELECT setseed(0.31);
            INSERT INTO data_sources (id, title, licence, accuracy, is_sample) VALUES ('gen', 'Generated test data', 'n/a', 'synthetic', true);
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, service_area, geom, source_id, is_sample)
            SELECT 'T' || g, 'club', 'U', ARRAY['first-aid'], 5, CASE WHEN g % 9 = 0 THEN 'inactive' ELSE 'active' END,
                   CASE WHEN g % 17 = 0 THEN NULL ELSE 3000 + (random() * 37000)::int END,
                   CASE WHEN g % 13 = 0 OR g % 17 = 0 THEN ST_Multi(ST_Buffer(p, 0.05 + random() * 0.1)) END,
                   p, 'gen', true
            FROM (SELECT g, ST_SetSRID(ST_MakePoint(107.5 + random() * 1.2, 15.0 + random() * 1.2), 4326) AS p
                  FROM generate_series(1, 2500) g) s;
            INSERT INTO hardship_villages (name, poverty_rate, households, population, new_rural_criteria_met, last_served_on, geom, source_id, is_sample)
            SELECT 'V' || g, round((random() * 80)::numeric, 2), 100, 400, g % 19, CASE WHEN g % 3 = 0 THEN DATE '2026-01-01' + g % 300 END,
                   ST_SetSRID(ST_MakePoint(107.3 + random() * 1.6, 14.8 + random() * 1.6), 4326), 'gen', true
            FROM generate_series(1, 500) g;
            """);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        await TestDatabase.DropAsync(database);
    }

    /// <summary>Active teams that reach the village v, counted per request as the planning statements did before 0099.</summary>
    static readonly string OldTeamsReaching = $"""
        FROM teams t WHERE {MatchingQueries.NearCondition("v.geom", 1)}
          AND t.status = 'active' AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, v.geom)
        """;

    static string OldCoverage(bool adminUnit, bool uncoveredOnly) => $"""
        WITH villages AS (
            SELECT v.*,
                   (SELECT count(*) {OldTeamsReaching}) AS teams_in_reach,
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
        ORDER BY v.teams_in_reach, v.poverty_rate DESC NULLS LAST, v.last_served_on NULLS FIRST, v.id
        LIMIT @limit + 1
        """;

    static readonly string OldSummary = $"""
        SELECT a.code, a.name,
               (SELECT count(*) FROM teams t WHERE ST_Intersects(a.geom, t.geom)) AS teams,
               (SELECT count(*) FROM teams t WHERE t.status = 'active' AND ST_Intersects(a.geom, t.geom)) AS active_teams,
               (SELECT coalesce(sum(t.capacity), 0) FROM teams t WHERE t.status = 'active' AND ST_Intersects(a.geom, t.geom)) AS active_capacity,
               (SELECT count(*) FROM hardship_villages v WHERE ST_Intersects(a.geom, v.geom)) AS hardship_villages,
               (SELECT count(*) FROM hardship_villages v WHERE ST_Intersects(a.geom, v.geom)
                  AND NOT EXISTS (SELECT 1 {OldTeamsReaching})) AS uncovered_villages,
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

    /// <summary>Villages whose kept count differs from counting now, and villages with no kept count (or kept counts of no village).</summary>
    static async Task<long> StaleAsync(NpgsqlConnection conn)
    {
        await using var command = conn.Command($"""
            SELECT (SELECT count(*) FROM hardship_villages v LEFT JOIN village_reach r ON r.village_id = v.id
                    WHERE r.teams_in_reach IS DISTINCT FROM (SELECT count(*) {OldTeamsReaching}))
                 + (SELECT count(*) FROM village_reach r WHERE NOT EXISTS (SELECT 1 FROM hardship_villages v WHERE v.id = r.village_id))
            """);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Units whose kept team counts (admin_unit_teams, migration 0102) differ from counting now, and kept rows of no unit.</summary>
    static async Task<long> UnitsStaleAsync(NpgsqlConnection conn)
    {
        await using var command = conn.Command("""
            SELECT (SELECT count(*) FROM admin_units a LEFT JOIN admin_unit_teams u ON u.unit_id = a.id
                    CROSS JOIN LATERAL (SELECT count(*) AS teams, count(*) FILTER (WHERE t.status = 'active') AS active_teams,
                                               coalesce(sum(t.capacity) FILTER (WHERE t.status = 'active'), 0) AS active_capacity
                                        FROM teams t WHERE ST_Intersects(a.geom, t.geom)) c
                    WHERE a.level <> 'country'
                      AND (coalesce(u.teams, 0), coalesce(u.active_teams, 0), coalesce(u.active_capacity, 0))
                          IS DISTINCT FROM (c.teams::int, c.active_teams::int, c.active_capacity::bigint))
                 + (SELECT count(*) FROM admin_unit_teams u WHERE NOT EXISTS (SELECT 1 FROM admin_units a WHERE a.id = u.unit_id AND a.level <> 'country'))
            """);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task<List<string>> RowsAsync(NpgsqlConnection conn, string sql, params (string, object?)[] parameters)
    {
        await using var command = conn.Command(sql, parameters);
        if (command.Parameters.Contains("parent")) command.Parameters["parent"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        return rows;
    }

    [Fact]
    public async Task Coverage_and_summary_answer_what_counting_per_request_answered()
    {
        await using var conn = await db.OpenConnectionAsync();
        var quangNam = (long)(await conn.Command("SELECT id FROM admin_units WHERE code = '49' AND level = 'province' ORDER BY valid_from LIMIT 1").ExecuteScalarAsync())!;
        foreach (var (admin, uncovered) in new[] { (false, false), (true, false), (true, true), (false, true) })
        {
            (string, object?)[] parameters = admin ? [("limit", 1000), ("admin_unit_id", quangNam)] : [("limit", 1000)];
            var expected = await RowsAsync(conn, OldCoverage(admin, uncovered), parameters);
            var actual = await RowsAsync(conn, PlanningQueries.Coverage(admin, uncovered), parameters);
            // (The generated teams reach every village of Quảng Nam: the uncovered ones lie beyond it.)
            Assert.True(expected.Count > (uncovered ? (admin ? -1 : 0) : 200), $"only {expected.Count} villages (admin {admin}, uncovered {uncovered})");
            Assert.Equal(expected, actual);
        }
        // Both eras and levels: the 34 provinces since July 2025, the 63 before, districts of Quảng Nam before.
        foreach (var (level, parent, date) in new[] { ("province", (string?)null, new DateOnly(2026, 3, 1)), ("province", null, new DateOnly(2024, 3, 1)), ("district", "49", new DateOnly(2024, 3, 1)) })
        {
            var expected = await RowsAsync(conn, OldSummary, ("level", level), ("parent", parent), ("date", date));
            var actual = await RowsAsync(conn, PlanningQueries.Summary, ("level", level), ("parent", parent), ("date", date));
            Assert.True(expected.Count > 1, $"{level} {date}: {expected.Count} rows");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Every_kind_of_write_keeps_the_counts_equal_to_counting_now()
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync(); // rolled back: the other test keeps its data
        async Task Step(string what, string sql)
        {
            await using (var command = conn.Command(sql)) await command.ExecuteNonQueryAsync();
            Assert.True(await StaleAsync(conn) == 0, $"after {what}: {await StaleAsync(conn)} villages counted wrong");
            Assert.True(await UnitsStaleAsync(conn) == 0, $"after {what}: {await UnitsStaleAsync(conn)} units' teams counted wrong");
        }

        Assert.Equal(0, await StaleAsync(conn));
        Assert.Equal(0, await UnitsStaleAsync(conn));
        await using (var some = conn.Command("SELECT count(*) FROM village_reach WHERE teams_in_reach > 0"))
            Assert.True((long)(await some.ExecuteScalarAsync())! > 100, "too few villages are reached for the test to mean anything");
        await Step("a team inserted", """
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, geom, source_id, is_sample)
            VALUES ('new', 'club', 'U', ARRAY['a'], 5, 'active', 30000, ST_SetSRID(ST_MakePoint(108.0, 15.6), 4326), 'gen', true)
            """);
        await Step("teams moved", "UPDATE teams SET geom = ST_SetSRID(ST_MakePoint(ST_X(geom) + 0.2, ST_Y(geom) - 0.1), 4326) WHERE id % 7 = 3");
        await Step("teams deactivated and activated", "UPDATE teams SET status = CASE status WHEN 'active' THEN 'inactive' ELSE 'active' END WHERE id % 11 = 4");
        await Step("radii changed, one dropped", "UPDATE teams SET service_radius_m = CASE WHEN id % 2 = 0 THEN service_radius_m * 2 END WHERE id % 5 = 1 AND service_area IS NOT NULL OR id % 19 = 2");
        await Step("service areas drawn and removed", """
            UPDATE teams SET service_area = CASE WHEN service_area IS NULL THEN ST_Multi(ST_Buffer(geom, 0.3)) END
            WHERE id % 23 = 6 AND service_radius_m IS NOT NULL
            """);
        await Step("a change that does not touch reach", "UPDATE teams SET capacity = capacity + 1, name = name || '.' WHERE id % 3 = 0");
        await Step("teams deleted", "DELETE FROM teams WHERE id % 29 = 8 AND source_id = 'gen'");
        await Step("a unit drawn", """
            INSERT INTO admin_units (code, level, parent_code, name, valid_from, geom, source_id, is_sample)
            VALUES ('T-1', 'district', '49', 'Huyện Thử', DATE '2020-01-01',
                    ST_Multi(ST_MakeEnvelope(107.8, 15.2, 108.3, 15.6, 4326)), 'gen', true)
            """);
        await Step("a unit redrawn", "UPDATE admin_units SET geom = ST_Multi(ST_MakeEnvelope(107.9, 15.3, 108.5, 15.9, 4326)) WHERE code = 'T-1'");
        await Step("a unit renamed (counts kept)", "UPDATE admin_units SET name = 'Huyện Thử Hai' WHERE code = 'T-1'");
        await Step("a team moved into the unit", "UPDATE teams SET geom = ST_SetSRID(ST_MakePoint(108.2, 15.5), 4326) WHERE id % 31 = 7");
        await Step("a unit removed", "DELETE FROM admin_units WHERE code = 'T-1'");
        await Step("villages inserted", """
            INSERT INTO hardship_villages (name, geom, source_id, is_sample)
            SELECT 'W' || g, ST_SetSRID(ST_MakePoint(107.6 + g * 0.01, 15.1 + g * 0.008), 4326), 'gen', true FROM generate_series(1, 60) g
            """);
        // Past 200 villages in one statement the teams are read once instead of probing per village (migration 0100).
        await Step("many villages inserted by one statement", """
            INSERT INTO hardship_villages (name, geom, source_id, is_sample)
            SELECT 'X' || g, ST_SetSRID(ST_MakePoint(107.2 + (g % 40) * 0.045, 14.7 + (g / 40) * 0.2), 4326), 'gen', true FROM generate_series(1, 360) g
            """);
        await Step("villages moved", "UPDATE hardship_villages SET geom = ST_SetSRID(ST_MakePoint(ST_X(geom) - 0.15, ST_Y(geom) + 0.05), 4326) WHERE id % 6 = 1");
        await Step("villages edited in place", "UPDATE hardship_villages SET poverty_rate = 50 WHERE id % 4 = 2");
        await Step("villages deleted", "DELETE FROM hardship_villages WHERE id % 13 = 5 AND source_id = 'gen'");
        await using (var count = conn.Command("SELECT (SELECT count(*) FROM village_reach) = (SELECT count(*) FROM hardship_villages)"))
            Assert.Equal(true, await count.ExecuteScalarAsync());
        await tx.RollbackAsync();
    }
}
