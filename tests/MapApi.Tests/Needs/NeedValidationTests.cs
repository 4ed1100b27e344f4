using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Needs.NeedRequests;

namespace ResourceMap.Tests.Needs;

public sealed class NeedValidationTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    public static TheoryData<string, string> BadNeeds => new()
    {
        { """{"required_skills": ["first-aid", "flying"]}""", "Unknown skills: flying" },
        { """{"window_start": "2030-05-10", "window_end": "2030-05-01"}""", "window_end must not be before window_start" },
        { """{"window_start": "2030-01-01", "window_end": "2031-06-01"}""", "at most one year" },
        { """{"volunteers_needed": 0}""", "between 1 and 1000" },
        { """{"volunteers_needed": 5000}""", "between 1 and 1000" },
        { """{"title": ""}""", "title is required" },
        { """{"title": "x"}""", "title must be 3–200 characters" },
        { """{"priority": "whenever"}""", "priority must be one of" },
        { """{"village_id": null, "lon": 111.5, "lat": 12.0}""", "outside Vietnam's admin units" },
        { """{"village_id": null, "lon": 200, "lat": 12.0}""", "lon must lie between -180 and 180" },
        { """{"village_id": null, "lon": 108.0}""", "lon and lat are both required" },
        { """{"lon": 108.0, "lat": 15.0}""", "exactly one of" },
        { """{"village_id": 999}""", "no hardship village 999" },
        { """{"village_id": null, "admin_code": "99999"}""", "No admin unit in force has code '99999'" },
        { """{"restricted_details": "Hồ Văn A, 0912"}""", "restricted_details must be an object" },
        { """{"colour": "red"}""", "colour" },
        { """{"volunteers_needed": "many"}""", "volunteers_needed" },
    };

    /// <summary>A valid need with some fields overridden (a JSON object).</summary>
    static JsonObject BadNeed(string overrides)
    {
        var body = VillageNeed();
        foreach (var (key, value) in JsonNode.Parse(overrides)!.AsObject())
            body[key] = value?.DeepClone();
        return body;
    }

    [Theory]
    [MemberData(nameof(BadNeeds))]
    public async Task Bad_input_is_a_400_problem_and_nothing_is_written(string overrides, string expected)
    {
        var coordinator = await app.LoginAsync("coord1");
        var body = BadNeed(overrides);
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM needs");
        var historyBefore = await app.ScalarAsync<long>("SELECT count(*) FROM need_status_history");

        var problem = await (await coordinator.PostAsJsonAsync("/api/needs", body)).AssertProblemAsync(400);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM needs"));
        Assert.Equal(historyBefore, await app.ScalarAsync<long>("SELECT count(*) FROM need_status_history"));
    }

    [Theory]
    [MemberData(nameof(BadNeeds))]
    public async Task A_client_that_asks_for_Vietnamese_reads_the_same_problem_in_Vietnamese(string overrides, string _)
    {
        var coordinator = await app.LoginAsync("coord1");
        var body = BadNeed(overrides);
        async Task<(JsonNode Problem, HttpResponseMessage Response)> Post(string? language)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/needs") { Content = JsonContent.Create(body) };
            if (language is not null) request.Headers.Add("Accept-Language", language);
            var response = await coordinator.SendAsync(request);
            return (await response.AssertProblemAsync(400), response);
        }
        var (english, _) = await Post(null);
        var (alsoEnglish, _) = await Post("en-US,en;q=0.9,vi;q=0.5");
        var (vietnamese, response) = await Post("vi-VN,vi;q=0.9");
        Assert.Equal(english["detail"]!.GetValue<string>(), alsoEnglish["detail"]!.GetValue<string>());
        Assert.Contains("vi", response.Content.Headers.ContentLanguage);
        Assert.Contains("Accept-Language", response.Headers.Vary);
        Assert.Equal("Yêu cầu không hợp lệ", vietnamese["title"]!.GetValue<string>());
        // Each English error has its Vietnamese counterpart, in the same order, and the detail is made of them.
        var englishErrors = (english["errors"]?.AsArray().Select(e => e!.GetValue<string>()) ?? [english["detail"]!.GetValue<string>()]).ToList();
        var vietnameseErrors = (vietnamese["errors"]?.AsArray().Select(e => e!.GetValue<string>()) ?? [vietnamese["detail"]!.GetValue<string>()]).ToList();
        Assert.Equal(englishErrors.Count, vietnameseErrors.Count);
        for (var i = 0; i < englishErrors.Count; i++)
        {
            var expected = ResourceMap.Api.Infrastructure.ProblemLanguage.Vietnamese.TryTranslate(englishErrors[i]);
            Assert.True(expected is not null, $"no Vietnamese for: {englishErrors[i]}");
            Assert.Equal(expected, vietnameseErrors[i]);
        }
    }

    [Fact]
    public async Task A_place_can_be_an_admin_unit_or_coordinates_inside_Vietnam()
    {
        var coordinator = await app.LoginAsync("coord1");
        var byUnit = VillageNeed();
        byUnit.Remove("village_id");
        byUnit["admin_code"] = "48";
        var need = await CreateAsync(coordinator, byUnit);
        // ST_PointOnSurface of the unit in force lies inside it.
        Assert.True(await app.ScalarAsync<bool>("""
            SELECT ST_Covers(a.geom, n.geom) FROM needs n, admin_units a WHERE n.id = @id AND a.code = '48'
            """, ("id", need["id"]!.GetValue<long>())));

        var byPoint = VillageNeed();
        byPoint.Remove("village_id");
        byPoint["lon"] = 108.1;
        byPoint["lat"] = 15.1;
        var point = await CreateAsync(coordinator, byPoint);
        Assert.Equal("48", point["properties"]!["admin_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Anonymous_writes_are_401_and_team_leads_may_not_record_needs()
    {
        var anonymous = app.CreateClient();
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM needs");
        await (await anonymous.PostAsJsonAsync("/api/needs", VillageNeed())).AssertProblemAsync(401);
        await (await anonymous.PostAsJsonAsync("/api/needs/1/transitions", new { to = "cancelled" })).AssertProblemAsync(401);
        await (await anonymous.PostAsJsonAsync("/api/needs/1/assignments", new { team_id = 1, volunteers = 1 })).AssertProblemAsync(401);
        await (await anonymous.PostAsync("/api/needs/1/assignments/1/accept", null)).AssertProblemAsync(401);
        await (await anonymous.PatchAsJsonAsync("/api/teams/1", new { capacity = 99 })).AssertProblemAsync(401);
        await (await anonymous.PutAsJsonAsync("/api/teams/1/availability", new { periods = Array.Empty<object>() })).AssertProblemAsync(401);
        // A forged token is no better than none.
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwicm9sZSI6ImNvb3JkaW5hdG9yIn0.AAAA");
        await (await anonymous.PostAsJsonAsync("/api/needs", VillageNeed())).AssertProblemAsync(401);

        var lead = await app.LoginAsync("lead1");
        await (await lead.PostAsJsonAsync("/api/needs", VillageNeed())).AssertProblemAsync(403);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM needs"));
        Assert.Equal(12, await app.ScalarAsync<int>("SELECT capacity FROM teams WHERE id = 1"));
    }
}
