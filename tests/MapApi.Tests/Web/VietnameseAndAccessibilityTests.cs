using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>
/// The Vietnamese UI shows no raw codes or English (every code goes through /api/vocabularies), numbers follow the
/// locale; and axe-core (npm, pinned in src/MapWeb/package.json) finds no serious or critical violation on the map,
/// its panels, the search list and the planner, at desktop and phone size.
/// </summary>
public sealed class VietnameseAndAccessibilityTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static readonly string[] Layers = ["teams", "red-addresses", "hardship-villages", "border-areas", "border-markers", "needs", "activities"];

    // English that once leaked into the Vietnamese UI (issue 11), besides the vocabularies' own codes.
    static readonly string[] EnglishWords =
        ["Zoom in", "Zoom out", "Close popup", "notes:", "road m", "Admin unit", "Mã đơn vị hành chính", "sample data", "Details", "Loading"];

    /// <summary>Codes that must never be shown as they are: every vocabulary code longer than two letters, and source ids.</summary>
    static List<string> ForbiddenCodes(JsonNode vocabularies) =>
        vocabularies.AsObject().SelectMany(v => v.Value!.AsArray().Select(term => term!["code"]!.GetValue<string>()))
            .Where(code => code.Length > 2 || code.All(char.IsUpper)) // "vi" is also a Vietnamese word (phạm vi); "LA" is not
            .Distinct().ToList();

    static List<string> Leaks(string text, IEnumerable<string> codes) =>
        codes.Where(code => Regex.IsMatch(text, $@"(?<![\p{{L}}\d_-]){Regex.Escape(code)}(?![\p{{L}}\d_-])"))
            .Concat(EnglishWords.Where(text.Contains)).ToList();

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Popups_and_details_of_every_layer_show_no_codes_or_English_in_Vietnamese(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        var codes = ForbiddenCodes(await web.GetJsonAsync(page, "/api/vocabularies"));
        Assert.Contains("revolutionary", codes);
        Assert.Contains("border-commune", codes);
        Assert.Contains("sample-records", codes);
        Assert.Contains("LA", codes);

        foreach (var layer in Layers)
        {
            var feature = (await web.GetJsonAsync(page, $"/api/layers/{layer}/features?limit=1"))["features"]![0]!;
            var id = feature["id"]!.GetValue<long>();
            await page.GotoAsync("about:blank"); // a new hash alone would not reload the page
            await page.GotoAsync(web.BaseUrl + $"/#map=9/15.6/108.0&layers={layer}&feature={layer}/{id}");
            var details = page.Locator($"#panel article.details[data-layer='{layer}'][data-id='{id}']");
            await details.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle); // the admin unit's name replaces its code
            var text = await page.Locator("body").InnerTextAsync();
            Assert.True(Leaks(text, codes) is { Count: 0 } leaks, $"{layer} #{id} shows {string.Join(", ", Leaks(text, codes))}");
            // What screen readers and tooltips say too (Leaflet's "Zoom in" and "Close popup" live only there). The language
            // button names the other language in that language, on purpose.
            var spoken = await page.EvaluateAsync<string>("""
                () => [...document.querySelectorAll('[aria-label], [title]')].filter(e => e.id !== 'lang-toggle')
                        .map(e => (e.getAttribute('aria-label') ?? '') + ' | ' + (e.getAttribute('title') ?? '')).join('\n')
                """);
            Assert.True(Leaks(spoken, codes) is { Count: 0 }, $"{layer} #{id} labels say {string.Join(", ", Leaks(spoken, codes))}");
            // The unit is named, not coded.
            if (feature["properties"]!["admin_code"]?.GetValue<string>() is { } code)
                Assert.DoesNotContain(code, (await details.Locator("dd").AllInnerTextsAsync()).Select(d => d.Trim()));
        }
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Years_have_no_thousands_separator_and_radii_are_in_km(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        var site = (await web.GetJsonAsync(page, "/api/layers/red-addresses/features?limit=100"))["features"]!.AsArray()
            .First(f => f!["properties"]!["recognised_year"] is not null)!;
        await page.GotoAsync(web.BaseUrl + $"/#map=9/15.6/108.0&feature=red-addresses/{site["id"]}");
        var details = page.Locator("#panel article.details");
        await details.WaitForAsync();
        var year = site["properties"]!["recognised_year"]!.GetValue<int>().ToString();
        Assert.Contains(year, await details.InnerTextAsync());

        var team = (await web.GetJsonAsync(page, "/api/layers/teams/features?limit=1"))["features"]![0]!;
        await page.GotoAsync("about:blank");
        await page.GotoAsync(web.BaseUrl + $"/#map=9/15.6/108.0&feature=teams/{team["id"]}");
        await page.Locator($"#panel article.details[data-layer='teams'][data-id='{team["id"]}']").WaitForAsync();
        Assert.True(team["properties"]!["service_radius_m"]!.GetValue<double>() >= 1000, "seed radii are kilometres");
        Assert.Matches(@"Bán kính hoạt động\s+\d+(,\d)? km", await page.Locator("#panel article.details").InnerTextAsync());
    }

    static async Task<string[]> AxeSeriousAsync(IPage page)
    {
        var axe = Path.Combine(TestDatabase.FindRepoFolder("src"), "MapWeb", "node_modules", "axe-core", "axe.min.js");
        await page.AddScriptTagAsync(new() { Path = axe });
        return await page.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)
            """);
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Axe_finds_no_serious_violation_on_the_map_its_panel_and_the_search_list(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        var team = (await web.GetJsonAsync(page, "/api/layers/teams/features?limit=1"))["features"]![0]!;
        await page.GotoAsync(web.BaseUrl + $"/#map=9/15.6/108.0&feature=teams/{team["id"]}");
        await page.Locator("#panel article.details").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(await AxeSeriousAsync(page));

        await page.Locator("#search").FillAsync("nam tra my");
        await page.Locator("#search-results [role=option]").First.WaitForAsync();
        Assert.Empty(await AxeSeriousAsync(page));
    }

    [Fact]
    public async Task Axe_finds_no_serious_violation_on_the_planner()
    {
        var (context, page, _) = await web.NewPageAsync(1366, 768);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/planner.html");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#ranking tbody tr button").First.ClickAsync();
        await page.Locator("#planner-villages ol li").First.WaitForAsync();
        Assert.Empty(await AxeSeriousAsync(page));
    }
}
