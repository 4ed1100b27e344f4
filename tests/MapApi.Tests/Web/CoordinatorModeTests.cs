using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>
/// Coordinator mode in headless Chromium against the real needs/matching API and this class's own seeded
/// database (no mocked routes): sign in, record a need at a hardship village of Nam Trà My (Quảng Nam),
/// see ranked teams, propose and accept one, move the need along, and read the API's problems in words.
/// </summary>
public sealed class CoordinatorModeTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    const string Password = "browser-coord-password-1";

    /// <summary>A hardship village of Nam Trà My, a skill and a three-day window in which some active team can serve it.</summary>
    sealed record Place(long VillageId, string VillageName, double Lon, double Lat, string Skill, DateOnly From);

    static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png") });

    async Task<Place> PrepareAsync(string username)
    {
        await using var conn = await web.App.Sql.OpenConnectionAsync();
        await TestUsers.AddAsync(conn, username, "coordinator", Password, displayName: "Cán bộ điều phối");
        await using var r = await conn.Command("""
            SELECT v.id, v.name, ST_X(v.geom), ST_Y(v.geom), t.skills[1], greatest(lower(av.period), rm_today() + 1)
            FROM hardship_villages v
            JOIN admin_units a ON a.level = 'district' AND a.name LIKE '%Nam Trà My%' AND ST_Intersects(a.geom, v.geom)
            JOIN teams t ON t.status = 'active' AND cardinality(t.skills) > 0 AND t.capacity > 0
             AND (ST_DWithin(t.geom::geography, v.geom::geography, t.service_radius_m) OR coalesce(ST_Covers(t.service_area, v.geom), false))
            JOIN team_availability av ON av.team_id = t.id AND upper(av.period) - greatest(lower(av.period), rm_today() + 1) >= 3
            ORDER BY v.id, t.id LIMIT 1
            """).ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the seed should hold a Nam Trà My village that some team can serve");
        return new(r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3), r.GetString(4), r.GetFieldValue<DateOnly>(5));
    }

    static async Task LoginAsync(IPage page, string username)
    {
        await page.Locator("#login-btn").ClickAsync();
        await page.Locator("#login-username").FillAsync(username);
        await page.Locator("#login-password").FillAsync(Password);
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        // Attached rather than visible: on a phone the section sits in the closed legend drawer.
        await page.Locator("#coord-section:not([hidden])").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    async Task<object?> ScalarAsync(string sql, long id)
    {
        await using var conn = await web.App.Sql.OpenConnectionAsync();
        return await conn.Command(sql, ("id", id)).ExecuteScalarAsync();
    }

    async Task<JsonNode> GetJsonAsync(IPage page, string path) =>
        JsonNode.Parse(await (await page.APIRequest.GetAsync(web.BaseUrl + path)).TextAsync())!;

    [Fact]
    public async Task A_coordinator_goes_from_a_Nam_Tra_My_hardship_village_to_an_accepted_team_in_the_browser()
    {
        var place = await PrepareAsync("coord-browser");
        var (context, page, external) = await web.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{web.BaseUrl}/#map=15/{place.Lat:0.00000}/{place.Lon:0.00000}&layers=hardship-villages,admin");
        await page.Locator("body.ready").WaitForAsync();
        await LoginAsync(page, "coord-browser");
        Assert.Contains("Cán bộ điều phối", await page.TextContentAsync("#user-name"));

        // The village on the map → its popup → "record a need here".
        var marker = page.Locator($".leaflet-marker-pane [data-layer='hardship-villages'][data-id='{place.VillageId}']");
        await marker.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle); // markers are replaced on every viewport load
        await marker.ClickAsync();
        var popup = page.Locator(".leaflet-popup .popup");
        Assert.Contains(place.VillageName, await popup.Locator("h3").TextContentAsync());
        await BrowserFixture.PressInPopupAsync(page, "Ghi nhận nhu cầu tại đây");
        await page.Locator("#need-dialog[open]").WaitForAsync();
        Assert.Contains(place.VillageName, await page.TextContentAsync("#need-location"));

        const string secret = "Trưởng thôn Hồ Văn Kín Đáo, 0977000111";
        await page.Locator("#need-title").FillAsync("Dạy học hè cho trẻ em thôn ĐBKK");
        await page.Locator("#need-volunteers").FillAsync("1");
        await page.Locator("#need-summary").FillAsync("Lớp học hè cho trẻ em trong thôn.");
        await page.Locator("#need-restricted").FillAsync(secret);
        await page.Locator($"#need-skills input[value='{place.Skill}']").CheckAsync();
        // First with the window backwards: the API's 400, in the page's language, is shown as a list of what to fix.
        await page.Locator("#need-window-start").FillAsync(place.From.AddDays(2).ToString("yyyy-MM-dd"));
        await page.Locator("#need-window-end").FillAsync(place.From.ToString("yyyy-MM-dd"));
        await page.Locator("#need-form button[type=submit]").ClickAsync();
        var invalid = page.Locator("#need-error .problem[data-status='400']");
        await invalid.WaitForAsync();
        var invalidText = await invalid.TextContentAsync();
        Assert.Contains("Ngày kết thúc không được trước ngày bắt đầu", invalidText);
        Assert.DoesNotContain("window_", invalidText);
        await page.Locator("#need-window-start").FillAsync(place.From.ToString("yyyy-MM-dd"));
        await page.Locator("#need-window-end").FillAsync(place.From.AddDays(2).ToString("yyyy-MM-dd"));
        await ShotAsync(page, "08-coordinator-need-form");
        await page.Locator("#need-form button[type=submit]").ClickAsync();

        // Ranked teams, in the API's order, with the Vietnamese reasons, the 0–100 score and a line each.
        var ranked = page.Locator("#panel .matches > li");
        await ranked.First.WaitForAsync();
        var needId = long.Parse((await page.Locator("#panel article.need").GetAttributeAsync("data-need-id"))!);
        var matches = (await GetJsonAsync(page, $"/api/needs/{needId}/matches?limit=10"))["matches"]!.AsArray();
        Assert.NotEmpty(matches);
        Assert.Equal(matches.Count, await ranked.CountAsync());
        var top = matches[0]!;
        Assert.Equal(top["team_id"]!.GetValue<long>().ToString(), await ranked.First.GetAttributeAsync("data-team-id"));
        var reasonsVi = top["reasons_vi"]!.GetValue<string>();
        Assert.Contains(reasonsVi.Split(" · ")[0], await ranked.First.Locator(".reasons").TextContentAsync());
        Assert.Contains("kỹ năng", await ranked.First.Locator(".reasons").TextContentAsync());
        Assert.Equal($"Điểm {Math.Round(top["score"]!.GetValue<double>(), MidpointRounding.AwayFromZero):0}/100",
            (await ranked.First.Locator(".score").TextContentAsync())!.Trim());
        Assert.Equal(matches.Count, await page.Locator(".leaflet-overlay-pane path.match-line").CountAsync());
        Assert.Contains(secret, await page.Locator("#panel .restricted").TextContentAsync()); // coordinators see it
        await ShotAsync(page, "09-coordinator-matches");

        // Propose the top team, accept as coordinator: proposed → accepted, with the history to show it.
        await ranked.First.Locator("button.propose").ClickAsync();
        await page.Locator("#panel article.need[data-status='proposed'] .assignment[data-status='proposed']").WaitForAsync();
        await page.Locator("#panel .assignment button.accept").ClickAsync();
        var accepted = page.Locator("#panel article.need[data-status='accepted']");
        await accepted.WaitForAsync();
        Assert.Equal("Đã nhận", (await accepted.Locator(".status-badge").TextContentAsync())!.Trim());
        Assert.Equal(1, await accepted.Locator(".assignment[data-status='accepted']").CountAsync());
        var history = await accepted.Locator(".history").TextContentAsync();
        Assert.Contains("Đã đề xuất → Đã nhận", history);
        Assert.Contains("Mới → Đã đề xuất", history);
        await ShotAsync(page, "10-coordinator-assigned");

        // In the database: the need at the village's point, an accepted assignment for that team.
        var teamId = top["team_id"]!.GetValue<long>();
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
        {
            await using var r = await conn.Command("""
                SELECT n.status, n.village_id, ST_Equals(n.geom, v.geom), n.restricted_details::text,
                       (SELECT count(*) FROM assignments a WHERE a.need_id = n.id AND a.team_id = @team AND a.status = 'accepted')
                FROM needs n JOIN hardship_villages v ON v.id = @village WHERE n.id = @need
                """, ("need", needId), ("village", place.VillageId), ("team", teamId)).ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal("accepted", r.GetString(0));
            Assert.Equal(place.VillageId, r.GetInt64(1));
            Assert.True(r.GetBoolean(2), "the need lies at the village's point");
            Assert.Contains("0977000111", r.GetString(3));
            Assert.Equal(1L, r.GetInt64(4));
        }
        // Anonymous readers never get the restricted details.
        var anonymousNeed = await (await page.APIRequest.GetAsync($"{web.BaseUrl}/api/needs/{needId}")).TextAsync();
        var anonymousLayer = await (await page.APIRequest.GetAsync($"{web.BaseUrl}/api/layers/needs/features?limit=1000")).TextAsync();
        Assert.Contains("Dạy học hè cho trẻ em thôn ĐBKK", anonymousLayer);
        foreach (var body in new[] { anonymousNeed, anonymousLayer })
        {
            Assert.DoesNotContain("0977000111", body);
            Assert.DoesNotContain("Kín Đáo", body);
            Assert.DoesNotContain("restricted_details", body);
        }

        // accepted → in-progress → done through the transitions the API offers.
        await accepted.Locator("button[data-to='in-progress']").ClickAsync();
        await page.Locator("#panel article.need[data-status='in-progress']").WaitForAsync();
        await page.Locator("#panel button[data-to='done']").ClickAsync();
        var done = page.Locator("#panel article.need[data-status='done']");
        await done.WaitForAsync();
        Assert.Equal(0, await done.Locator(".transitions button").CountAsync()); // done is final

        // Needs by status.
        await page.Locator("#coord-status").SelectOptionAsync("done");
        await page.Locator("#coord-list").ClickAsync();
        await page.Locator($"#panel .need-list li[data-need-id='{needId}']").WaitForAsync();
        Assert.Equal("done", await ScalarAsync("SELECT status FROM needs WHERE id = @id", needId));
        Assert.Empty(external);
    }

    [Fact]
    public async Task In_English_on_a_phone_reasons_follow_the_language_and_a_409_reads_as_a_sentence()
    {
        var place = await PrepareAsync("coord-phone");
        var (context, page, _) = await web.NewPageAsync(375, 740);
        await using var __ = context;
        await page.GotoAsync($"{web.BaseUrl}/#map=12/{place.Lat:0.00000}/{place.Lon:0.00000}&layers=admin");
        await page.Locator("body.ready").WaitForAsync();
        // The switch reloads the page: wait for the new document, not the old one that already says 'en'.
        await page.RunAndWaitForNavigationAsync(() => page.Locator("#lang-toggle").ClickAsync());
        await page.WaitForFunctionAsync("document.documentElement.lang === 'en' && document.querySelector('body.ready')");
        await LoginAsync(page, "coord-phone");

        // The need recorded at a point picked on the map (lon/lat rather than village_id).
        await page.Locator("#legend-toggle").ClickAsync();
        await page.Locator("#coord-new-need").ClickAsync();
        await page.Locator("#legend-close").ClickAsync();
        var box = (await page.Locator("#map").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Locator("#need-dialog[open]").WaitForAsync();
        await page.Locator("#need-title").FillAsync("First-aid training at the school");
        await page.Locator("#need-volunteers").FillAsync("1");
        await page.Locator("#need-summary").FillAsync("Training for teachers and pupils.");
        await page.Locator($"#need-skills input[value='{place.Skill}']").CheckAsync();
        await page.Locator("#need-window-start").FillAsync(place.From.ToString("yyyy-MM-dd"));
        await page.Locator("#need-window-end").FillAsync(place.From.AddDays(2).ToString("yyyy-MM-dd"));
        await page.Locator("#need-form button[type=submit]").ClickAsync();

        var ranked = page.Locator("#panel .matches > li");
        await ranked.First.WaitForAsync();
        var needId = long.Parse((await page.Locator("#panel article.need").GetAttributeAsync("data-need-id"))!);
        var top = (await GetJsonAsync(page, $"/api/needs/{needId}/matches?limit=10"))["matches"]![0]!;
        var reasons = await ranked.First.Locator(".reasons").TextContentAsync();
        Assert.Contains(top["reasons"]!.GetValue<string>().Split(" · ")[1], reasons);
        Assert.Contains("skills", reasons);
        Assert.DoesNotContain("kỹ năng", reasons);
        Assert.StartsWith("Score ", (await ranked.First.Locator(".score").TextContentAsync())!.Trim());
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 375"));
        // The map stays in use: every matched team's line is drawn in the part of the map the sheet leaves free.
        Assert.Equal(await ranked.CountAsync(), await page.Locator(".leaflet-overlay-pane path.match-line").CountAsync());
        await page.WaitForFunctionAsync("""
            () => {
              const map = document.querySelector('#map').getBoundingClientRect();
              const sheetTop = document.querySelector('#panel').getBoundingClientRect().top;
              const lines = [...document.querySelectorAll('.leaflet-overlay-pane path.match-line')].map(l => l.getBoundingClientRect());
              return sheetTop > map.top + 150 && lines.length > 0 && lines.every(r =>
                r.top >= map.top - 1 && r.bottom <= sheetTop + 1 && r.left >= map.left - 1 && r.right <= map.right + 1);
            }
            """, null, new() { Timeout = 5000 });
        await ShotAsync(page, "37-coordinator-phone-lines-above-sheet");
        Assert.Equal(true, await ScalarAsync("SELECT village_id IS NULL AND ST_Y(geom) BETWEEN 14 AND 16.5 FROM needs WHERE id = @id", needId));

        // Someone else cancels the need behind this page's back: proposing now is a 409, shown in words.
        var token = await page.EvaluateAsync<string>("sessionStorage.getItem('resourcemap.token')");
        var cancel = await page.APIRequest.PostAsync($"{web.BaseUrl}/api/needs/{needId}/transitions", new()
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
            DataObject = new { to = "cancelled", note = "duplicate" },
        });
        Assert.Equal(200, cancel.Status);
        await ranked.First.Locator("button.propose").ClickAsync();
        var problem = page.Locator("#panel .need-problem .problem[data-status='409']");
        await problem.WaitForAsync();
        var text = await problem.TextContentAsync();
        Assert.Contains("Not possible", text);
        Assert.Contains("cannot propose a team for a need that is cancelled", text);
        await Assertions.Expect(problem).ToBeInViewportAsync(); // the bottom sheet scrolls to it
        await ShotAsync(page, "11-coordinator-phone-409");
    }

    [Fact]
    public async Task The_need_dialog_fits_768_px_and_a_need_no_team_reaches_gets_next_steps()
    {
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
            await TestUsers.AddAsync(conn, "coord-no-match", "coordinator", Password, displayName: "Cán bộ điều phối");
        // A hardship village no active team reaches, as the planner lists them.
        var (context, page, _) = await web.NewPageAsync(1366, 768);
        await using var __ = context;
        var village = (await GetJsonAsync(page, "/api/planning/coverage?uncovered=true&limit=1"))["features"]![0]!;
        var id = village["id"]!.GetValue<long>();
        var lon = village["geometry"]!["coordinates"]![0]!.GetValue<double>();
        var lat = village["geometry"]!["coordinates"]![1]!.GetValue<double>();
        await page.GotoAsync($"{web.BaseUrl}/#map=15/{lat:0.00000}/{lon:0.00000}&layers=hardship-villages");
        await page.Locator("body.ready").WaitForAsync();
        await LoginAsync(page, "coord-no-match");
        var marker = page.Locator($".leaflet-marker-pane [data-layer='hardship-villages'][data-id='{id}']");
        await marker.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await marker.ClickAsync();
        await BrowserFixture.PressInPopupAsync(page, "Ghi nhận nhu cầu tại đây");
        await page.Locator("#need-dialog[open]").WaitForAsync();

        // Save is on screen without scrolling, and the categories are the API's vocabulary.
        var save = (await page.Locator("#need-form button[type=submit]").BoundingBoxAsync())!;
        Assert.True(save.Y + save.Height <= 768, $"Save ends at {save.Y + save.Height} px");
        var categories = (await GetJsonAsync(page, "/api/vocabularies"))["need_category"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).ToList();
        Assert.Equal(categories, (await page.Locator("#need-category option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)")).ToList());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "34-need-dialog-1366x768.png") });

        await page.Locator("#need-title").FillAsync("Sửa nhà cho hộ nghèo");
        await page.Locator("#need-summary").FillAsync("Cần sửa mái nhà trước mùa mưa.");
        await page.Locator("#need-skills input").First.CheckAsync();
        var start = DateTime.UtcNow.AddHours(7).Date.AddDays(3);
        await page.Locator("#need-window-start").FillAsync(start.ToString("yyyy-MM-dd"));
        await page.Locator("#need-window-end").FillAsync(start.AddDays(2).ToString("yyyy-MM-dd"));
        await page.Locator("#need-form button[type=submit]").ClickAsync();

        // No team reaches it: the panel says what to do next instead of stopping there.
        var next = page.Locator("#panel .no-match");
        await next.WaitForAsync();
        await Assertions.Expect(next.Locator(".nearby-teams li").First).ToBeVisibleAsync();
        await Assertions.Expect(next.Locator(".later-matches")).Not.ToBeEmptyAsync();
        Assert.Equal("planner.html", await next.Locator("a.planner-link").GetAttributeAsync("href"));
        // Forward statuses come before declining or cancelling.
        var moves = await page.Locator("#panel .need-status button[data-to]").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.to)");
        if (moves.Contains("cancelled")) Assert.Equal("cancelled", moves[^1]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "35-need-no-match-next-steps.png") });
    }
}
