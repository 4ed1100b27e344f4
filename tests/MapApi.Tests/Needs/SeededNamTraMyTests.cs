using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Matching;

namespace ResourceMap.Tests.Needs;

/// <summary>
/// The same path on the seed data (data/): a need in a hardship village of Nam Trà My (Quảng Nam), matched
/// against the sample teams. Everything it relies on is looked up in its own database copy.
/// </summary>
[Trait("Clock", "sensitive")] // uses "today": ./scripts/test.sh re-runs it under moved clocks
public sealed class SeededNamTraMyTests
{
    // No class fixture: a fixture would build the seeded template even when the test is skipped for lack of data.
    [Fact]
    public async Task A_need_in_a_Nam_Tra_My_village_is_matched_with_eligible_teams_in_score_order()
    {
        var app = new MapApiFactory();
        var lifetime = (IAsyncLifetime)app;
        await lifetime.InitializeAsync();
        try { await RunAsync(app); }
        finally { await lifetime.DisposeAsync(); }
    }

    static async Task RunAsync(MapApiFactory app)
    {
        long villageId, teamId; string skill; DateOnly from;
        await using (var conn = await app.Sql.OpenConnectionAsync())
        {
            await TestUsers.AddAsync(conn, "seed-coord", "coordinator", "seed-password-1", displayName: "Điều phối viên");
            villageId = (long)(await conn.Command("""
                SELECT v.id FROM hardship_villages v
                JOIN admin_units a ON a.level = 'district' AND a.name LIKE '%Nam Trà My%' AND ST_Intersects(a.geom, v.geom)
                ORDER BY v.id LIMIT 1
                """).ExecuteScalarAsync())!;
            // A team that reaches the village and is free for three days from tomorrow or later.
            await using var r = await conn.Command("""
                SELECT t.id, t.skills[1], greatest(lower(av.period), rm_today() + 1)
                FROM teams t JOIN team_availability av ON av.team_id = t.id, hardship_villages v
                WHERE v.id = @v AND t.status = 'active' AND cardinality(t.skills) > 0 AND t.capacity > 0
                  AND (ST_DWithin(t.geom::geography, v.geom::geography, t.service_radius_m) OR coalesce(ST_Covers(t.service_area, v.geom), false))
                  AND upper(av.period) - greatest(lower(av.period), rm_today() + 1) >= 3
                ORDER BY t.id LIMIT 1
                """, ("v", villageId)).ExecuteReaderAsync();
            Assert.True(await r.ReadAsync(), "the seed should hold a team able to serve a Nam Trà My village");
            (teamId, skill, from) = (r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateOnly>(2));
        }

        var client = app.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/auth/token", new { username = "seed-coord", password = "seed-password-1" })).ReadJsonAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login["access_token"]!.GetValue<string>());
        var created = await client.PostAsJsonAsync("/api/needs", new
        {
            title = "Dạy học hè cho trẻ em thôn ĐBKK", category = "tiep-suc-den-truong", required_skills = new[] { skill },
            volunteers_needed = 1, window_start = from.ToString("yyyy-MM-dd"), window_end = from.AddDays(2).ToString("yyyy-MM-dd"),
            priority = "normal", public_summary = "Nhu cầu thử nghiệm trên dữ liệu mẫu.",
            restricted_details = new { contact = "Trưởng thôn Hồ Văn Riêng Tư", phone = "0911222333" }, village_id = villageId,
        });
        Assert.Equal(201, (int)created.StatusCode);
        var needId = (await created.ReadJsonAsync())["id"]!.GetValue<long>();

        var matches = (await (await app.CreateClient().GetAsync($"/api/needs/{needId}/matches?min_coverage=1&limit=100")).ReadJsonAsync())["matches"]!
            .AsArray().Select(m => m!).ToList();
        Assert.Contains(matches, m => m["team_id"]!.GetValue<long>() == teamId);
        await using (var conn = await app.Sql.OpenConnectionAsync())
            foreach (var m in matches)
            {
                await using var r = await conn.Command("""
                    SELECT t.status = 'active',
                           ST_DWithin(t.geom::geography, n.geom::geography, t.service_radius_m) OR coalesce(ST_Covers(t.service_area, n.geom), false),
                           t.skills @> n.required_skills,
                           (SELECT range_agg(period) FROM team_availability WHERE team_id = t.id) @> daterange(n.window_start, n.window_end, '[]'),
                           ST_Distance(t.geom::geography, n.geom::geography)
                    FROM teams t, needs n WHERE t.id = @t AND n.id = @n
                    """, ("t", m["team_id"]!.GetValue<long>()), ("n", needId)).ExecuteReaderAsync();
                await r.ReadAsync();
                Assert.True(r.GetBoolean(0) && r.GetBoolean(1) && r.GetBoolean(2) && r.GetBoolean(3), $"team {m["team_id"]} is not eligible");
                Assert.InRange(m["distance_m"]!.GetValue<double>(), r.GetDouble(4) - 1, r.GetDouble(4) + 1);
                Assert.Equal(MatchScore.Recompute(m, 1), m["score"]!.GetValue<double>(), 2);
            }
        var scores = matches.Select(m => m["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);

        var anonymous = await app.CreateClient().GetStringAsync($"/api/needs/{needId}");
        Assert.DoesNotContain("Riêng Tư", anonymous);
        Assert.DoesNotContain("0911222333", anonymous);
    }
}
