using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>The tile source is configured but dead (a loopback port nobody listens on): the offline basemap, with a notice.</summary>
public sealed class BasemapFallbackTests(DeadTileSourceBrowserFixture web) : IClassFixture<DeadTileSourceBrowserFixture>
{
    [Theory]
    [InlineData(1366, 768, "11-offline-fallback")]
    [InlineData(375, 812, "11-offline-fallback-phone")]
    public async Task An_unreachable_tile_source_leaves_the_offline_basemap_and_says_so(int width, int height, string shot)
    {
        var (context, page, external) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.3/108.0");
        await page.Locator("body.ready").WaitForAsync();
        var notice = page.Locator("#basemap-notice");
        await notice.WaitForAsync(new() { Timeout = 15000 });
        Assert.Contains("Không tải được bản đồ chi tiết", await notice.TextContentAsync());
        Assert.Equal("offline", await page.EvaluateAsync<string>("document.body.dataset.basemap"));
        await page.WaitForFunctionAsync("document.querySelectorAll('.leaflet-basemap-pane path').length > 0");
        Assert.Equal(0, await page.Locator("img.leaflet-tile").CountAsync());
        // The notice sits inside the viewport.
        var box = (await notice.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= width && box.Y + box.Height <= height);
        // The switcher marks the detailed source as failed.
        await page.Locator("#basemap-toggle").ClickAsync();
        Assert.True(await page.Locator("#basemap-list input[value=offline]").IsCheckedAsync());
        Assert.Contains("failed", await page.Locator("#basemap-list label", new() { Has = page.Locator("input[value=street]") }).GetAttributeAsync("class") ?? "");
        await page.Locator("#basemap-toggle").ClickAsync();
        // The data layers load on the fallback as on any basemap: markers drawn, no layer in its error state.
        await page.Locator(".leaflet-marker-pane .rm-marker").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(0, await page.Locator("[data-in-view='!']").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, shot + ".png") });
        Assert.Empty(external);
    }
}
