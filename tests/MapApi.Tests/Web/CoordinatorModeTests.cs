using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>
/// Coordinator mode in the browser. Until the needs/matching API (branch needs) is merged, the first test
/// answers its endpoints in the browser with responses shaped like its contract, so what is checked is the
/// web map's side: the request it sends, and the ranked teams, lines and reasons it draws from the answer.
/// </summary>
public sealed class CoordinatorModeTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static readonly JsonObject Matches = JsonNode.Parse("""
        {"need_id": 901, "need_status": "open", "volunteers_needed": 6, "volunteers_still_needed": 6, "score_formula": "…",
         "matches": [
          {"team_id": 11, "name": "Đội hình sơ cứu Tam Kỳ", "team_type": "specialist", "lon": 108.47, "lat": 15.57, "distance_m": 12400,
           "skills_covered": ["first-aid"], "skills_missing": [], "skill_coverage": 1.0, "free_capacity": 8, "days_since_last_assignment": 40,
           "score": 0.91, "reasons": "12.4 km away; has every skill asked for; 8 free", "reasons_vi": "Cách 12,4 km; đủ mọi kỹ năng cần; còn 8 người"},
          {"team_id": 12, "name": "CLB Thanh niên Núi Thành", "team_type": "club", "lon": 108.65, "lat": 15.42, "distance_m": 31000,
           "skills_covered": [], "skills_missing": ["first-aid"], "skill_coverage": 0.0, "free_capacity": 3, "days_since_last_assignment": null,
           "score": 0.42, "reasons": "31 km away; lacks first aid", "reasons_vi": "Cách 31 km; thiếu kỹ năng sơ cứu"}
         ]}
        """)!.AsObject();

    [Fact]
    public async Task A_coordinator_records_a_need_on_the_map_and_sees_ranked_teams_with_lines_and_reasons()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        JsonNode? posted = null;
        await page.RouteAsync("**/api/auth/token", r => r.FulfillAsync(new() { Status = 200, ContentType = "application/json",
            Body = """{"access_token":"test-token","token_type":"Bearer","expires_in":3600,"user":{"username":"coordinator","display_name":"Cán bộ điều phối","role":"coordinator","team_id":null}}""" }));
        await page.RouteAsync("**/api/needs", async r =>
        {
            Assert.Equal("Bearer test-token", r.Request.Headers["authorization"]);
            posted = JsonNode.Parse(r.Request.PostData!);
            await r.FulfillAsync(new() { Status = 201, ContentType = "application/geo+json", Body = NeedJson(posted!) });
        });
        await page.RouteAsync("**/api/needs/901", r => r.FulfillAsync(new() { ContentType = "application/geo+json", Body = NeedJson(posted!) }));
        await page.RouteAsync("**/api/needs/901/matches", r => r.FulfillAsync(new() { ContentType = "application/json", Body = Matches.ToJsonString() }));

        await page.GotoAsync(web.BaseUrl + "/#map=9/15.55/108.3&layers=admin");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#login-btn").ClickAsync();
        await page.Locator("#login-username").FillAsync("coordinator");
        await page.Locator("#login-password").FillAsync("any");
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        await page.Locator("#coord-section").WaitForAsync();
        Assert.Contains("Cán bộ điều phối", await page.TextContentAsync("#user-name"));

        await page.Locator("#coord-new-need").ClickAsync();
        await page.Locator("#map").ClickAsync(new() { Position = new() { X = 480, Y = 370 } });
        await page.Locator("#need-dialog[open]").WaitForAsync();
        await page.Locator("#need-title").FillAsync("Sơ cứu cho điểm trường Trà Leng");
        await page.Locator("#need-volunteers").FillAsync("6");
        await page.Locator("#need-summary").FillAsync("Tập huấn sơ cứu cho giáo viên và học sinh");
        await page.Locator("#need-restricted").FillAsync("Liên hệ: thầy A, 09xx");
        if (await page.Locator("#need-skills input").CountAsync() > 0) await page.Locator("#need-skills input").First.CheckAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "08-coordinator-need-form.png") });
        await page.Locator("#need-form button[type=submit]").ClickAsync();

        var ranked = page.Locator("#panel .matches > li");
        await ranked.First.WaitForAsync();
        Assert.Equal("Sơ cứu cho điểm trường Trà Leng", posted!["title"]!.GetValue<string>());
        Assert.Equal(6, posted["volunteers_needed"]!.GetValue<int>());
        Assert.InRange(posted["lon"]!.GetValue<double>(), 107.0, 109.5);
        Assert.InRange(posted["lat"]!.GetValue<double>(), 14.5, 16.5);
        Assert.Equal("Liên hệ: thầy A, 09xx", posted["restricted_details"]!["notes"]!.GetValue<string>());

        Assert.Equal(2, await ranked.CountAsync());
        Assert.Contains("Đội hình sơ cứu Tam Kỳ", await ranked.Nth(0).TextContentAsync());
        Assert.Contains("đủ mọi kỹ năng cần", await ranked.Nth(0).Locator(".reasons").TextContentAsync());
        Assert.Contains("Thiếu", await ranked.Nth(1).TextContentAsync());
        // One line from each team to the need.
        Assert.Equal(2, await page.Locator(".leaflet-overlay-pane path.match-line").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "09-coordinator-matches.png") });
    }

    static string NeedJson(JsonNode posted) => new JsonObject
    {
        ["type"] = "Feature", ["id"] = 901,
        ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(posted["lon"]!.GetValue<double>(), posted["lat"]!.GetValue<double>()) },
        ["properties"] = new JsonObject
        {
            ["title"] = posted["title"]!.GetValue<string>(), ["category"] = posted["category"]!.GetValue<string>(), ["status"] = "open",
            ["priority"] = posted["priority"]!.GetValue<string>(), ["volunteers_needed"] = posted["volunteers_needed"]!.GetValue<int>(),
            ["window_start"] = posted["window_start"]!.GetValue<string>(), ["window_end"] = posted["window_end"]!.GetValue<string>(),
            ["required_skills"] = posted["required_skills"]!.DeepClone(), ["public_summary"] = posted["public_summary"]!.GetValue<string>(),
            ["assignments"] = new JsonArray(), ["history"] = new JsonArray(),
        },
    }.ToJsonString();
}
