using Microsoft.Playwright;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>
/// The registry page (registry.html) in headless Chromium against the real API and a seeded database copy:
/// a coordinator registers a team by clicking the map, the main map's search finds it typed without
/// diacritics, and a team lead sees and can change only their own team.
/// </summary>
public sealed class RegistryPageTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    const string Password = "browser-registry-password-1";

    static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png") });

    static async Task SignInAsync(IPage page, string username)
    {
        await page.Locator("#signin-username").FillAsync(username);
        await page.Locator("#signin-password").FillAsync(Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
        await page.Locator("#signout-btn:not([hidden])").WaitForAsync();
    }

    [Fact]
    public async Task A_coordinator_registers_a_team_on_the_map_and_the_main_map_finds_it_without_diacritics()
    {
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
            await TestUsers.AddAsync(conn, "reg-coord", "coordinator", Password, displayName: "Cán bộ đăng ký");
        var (context, page, external) = await web.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("a[href='registry.html']").ClickAsync();
        await page.WaitForURLAsync("**/registry.html");
        await SignInAsync(page, "reg-coord");
        await page.Locator("#new-team").ClickAsync();
        await page.Locator("#f-name").FillAsync("Câu lạc bộ Tình nguyện Ngũ Hành Sơn Thử Nghiệm");
        await page.Locator("#f-parent_unit").FillAsync("Quận đoàn Ngũ Hành Sơn");
        await page.Locator("#f-team_type").SelectOptionAsync("club");
        await page.Locator("#f-capacity").FillAsync("12");
        await page.Locator("#f-skills input").First.CheckAsync();
        var box = (await page.Locator("#reg-map").BoundingBoxAsync())!;
        // Click the location, then draw a triangle of service area with plain clicks.
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Assertions.Expect(page.Locator("#f-location")).Not.ToContainTextAsync("bấm");
        await page.Locator("#area-draw").ClickAsync();
        foreach (var (dx, dy) in new[] { (-30, -30), (40, -20), (0, 40) })
            await page.Mouse.ClickAsync(box.X + box.Width / 2 + dx, box.Y + box.Height / 2 + dy);
        await page.Locator("#area-finish").ClickAsync();
        await page.Locator("#team-save").ClickAsync();
        await Assertions.Expect(page.Locator("#reg-status")).ToContainTextAsync("Đã lưu", new() { Timeout = 30_000 }); // the first EF Core use builds its model: slow on a busy machine
        await ShotAsync(page, "registry-01-created");

        await using (var conn = await web.App.Sql.OpenConnectionAsync())
        {
            await using var r = await conn.Command("""
                SELECT capacity, team_type, service_area IS NOT NULL, (SELECT count(*) FROM team_history h WHERE h.team_id = t.id AND h.changed_by = 'reg-coord')
                FROM teams t WHERE name = 'Câu lạc bộ Tình nguyện Ngũ Hành Sơn Thử Nghiệm'
                """).ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(12, r.GetInt32(0));
            Assert.Equal("club", r.GetString(1));
            Assert.True(r.GetBoolean(2));
            Assert.Equal(1, r.GetInt64(3));
        }

        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#search").FillAsync("ngu hanh son thu nghiem");
        await page.Locator("#search-results [role=option]", new() { HasText = "Câu lạc bộ Tình nguyện Ngũ Hành Sơn Thử Nghiệm" }).First.WaitForAsync();
        await ShotAsync(page, "registry-02-found-on-map");
        Assert.Empty(external);
    }

    [Fact]
    public async Task A_team_lead_sees_and_edits_only_their_own_team()
    {
        long own, other;
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
        {
            own = (long)(await conn.Command("SELECT min(id) FROM teams WHERE status = 'active'").ExecuteScalarAsync())!;
            other = (long)(await conn.Command("SELECT max(id) FROM teams WHERE id <> @id", ("id", own)).ExecuteScalarAsync())!;
            await TestUsers.AddAsync(conn, "reg-lead", "team-lead", Password, own, "Trưởng nhóm");
        }
        var ownName = (string)(await ScalarAsync("SELECT name FROM teams WHERE id = @id", own))!;
        var otherCapacity = (int)(await ScalarAsync("SELECT capacity FROM teams WHERE id = @id", other))!;
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/registry.html");
        await SignInAsync(page, "reg-lead");
        await Assertions.Expect(page.Locator("#f-name")).ToHaveValueAsync(ownName, new() { Timeout = 20_000 });
        Assert.Equal(1, await page.Locator("#team-list li").CountAsync());
        Assert.Equal(own.ToString(), await page.Locator("#team-list li").GetAttributeAsync("data-team-id"));
        Assert.False(await page.Locator("#new-team").IsVisibleAsync());

        await page.Locator("#f-capacity").FillAsync("7");
        await page.Locator("#f-private_phone").FillAsync("0977000111");
        await page.Locator("#team-save").ClickAsync();
        await Assertions.Expect(page.Locator("#reg-status")).ToContainTextAsync("Đã lưu", new() { Timeout = 30_000 }); // the first EF Core use builds its model: slow on a busy machine
        Assert.Equal(7, (int)(await ScalarAsync("SELECT capacity FROM teams WHERE id = @id", own))!);

        // The lead gives the team a photo; the page shows it back from the public logo URL.
        await page.Locator("#f-logo").SetInputFilesAsync(new FilePayload { Name = "doi.jpg", MimeType = "image/jpeg", Buffer = Photos.TestImages.Jpeg(640, 480) });
        await Assertions.Expect(page.Locator("#logo-img")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Equal(1L, (long)(await ScalarAsync("SELECT count(*) FROM team_logos WHERE team_id = @id", own))!);
        await ShotAsync(page, "registry-03-lead-own-team");

        // The API refuses the lead's change to another team, whatever the page shows.
        var status = await page.EvaluateAsync<int>("""
            id => fetch(`/api/teams/${id}`, { method: 'PATCH', body: JSON.stringify({ capacity: 9999 }),
              headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + sessionStorage.getItem('resourcemap.token') } }).then(r => r.status)
            """, other);
        Assert.Equal(403, status);
        Assert.Equal(otherCapacity, (int)(await ScalarAsync("SELECT capacity FROM teams WHERE id = @id", other))!);
    }

    async Task<object?> ScalarAsync(string sql, long id)
    {
        await using var conn = await web.App.Sql.OpenConnectionAsync();
        return await conn.Command(sql, ("id", id)).ExecuteScalarAsync();
    }
}
