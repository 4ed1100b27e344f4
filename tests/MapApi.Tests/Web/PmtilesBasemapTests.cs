using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>The app with a PMTiles basemap file (RESOURCEMAP_BASEMAP_PMTILES) and its XYZ source dead: street detail comes from the archive.</summary>
public sealed class PmtilesBrowserFixture : BrowserFixture
{
    readonly string dead = LocalTileServer.DeadTemplate();
    public string ArchivePath { get; } = Path.Combine(Path.GetTempPath(), $"rm-basemap-{Guid.NewGuid():N}.pmtiles");

    public PmtilesBrowserFixture() =>
        PmtilesArchive.Write(ArchivePath, west: 108.18, south: 15.78, east: 108.48, north: 15.98, maxZoom: 13); // Hội An

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(ArchivePath);
    }

    protected override string BasemapUrl => dead;
    protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
        [("RESOURCEMAP_BASEMAP_PMTILES", ArchivePath), ("RESOURCEMAP_BASEMAP_PMTILES_ATTRIBUTION", "Bản đồ nền thử nghiệm (PMTiles)")];
}

public sealed class PmtilesBasemapTests(PmtilesBrowserFixture web) : IClassFixture<PmtilesBrowserFixture>
{
    [Theory]
    [InlineData(1366, 768, "11-street-detail-pmtiles")]
    [InlineData(375, 812, "11-street-detail-pmtiles-phone")]
    public async Task A_PMTiles_file_draws_street_detail_read_with_range_requests(int width, int height, string shot)
    {
        var (context, page, external) = await web.NewPageAsync(width, height);
        await using var __ = context;
        var archiveStatuses = new List<int>();
        page.Response += (_, r) => { if (r.Url.EndsWith("/basemap/detail.pmtiles")) lock (archiveStatuses) archiveStatuses.Add(r.Status); };
        await page.GotoAsync(web.BaseUrl + "/#map=13/15.88/108.33");
        await page.Locator("body.ready").WaitForAsync();
        await page.WaitForFunctionAsync("document.body.dataset.basemap === 'pmtiles'", null, new() { Timeout = 15000 });
        // Tiles decoded from the archive: images made from blobs, 256 px wide, inside the street layer.
        await page.WaitForFunctionAsync("""
            [...document.querySelectorAll('.rm-street-tiles img')]
              .filter(i => i.src.startsWith('blob:') && i.complete && i.naturalWidth === 256).length >= 4
            """, null, new() { Timeout = 15000 });
        Assert.True(await page.Locator("#basemap-notice").IsHiddenAsync());
        Assert.Contains("Bản đồ nền thử nghiệm (PMTiles)", await page.Locator(".leaflet-control-attribution").TextContentAsync());
        // Read in pieces: every request for the archive was answered 206 Partial Content (no whole-file download).
        Assert.NotEmpty(archiveStatuses);
        Assert.All(archiveStatuses, s => Assert.Equal(206, s));
        // The switcher lists the archive as the chosen basemap, the offline one beside it.
        await page.Locator("#basemap-toggle").ClickAsync();
        Assert.True(await page.Locator("#basemap-list input[value=pmtiles]").IsCheckedAsync());
        Assert.Equal(1, await page.Locator("#basemap-list input[value=offline]").CountAsync());
        await page.Locator("#basemap-toggle").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(0, await page.Locator("[data-in-view='!']").CountAsync()); // no data layer in its error state
        await BrowserFixture.ShotAsync(page, shot);
        Assert.Empty(external);
    }
}
