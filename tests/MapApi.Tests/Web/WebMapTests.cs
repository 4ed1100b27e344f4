using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>The web map in headless Chromium against the seeded API. Screenshots go to artifacts/screenshots/.</summary>
public sealed class WebMapTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    // Quảng Nam at zoom 9: the seed data's Quảng Nam teams, red-address sites and border markers.
    const string QuangNamView = "#map=9/15.55/108.0";

    static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png") });

    /// <summary>JS: how many features of a layer the markers on the map stand for (single markers, server clusters,
    /// and the layer's share of the browser's clusters).</summary>
    public static string ShownCount(string layer) => $$"""
        [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')].reduce((n, e) =>
          n + (e.hasAttribute('data-client-cluster') ? Number(e.getAttribute('data-count-{{layer}}') ?? 0)
               : e.dataset.layer === '{{layer}}' ? Number(e.dataset.count ?? 1) : 0), 0)
        """;

    static async Task<JsonNode> ReadJsonAsync(IResponse response) => JsonNode.Parse(await response.TextAsync())!;

    [Fact]
    public async Task The_map_loads_and_draws_one_marker_per_feature_or_cluster_the_API_returned()
    {
        var (context, page, external) = await web.NewPageAsync();
        await using var _ = context;
        var teamsResponse = page.WaitForResponseAsync(r => r.Url.Contains("/api/layers/teams/clusters") && r.Status == 200);
        await page.GotoAsync(web.BaseUrl + "/" + QuangNamView);
        var body = await ReadJsonAsync(await teamsResponse);
        var features = body["features"]!.AsArray();
        Assert.True(features.Count > 0, "the seed data has teams in Quảng Nam");
        // Every team the API returned is on the map, alone or inside a cluster whose count includes it.
        var expected = features.Sum(f => f!["properties"]!["count"]?.GetValue<long>() ?? 1);
        await page.WaitForFunctionAsync($"{ShownCount("teams")} === {expected}");
        Assert.True(await page.Locator(".leaflet-marker-pane .leaflet-marker-icon").CountAsync() <= features.Count + 200);
        Assert.Equal("vi", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Bản đồ số hóa nguồn lực tình nguyện", (await page.TextContentAsync("h1"))!.Trim());
        // The legend shows the layer's count from /api/layers.
        var layers = JsonNode.Parse(await (await page.APIRequest.GetAsync(web.BaseUrl + "/api/layers")).TextAsync())!.AsArray();
        var total = layers.Single(l => l!["id"]!.GetValue<string>() == "teams")!["features"]!.GetValue<long>();
        var shown = await page.TextContentAsync("[data-layer-count=teams]");
        Assert.Equal(total, long.Parse(new string(shown!.Where(char.IsDigit).ToArray())));
        // …and, before it, how many match in the current view (the clusters endpoint's numberMatched).
        var inView = body["numberMatched"]!.GetValue<long>();
        Assert.True(inView < total, "Quảng Nam at zoom 9 shows only some of the country's teams");
        await page.WaitForFunctionAsync("document.querySelector('[data-layer-in-view=teams]')?.textContent !== ''");
        Assert.Equal(inView, long.Parse(new string((await page.TextContentAsync("[data-layer-in-view=teams]"))!.Where(char.IsDigit).ToArray())));
        await ShotAsync(page, "01-map-quang-nam");
        Assert.Empty(external);
    }

    [Fact]
    public async Task A_layer_toggles_off_and_on_and_the_link_follows()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/" + QuangNamView);
        var markers = page.Locator(".leaflet-marker-pane .rm-teams");
        await markers.First.WaitForAsync();

        await page.Locator("#layer-teams").UncheckAsync();
        await page.WaitForFunctionAsync("document.querySelectorAll('.leaflet-marker-pane .rm-teams').length === 0");
        await page.WaitForFunctionAsync("!new URLSearchParams(location.hash.slice(1)).get('layers').split(',').includes('teams')");
        await ShotAsync(page, "02-teams-off");

        await page.Locator("#layer-teams").CheckAsync();
        await markers.First.WaitForAsync();
        Assert.True(await markers.CountAsync() > 0);
    }

    [Fact]
    public async Task Search_finds_Quang_Nam_without_diacritics_and_goes_there()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#search").FillAsync("quang nam");
        var option = page.Locator("#search-results [role=option][data-kind=admin]", new() { HasText = "Quảng Nam" }).First;
        await option.WaitForAsync();
        await ShotAsync(page, "03-search-quang-nam");

        await page.Locator("#search").PressAsync("ArrowDown");
        await option.ClickAsync();
        // The view moves onto Quảng Nam (centre within its bounds), and the link says so.
        await page.WaitForFunctionAsync("""
            (() => { const v = new URLSearchParams(location.hash.slice(1)).get('map').split('/').map(Number);
                     return v[0] >= 7 && v[1] > 14.9 && v[1] < 16.3 && v[2] > 107.1 && v[2] < 108.9; })()
            """);
    }

    [Fact]
    public async Task A_popup_opens_with_key_facts_and_the_details_panel_shows_the_full_public_record()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams");
        await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle); // markers are replaced on every viewport load
        var id = await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.GetAttributeAsync("data-id");
        var marker = page.Locator($".leaflet-marker-pane .rm-marker.rm-teams[data-id='{id}']");
        await marker.FocusAsync();
        await page.Keyboard.PressAsync("Enter"); // keyboard-reachable markers
        var popup = page.Locator(".leaflet-popup .popup");
        await popup.WaitForAsync();
        Assert.False(string.IsNullOrWhiteSpace(await popup.Locator("h3").TextContentAsync()));
        Assert.True(await popup.Locator("dt").CountAsync() >= 2);
        await ShotAsync(page, "04-popup");
        // Leaflet's controls in Vietnamese, with a metric scale bar.
        Assert.Equal("Đóng cửa sổ thông tin", await page.Locator(".leaflet-popup-close-button").GetAttributeAsync("aria-label"));
        Assert.Equal("Phóng to", await page.Locator(".leaflet-control-zoom-in").GetAttributeAsync("title"));
        Assert.Equal("Thu nhỏ", await page.Locator(".leaflet-control-zoom-out").GetAttributeAsync("title"));
        Assert.Matches(@"^\d+ k?m$", (await page.Locator(".leaflet-control-scale-line").TextContentAsync())!.Trim());

        await BrowserFixture.PressInPopupAsync(page, "Xem chi tiết");
        var details = page.Locator($"#panel article.details[data-id='{id}']");
        await details.WaitForAsync();
        var feature = JsonNode.Parse(await (await page.APIRequest.GetAsync($"{web.BaseUrl}/api/layers/teams/features/{id}")).TextAsync())!;
        Assert.Contains(feature["properties"]!["name"]!.GetValue<string>(), await details.Locator("h3").TextContentAsync());
        Assert.DoesNotContain("private", await details.InnerHTMLAsync());
        await ShotAsync(page, "05-details-panel");
    }

    [Fact]
    public async Task A_shared_link_restores_layers_filters_and_view()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        var request = page.WaitForRequestAsync(r => r.Url.Contains("/api/layers/red-addresses/clusters"));
        await page.GotoAsync(web.BaseUrl + "/#map=8/15.6/108.1&layers=red-addresses,admin&rank=national&near=108.1,15.6&radius=50000");
        var url = (await request).Url;
        Assert.Contains("rank=national", url);
        Assert.Contains("radius_m=50000", url);
        await page.Locator("body.ready").WaitForAsync();
        Assert.False(await page.Locator("#layer-teams").IsCheckedAsync());
        Assert.True(await page.Locator("#layer-red-addresses").IsCheckedAsync());
        Assert.Equal("national", await page.Locator("#filter-rank").InputValueAsync());
        Assert.Equal("50000", await page.Locator("#near-radius").InputValueAsync());
        Assert.StartsWith("#map=8/15.6", new Uri(page.Url).Fragment);
    }

    [Fact]
    public async Task English_by_a_switch_and_the_choice_is_remembered()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        // The switch reloads the page: wait for the new document, not the old one that already says 'en'.
        await page.RunAndWaitForNavigationAsync(() => page.Locator("#lang-toggle").ClickAsync());
        await page.WaitForFunctionAsync("document.documentElement.lang === 'en' && document.querySelector('body.ready')");
        Assert.Equal("Digitised volunteer resource map", (await page.TextContentAsync("h1"))!.Trim());
        await page.ReloadAsync();
        await page.Locator("body.ready").WaitForAsync();
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Tiếng Việt", (await page.TextContentAsync("#lang-toggle"))!.Trim());
    }

    [Fact]
    public async Task On_a_375_px_phone_the_legend_is_a_drawer_and_nothing_overflows()
    {
        var (context, page, _) = await web.NewPageAsync(375, 740);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/" + QuangNamView);
        await page.Locator("body.ready").WaitForAsync();
        Assert.False(await page.Locator("#legend").IsVisibleAsync());
        Assert.True(await page.Locator("#search").IsVisibleAsync());
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        Assert.InRange(map.Width, 370, 376);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 375"));
        // Everything in the header lies inside it (the title and the sample badge were cut off at the top once).
        var clipped = await page.EvaluateAsync<string[]>("""
            () => { const bar = document.querySelector('.topbar').getBoundingClientRect();
                    return [...document.querySelectorAll('.topbar h1, .topbar .sample-badge, .topbar button, .topbar a, .topbar input')]
                      .filter(e => e.offsetParent !== null)
                      .filter(e => { const r = e.getBoundingClientRect(); return r.top < bar.top - 0.5 || r.bottom > bar.bottom + 0.5 || r.top < 0; })
                      .map(e => e.id || e.className || e.tagName); }
            """);
        Assert.Empty(clipped);
        // The scale bar is not hidden under the attribution.
        var scale = (await page.Locator(".leaflet-control-scale").BoundingBoxAsync())!;
        var attribution = (await page.Locator(".leaflet-control-attribution").BoundingBoxAsync())!;
        Assert.True(scale.X + scale.Width <= attribution.X || scale.Y + scale.Height <= attribution.Y || attribution.Y + attribution.Height <= scale.Y,
            $"scale bar {scale.X},{scale.Y} {scale.Width}×{scale.Height} under the attribution {attribution.X},{attribution.Y} {attribution.Width}×{attribution.Height}");
        await ShotAsync(page, "06-phone-map");

        var toggle = page.Locator("#legend-toggle");
        Assert.Equal("false", await toggle.GetAttributeAsync("aria-expanded"));
        await toggle.ClickAsync();
        await page.Locator("#legend").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Equal("true", await toggle.GetAttributeAsync("aria-expanded"));
        var legend = (await page.Locator("#legend").BoundingBoxAsync())!;
        Assert.True(legend.Width <= 375);
        await page.WaitForTimeoutAsync(300); // the slide-in transition
        await ShotAsync(page, "07-phone-legend");
        await page.Locator("#legend-close").ClickAsync();
        await page.Locator("#legend").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    [Fact]
    public async Task The_header_has_a_page_menu_other_pages_extend_and_Escape_closes_it()
    {
        var (context, page, _) = await web.NewPageAsync(375, 812);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 375"));
        var toggle = page.Locator("#nav-toggle");
        Assert.Equal("Trang", (await toggle.TextContentAsync())!.Trim());
        await toggle.ClickAsync();
        await page.Locator("#nav-links").WaitForAsync();
        Assert.Equal("true", await toggle.GetAttributeAsync("aria-expanded"));
        Assert.Equal("Bản đồ", (await page.Locator("#nav-links a").First.TextContentAsync())!.Trim());
        Assert.Equal("/swagger", await page.Locator("#nav-links a", new() { HasText = "Tài liệu API" }).GetAttributeAsync("href"));
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("#nav-links").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        Assert.Equal("nav-toggle", await page.EvaluateAsync<string>("document.activeElement.id"));
    }

    [Theory]
    [InlineData(1366, 768, "10-street-detail-configured-source")]
    [InlineData(375, 812, "10-street-detail-configured-source-phone")]
    public async Task A_configured_tile_server_gives_street_detail_at_commune_level_with_its_attribution(int width, int height, string shot)
    {
        var (context, page, external) = await web.NewPageAsync(width, height);
        await using var __ = context;
        var before = web.Tiles.TilesServed;
        await page.GotoAsync(web.BaseUrl + "/#map=15/15.06/108.10&layers=hardship-villages");
        await page.Locator("body.ready").WaitForAsync();
        // Tiles from the deployer's server (here a local one) fill the view; no fallback notice.
        await page.WaitForFunctionAsync($"document.querySelectorAll('img.leaflet-tile-loaded[src^=\"{web.Tiles.Origin}/15/\"]').length >= 4");
        await page.WaitForFunctionAsync("document.body.dataset.basemap === 'street'");
        Assert.True(web.Tiles.TilesServed - before >= 4);
        Assert.False(await page.Locator("#basemap-notice").IsVisibleAsync());
        Assert.Contains("Ô bản đồ thử nghiệm", await page.Locator(".leaflet-control-attribution").TextContentAsync());
        // The offline basemap steps aside (no land polygons over the tiles).
        Assert.Equal(0, await page.Locator(".leaflet-basemap-pane path").CountAsync());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await ShotAsync(page, shot);

        // The switcher: the offline basemap on demand, and the link keeps the choice.
        await page.Locator("#basemap-toggle").ClickAsync();
        await page.Locator("#basemap-list input[value=offline]").CheckAsync();
        await page.WaitForFunctionAsync("document.body.dataset.basemap === 'offline' && document.querySelectorAll('.leaflet-basemap-pane path').length > 0");
        await page.WaitForFunctionAsync("new URLSearchParams(location.hash.slice(1)).get('basemap') === 'offline'");
        Assert.Equal(0, await page.Locator("img.leaflet-tile").CountAsync());
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("document.body.dataset.basemap === 'offline'");
        Assert.Empty(external);
    }
}
