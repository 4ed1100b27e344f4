using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>
/// Choosing a unit frames its land: Đà Nẵng's polygon holds the Hoàng Sa archipelago far offshore (and Khánh Hòa's
/// Trường Sa), and framing the whole polygon showed mostly sea.
/// </summary>
public sealed class AdminFramingTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("Đà Nẵng", 1366, 768)]
    [InlineData("Đà Nẵng", 375, 812)]
    [InlineData("Khánh Hòa", 1366, 768)]
    [InlineData("Khánh Hòa", 375, 812)]
    public async Task A_unit_with_far_offshore_islands_frames_its_mainland(string name, int width, int height)
    {
        // The unit as the database holds it: its code, the mainland part's extent and the whole polygon's.
        string code;
        double mainlandEast, wholeEast;
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
        await using (var r = await conn.Command("""
            SELECT u.code, ST_XMax(p.geom), ST_XMax(u.geom)
            FROM admin_units u
            CROSS JOIN LATERAL (SELECT d.geom FROM ST_Dump(u.geom) d ORDER BY ST_Area(d.geom) DESC LIMIT 1) p
            WHERE u.level = 'province' AND u.name LIKE '%' || @name AND u.valid_to IS NOT NULL
            ORDER BY u.valid_from LIMIT 1
            """, ("name", name)).ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync(), $"no province named {name}");
            (code, mainlandEast, wholeEast) = (r.GetString(0), r.GetDouble(1), r.GetDouble(2));
        }
        Assert.True(wholeEast - mainlandEast > 1.5, $"{name}'s polygon has no far offshore part ({mainlandEast}..{wholeEast})");

        var (context, page, external) = await web.NewPageAsync(width, height);
        await using var _ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        var east = await page.EvaluateAsync<double>("""
            async code => {
              const { zoomToAdmin } = await import('/js/modules/admin.js');
              const { state } = await import('/js/modules/state.js');
              await zoomToAdmin(code, '2025-06-30');
              await new Promise(r => setTimeout(r, 500));
              return state.map.getBounds().getEast();
            }
            """, code);
        // The view ends near the mainland's east coast (padding and zoom steps allow some slack), not at the islands.
        Assert.True(east < mainlandEast + (wholeEast - mainlandEast) / 2, $"view reaches {east}°E; mainland ends at {mainlandEast}°E, islands at {wholeEast}°E");
        Assert.Empty(external);
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Hoang_Sa_and_Truong_Sa_are_labelled_with_the_province_they_belong_to(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=5/13.5/109.5");
        await page.Locator("body.ready").WaitForAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator(".archipelago-label", new() { HasText = "Quần đảo Hoàng Sa (Đà Nẵng)" })).ToBeVisibleAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator(".archipelago-label", new() { HasText = "Quần đảo Trường Sa (Khánh Hòa)" })).ToBeVisibleAsync();
    }
}
