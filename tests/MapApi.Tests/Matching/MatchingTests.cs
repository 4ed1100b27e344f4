using System.Text.Json.Nodes;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Needs;

namespace ResourceMap.Tests.Matching;

[Trait("Clock", "sensitive")] // uses "today": ./scripts/test.sh re-runs it under moved clocks
public sealed class MatchingTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task Matches_for_a_village_need_are_eligible_correctly_measured_and_ordered_by_the_documented_score()
    {
        var coordinator = await app.LoginAsync("coord1");
        var need = await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 8, skills: ["construction", "first-aid"]));
        var id = need["id"]!.GetValue<long>();
        var (from, to) = (need["properties"]!["window_start"]!.GetValue<string>(), need["properties"]!["window_end"]!.GetValue<string>());

        var body = await (await app.CreateClient().GetAsync($"/api/needs/{id}/matches?min_coverage=1&limit=100")).ReadJsonAsync();
        Assert.Equal(8, body["volunteers_still_needed"]!.GetValue<int>());
        var matches = body["matches"]!.AsArray().Select(m => m!).ToList();
        var ids = matches.Select(m => m["team_id"]!.GetValue<long>()).ToHashSet();
        // Exactly the fixture teams that qualify: in reach by radius (1, 2, 3) or by service area (8).
        Assert.Equal(new HashSet<long> { Fixture.TraMy, Fixture.TamKy, Fixture.NamTraMy, Fixture.ServiceArea }, ids);

        foreach (var m in matches)
        {
            var team = m["team_id"]!.GetValue<long>();
            var facts = ("t", (object?)team);
            Assert.True(await app.ScalarAsync<bool>("SELECT status = 'active' FROM teams WHERE id = @t", facts));
            Assert.True(await app.ScalarAsync<bool>("""
                SELECT ST_DWithin(t.geom::geography, n.geom::geography, t.service_radius_m) OR coalesce(ST_Covers(t.service_area, n.geom), false)
                FROM teams t, needs n WHERE t.id = @t AND n.id = @n
                """, facts, ("n", id)), $"team {team} does not reach the need");
            Assert.True(await app.ScalarAsync<bool>("SELECT skills @> '{construction,first-aid}' FROM teams WHERE id = @t", facts));
            Assert.Empty(m["skills_missing"]!.AsArray());
            Assert.Equal(1.0, m["skill_coverage"]!.GetValue<double>());
            Assert.True(await app.ScalarAsync<bool>("""
                SELECT (SELECT range_agg(period) FROM team_availability WHERE team_id = @t) @> daterange(@from::date, @to::date, '[]')
                """, facts, ("from", from), ("to", to)), $"team {team} is not available");
            var distance = await app.ScalarAsync<double>("""
                SELECT ST_Distance(t.geom::geography, n.geom::geography) FROM teams t, needs n WHERE t.id = @t AND n.id = @n
                """, facts, ("n", id));
            Assert.InRange(m["distance_m"]!.GetValue<double>(), distance - 1, distance + 1);
            Assert.Equal(MatchScore.Recompute(m, 8), m["score"]!.GetValue<double>(), 2);
            Assert.Matches(@"^\d+\.\d km · 2/2 skills · \d+ free places? · (never assigned|last assigned \d+ days? ago|last assigned today)$", m["reasons"]!.GetValue<string>());
            Assert.Matches(@"^\d+,\d km · 2/2 kỹ năng · còn \d+ chỗ · ", m["reasons_vi"]!.GetValue<string>());
        }
        var scores = matches.Select(m => m["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        // Team 3, assigned 40 days before the fixture was built, says how many of Vietnam's days ago that is now
        // (41 if midnight in Vietnam fell between the fixture and this request — 17:00 UTC).
        var days = await app.ScalarAsync<int>("SELECT rm_today() - (last_assigned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date FROM teams WHERE id = @id", ("id", Fixture.NamTraMy));
        Assert.InRange(days, 40, 41);
        Assert.EndsWith($"last assigned {days} days ago", matches.Single(m => m["team_id"]!.GetValue<long>() == Fixture.NamTraMy)["reasons"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ad_hoc_matching_reports_partial_skill_coverage_and_respects_the_window()
    {
        var client = app.CreateClient();
        var today = FixtureApiFactory.Today;
        string Url(DateOnly from, DateOnly to) =>
            $"/api/matches?lon=108.06&lat=15.03&skills=teaching,digital-skills&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&volunteers=3&limit=100";

        var soon = (await (await client.GetAsync(Url(today, today.AddDays(2)))).ReadJsonAsync())["matches"]!.AsArray().Select(m => m!).ToList();
        var later = (await (await client.GetAsync(Url(today.AddDays(10), today.AddDays(12)))).ReadJsonAsync())["matches"]!.AsArray().Select(m => m!).ToList();
        long Id(JsonNode m) => m["team_id"]!.GetValue<long>();

        Assert.Contains(soon, m => Id(m) == Fixture.Unavailable);        // available until today + 3
        Assert.DoesNotContain(later, m => Id(m) == Fixture.Unavailable);
        Assert.DoesNotContain(soon, m => Id(m) is Fixture.Inactive or Fixture.HoiAnFar or Fixture.SwimOnly);
        var partial = soon.Single(m => Id(m) == Fixture.NamTraMy);
        Assert.Equal(["teaching"], partial["skills_covered"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(["digital-skills"], partial["skills_missing"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(0.5, partial["skill_coverage"]!.GetValue<double>());
        Assert.Contains("1/2 skills", partial["reasons"]!.GetValue<string>());
        foreach (var m in soon) Assert.Equal(MatchScore.Recompute(m, 3), m["score"]!.GetValue<double>(), 2);
        Assert.Equal(soon.Select(m => m["score"]!.GetValue<double>()).OrderByDescending(s => s), soon.Select(m => m["score"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Nearby_needs_of_a_team_are_in_its_reach_and_ordered_by_the_same_documented_score()
    {
        var coordinator = await app.LoginAsync("coord1");
        await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 8, skills: ["construction", "first-aid"]));
        await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 2, skills: ["teaching"], startInDays: 2));
        await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 3, skills: [], startInDays: 200));
        var seen = 0;
        var unavailable = 0;
        foreach (var team in new[] { Fixture.TraMy, Fixture.TamKy, Fixture.NamTraMy, Fixture.ServiceArea, Fixture.Unavailable })
        {
            var body = await (await app.CreateClient().GetAsync($"/api/teams/{team}/nearby-needs?limit=100")).ReadJsonAsync();
            Assert.Contains("0.35·D + 0.30·S + 0.20·C + 0.15·L", body["score_formula"]!.GetValue<string>());
            var needs = body["needs"]!.AsArray().Select(n => n!).ToList();
            foreach (var n in needs)
            {
                Assert.True(await app.ScalarAsync<bool>("""
                    SELECT ST_DWithin(t.geom::geography, n.geom::geography, t.service_radius_m) OR coalesce(ST_Covers(t.service_area, n.geom), false)
                    FROM teams t, needs n WHERE t.id = @t AND n.id = @n
                    """, ("t", team), ("n", n["need_id"]!.GetValue<long>())), $"need {n["need_id"]} is out of team {team}'s reach");
                Assert.Equal(MatchScore.RecomputeNearby(n), n["score"]!.GetValue<double>(), 2);
                if (!n["available"]!.GetValue<bool>()) unavailable++;
            }
            var scores = needs.Select(n => n["score"]!.GetValue<double>()).ToList();
            Assert.Equal(scores.OrderByDescending(s => s), scores);
            seen += needs.Count;
        }
        Assert.True(seen >= 5, $"only {seen} nearby needs were scored");
        Assert.True(unavailable > 0, "no need outside a team's availability: C = 0 was not exercised");
    }

    [Theory]
    [InlineData("lat=15&skills=teaching", "lon and lat")]
    [InlineData("lon=108&lat=15&skills=flying", "Unknown skill 'flying'")]
    [InlineData("lon=108&lat=15&from=2030-02-01&to=2030-01-01", "to must not be before from")]
    [InlineData("lon=108&lat=15&limit=1000", "limit may be at most 100")]
    [InlineData("lon=108&lat=15&min_coverage=2", "min_coverage")]
    public async Task Bad_matching_queries_are_400_problems(string query, string expected)
    {
        var problem = await (await app.CreateClient().GetAsync($"/api/matches?{query}")).AssertProblemAsync(400);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>());
    }
}
