using Microsoft.Playwright;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>Markers that overlap on screen are clustered in the browser at every zoom; coincident ones open as a spider.</summary>
public sealed class ClusteringTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    const string MarkerBoxes = """
        [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')].map(e => {
          const r = e.getBoundingClientRect();
          return { layer: e.dataset.layer, x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width };
        })
        """;

    sealed class Box
    {
        public string? Layer { get; set; }
        public double X { get; set; }
        public double Y { get; set; }
        public double W { get; set; }
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task In_the_national_view_no_two_markers_sit_on_each_other_and_counts_add_up(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=6/16.0/106.3&layers=teams,red-addresses,hardship-villages,needs");
        await page.Locator("body.ready").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("document.querySelectorAll('.leaflet-marker-pane [data-client-cluster]').length > 0");
        await page.WaitForTimeoutAsync(500); // the cluster animation
        var boxes = await page.EvaluateAsync<Box[]>(MarkerBoxes);
        // No pile: every marker's centre is at least 20 px from every other's, whatever its layer.
        for (var i = 0; i < boxes.Length; i++)
        for (var j = i + 1; j < boxes.Length; j++)
        {
            var d = Math.Sqrt(Math.Pow(boxes[i].X - boxes[j].X, 2) + Math.Pow(boxes[i].Y - boxes[j].Y, 2));
            Assert.True(d >= 20, $"a {boxes[i].Layer} and a {boxes[j].Layer} marker {d:0} px apart at ({boxes[i].X:0},{boxes[i].Y:0})");
        }
        // The counts shown add up to what the legend says is in view for each layer.
        foreach (var layer in new[] { "teams", "red-addresses", "hardship-villages", "needs" })
        {
            var inView = long.Parse(new string((await page.TextContentAsync($"[data-layer-in-view={layer}]"))!.Where(char.IsDigit).ToArray()));
            Assert.Equal(inView, await page.EvaluateAsync<long>(WebMapTests.ShownCount(layer)));
        }
        Assert.True(boxes.Length < 120, $"{boxes.Length} markers drawn in the national view");
        // Counts are readable and targets big enough: at least 24 px.
        Assert.All(boxes, b => Assert.True(b.W >= 24, $"a {b.Layer} marker {b.W} px wide"));
        var label = await page.Locator(".leaflet-marker-pane [data-client-cluster]").First.GetAttributeAsync("aria-label");
        Assert.Matches(@"^\d[\d.]* đối tượng \(", label);
        if (width > 1000) await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "12-clusters-national.png") });

        // A cluster opens by zooming in onto its members.
        var zoomBefore = await page.EvaluateAsync<int>("Number(new URLSearchParams(location.hash.slice(1)).get('map').split('/')[0])");
        // The biggest cluster inside the view.
        await page.EvaluateAsync("""
            (() => { const inView = [...document.querySelectorAll('.leaflet-marker-pane [data-client-cluster]')].filter(e => {
                       const r = e.getBoundingClientRect(), m = document.getElementById('map').getBoundingClientRect();
                       return r.left > m.left + 50 && r.right < m.right - 50 && r.top > m.top + 50 && r.bottom < m.bottom - 50; });
                     inView.sort((a, b) => b.dataset.count - a.dataset.count)[0].id = 'biggest-cluster'; })()
            """);
        await page.Locator("#biggest-cluster").ClickAsync();
        await page.WaitForFunctionAsync($"Number(new URLSearchParams(location.hash.slice(1)).get('map').split('/')[0]) > {zoomBefore}");
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Activities_at_one_spot_open_as_a_spider_and_each_can_be_opened(int width, int height)
    {
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
        {
            await conn.Command("""
                INSERT INTO activities (name, started_on, participants, admin_code, geom, source_id, is_sample)
                SELECT 'Hoạt động trùng điểm ' || n, date '2026-03-26', 10, NULL, ST_SetSRID(ST_MakePoint(105.123, 21.456), 4326),
                       (SELECT id FROM data_sources ORDER BY id LIMIT 1), true
                FROM generate_series(1, 4) n
                WHERE NOT EXISTS (SELECT 1 FROM activities WHERE name LIKE 'Hoạt động trùng điểm %')
                """).ExecuteNonQueryAsync();
        }
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=12/21.456/105.123&layers=activities");
        var cluster = page.Locator(".leaflet-marker-pane [data-client-cluster][data-layer=activities][data-count='4']");
        await cluster.WaitForAsync();
        Assert.Equal("button", await cluster.GetAttributeAsync("role"));
        Assert.Contains("4", await cluster.GetAttributeAsync("aria-label"));
        await cluster.FocusAsync();
        await page.Keyboard.PressAsync("Enter"); // by keyboard, too
        await page.WaitForFunctionAsync("document.querySelectorAll('.leaflet-marker-pane .rm-marker.rm-activities').length === 4");
        await page.WaitForTimeoutAsync(400);
        Assert.True(await page.Locator(".leaflet-overlay-pane .leaflet-cluster-spider-leg, .leaflet-overlay-pane path").CountAsync() >= 4);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, width < 500 ? "13-spider-coincident-phone.png" : "13-spider-coincident.png") });
        await page.Locator(".leaflet-marker-pane .rm-marker.rm-activities").Nth(2).ClickAsync();
        await page.Locator(".leaflet-popup .popup h3", new() { HasText = "Hoạt động trùng điểm" }).WaitForAsync();
    }
}
