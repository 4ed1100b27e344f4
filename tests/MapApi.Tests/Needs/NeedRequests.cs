using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Needs;

/// <summary>Request bodies and calls the needs tests share.</summary>
public static class NeedRequests
{
    public static JsonObject VillageNeed(int volunteers = 6, string[]? skills = null, int startInDays = 7, int days = 3) => new()
    {
        ["title"] = "Sửa nhà tạm cho hộ nghèo thôn 2",
        ["category"] = "xoa-nha-tam",
        ["required_skills"] = new JsonArray((skills ?? ["construction", "first-aid"]).Select(s => (JsonNode)s!).ToArray()),
        ["volunteers_needed"] = volunteers,
        ["window_start"] = FixtureApiFactory.Today.AddDays(startInDays).ToString("yyyy-MM-dd"),
        ["window_end"] = FixtureApiFactory.Today.AddDays(startInDays + days).ToString("yyyy-MM-dd"),
        ["priority"] = "high",
        ["public_summary"] = "Hai hộ đồng bào Xơ Đăng cần dựng lại nhà trước mùa mưa.",
        ["restricted_details"] = new JsonObject
        {
            ["beneficiaries"] = new JsonArray(new JsonObject { ["name"] = "Hồ Văn Bí Mật", ["phone"] = "0912345678" }),
        },
        ["village_id"] = Fixture.Village,
    };

    public static async Task<JsonNode> CreateAsync(HttpClient coordinator, JsonObject body)
    {
        var response = await coordinator.PostAsJsonAsync("/api/needs", body);
        Assert.True(201 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<HttpResponseMessage> TransitionAsync(HttpClient client, long needId, string to, string? note = null) =>
        await client.PostAsJsonAsync($"/api/needs/{needId}/transitions", new { to, note });

    public static async Task<HttpResponseMessage> ProposeAsync(HttpClient client, long needId, long teamId, int volunteers) =>
        await client.PostAsJsonAsync($"/api/needs/{needId}/assignments", new { team_id = teamId, volunteers });
}
