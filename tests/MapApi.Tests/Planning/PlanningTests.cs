using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Planning;

public sealed class PlanningTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Fact]
    public async Task Coverage_counts_the_teams_that_reach_each_village_and_ranks_the_least_served_first()
    {
        var body = await (await app.CreateClient().GetAsync("/api/planning/coverage?admin=49&limit=1000")).ReadJsonAsync();
        var villages = body.Features().ToList();
        Assert.NotEmpty(villages);

        // Oracle: a plain distance comparison over every active team, no index tricks.
        var expected = new Dictionary<long, long>();
        await using (var conn = await app.Sql.OpenConnectionAsync())
        await using (var reader = await conn.Command("""
            SELECT v.id, (SELECT count(*) FROM teams t WHERE t.status = 'active'
                          AND (ST_Distance(t.geom::geography, v.geom::geography) <= coalesce(t.service_radius_m, 0)
                               OR ST_Covers(t.service_area, v.geom)))
            FROM hardship_villages v JOIN admin_units a ON a.code = '49' AND a.level = 'province' AND ST_Intersects(a.geom, v.geom)
            """).ExecuteReaderAsync())
            while (await reader.ReadAsync()) expected[reader.GetInt64(0)] = reader.GetInt64(1);

        Assert.Equal(expected.Keys.ToHashSet(), villages.Select(v => v["id"]!.GetValue<long>()).ToHashSet());
        foreach (var v in villages)
            Assert.Equal(expected[v["id"]!.GetValue<long>()], v["properties"]!["teams_in_reach"]!.GetValue<long>());
        var counts = villages.Select(v => v["properties"]!["teams_in_reach"]!.GetValue<long>()).ToList();
        Assert.Equal(counts.Order().ToList(), counts);
    }

    [Fact]
    public async Task Uncovered_keeps_only_villages_no_team_reaches()
    {
        var body = await (await app.CreateClient().GetAsync("/api/planning/coverage?uncovered=true&limit=1000")).ReadJsonAsync();
        Assert.All(body.Features(), v => Assert.Equal(0, v["properties"]!["teams_in_reach"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Summary_per_province_adds_up_to_the_whole()
    {
        var rows = (await (await app.CreateClient().GetAsync("/api/planning/summary?level=province")).ReadJsonAsync()).AsArray();
        Assert.Equal(34, rows.Count);
        await using var conn = await app.Sql.OpenConnectionAsync();
        var villages = (long)(await conn.Command("SELECT count(*) FROM hardship_villages").ExecuteScalarAsync())!;
        Assert.Equal(villages, rows.Sum(r => r!["hardship_villages"]!.GetValue<long>()));
        Assert.All(rows, r => Assert.True(r!["uncovered_villages"]!.GetValue<long>() <= r["hardship_villages"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("/api/planning/coverage?limit=99999")]
    [InlineData("/api/planning/coverage?admin=nowhere")]
    [InlineData("/api/planning/coverage?uncovered=maybe")]
    [InlineData("/api/planning/summary?level=planet")]
    public async Task Bad_input_gets_a_400_problem(string url)
    {
        await (await app.CreateClient().GetAsync(url)).AssertProblemAsync(400);
    }
}
