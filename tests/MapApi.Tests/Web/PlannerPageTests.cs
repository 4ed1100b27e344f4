using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>
/// The planner view (planner.html): reachable from the map's header; units coloured and ranked by the villages no
/// active team reaches, exactly as /api/planning says; a unit's uncovered villages; date, level and campaign filters;
/// printable; usable on a phone.
/// </summary>
public sealed class PlannerPageTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static int Digits(string? text) => int.Parse(new string(text!.Where(char.IsDigit).ToArray()));

    [Fact]
    public async Task The_header_links_to_the_planner_whose_ranking_is_the_API_summary()
    {
        var (context, page, external) = await web.NewPageAsync(1366, 768);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#nav-toggle").ClickAsync();
        await page.Locator("#nav-links a[href='planner.html']").ClickAsync();
        await page.Locator("body.ready").WaitForAsync();
        Assert.EndsWith("/planner.html", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Lập kế hoạch: vùng khó khăn chưa có đội tới");
        await Assertions.Expect(page.Locator(".bar a[href='/swagger']")).ToHaveTextAsync("Tài liệu API");

        var summary = (await web.GetJsonAsync(page, "/api/planning/summary?level=province")).AsArray();
        var rows = page.Locator("#ranking tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(summary.Count);
        // Same order and figures as the API: the unit with most uncovered villages first.
        for (var i = 0; i < Math.Min(5, summary.Count); i++)
        {
            var row = rows.Nth(i);
            Assert.Equal(summary[i]!["code"]!.GetValue<string>(), await row.GetAttributeAsync("data-code"));
            Assert.Equal(summary[i]!["uncovered_villages"]!.GetValue<long>(), Digits(await row.Locator("td").Nth(2).TextContentAsync()));
            Assert.Equal(summary[i]!["hardship_villages"]!.GetValue<long>(), Digits(await row.Locator("td").Nth(3).TextContentAsync()));
        }
        Assert.True(summary[0]!["uncovered_villages"]!.GetValue<long>() > 0, "the seed has villages no team reaches");
        // One coloured shape per unit with a boundary; the darkest class is used when a unit has more than 10.
        var units = (await web.GetJsonAsync(page, "/api/admin-units?level=province&geometry=none&limit=1000"))["features"]!.AsArray();
        Assert.Equal(units.Count, await page.Locator("#planner-map path[stroke='#5b6470']").CountAsync());
        var worst = summary[0]!["uncovered_villages"]!.GetValue<long>();
        var expectedFill = worst > 10 ? "#a50f15" : worst > 5 ? "#e34a33" : worst > 2 ? "#fc8d59" : "#fdd49e";
        Assert.True(await page.Locator($"#planner-map path[fill='{expectedFill}']").CountAsync() >= 1, $"a unit filled {expectedFill}");
        await BrowserFixture.ShotAsync(page, "40-planner-provinces");

        // A unit's villages no team reaches, as /api/planning/coverage lists them.
        var code = summary[0]!["code"]!.GetValue<string>();
        await rows.First.Locator("button").ClickAsync();
        var coverage = (await web.GetJsonAsync(page, $"/api/planning/coverage?admin={code}&uncovered=true&limit=200"))["features"]!.AsArray();
        await Assertions.Expect(page.Locator("#planner-villages ol li")).ToHaveCountAsync(coverage.Count);
        Assert.Equal(coverage[0]!["properties"]!["name"]!.GetValue<string>(), await page.Locator("#planner-villages ol li a").First.TextContentAsync());
        Assert.Empty(external);
    }

    [Fact]
    public async Task Districts_before_the_merger_and_a_campaign_filter_come_from_the_link()
    {
        var (context, page, _) = await web.NewPageAsync(1366, 768);
        await using var __ = context;
        var activities = (await web.GetJsonAsync(page, "/api/layers/activities/features?limit=1000"))["features"]!.AsArray();
        var campaign = activities.Select(a => a!["properties"]!["campaign"]?.GetValue<string>()).First(c => c is not null)!;
        var ofCampaign = activities.Count(a => a!["properties"]!["campaign"]?.GetValue<string>() == campaign);

        await page.GotoAsync(web.BaseUrl + $"/planner.html#date=2024-06-01&level=district&parent=49&campaign={Uri.EscapeDataString(campaign)}");
        await page.Locator("body.ready").WaitForAsync();
        var summary = (await web.GetJsonAsync(page, "/api/planning/summary?level=district&parent=49&date=2024-06-01")).AsArray();
        Assert.Equal(18, summary.Count); // Quảng Nam's districts until 2025
        await Assertions.Expect(page.Locator("#ranking tbody tr")).ToHaveCountAsync(18);
        var namTraMy = summary.Single(s => s!["name"]!.GetValue<string>() == "Huyện Nam Trà My")!;
        var row = page.Locator("#ranking tbody tr[data-code='516']");
        Assert.Equal(namTraMy["uncovered_villages"]!.GetValue<long>(), Digits(await row.Locator("td").Nth(2).TextContentAsync()));
        await Assertions.Expect(page.Locator("#planner-parent")).ToHaveValueAsync("49");
        await Assertions.Expect(page.Locator("#planner-campaign")).ToHaveValueAsync(campaign);
        // The activities layer shows that campaign's approved activities, one circle each (units are paths too, but filled).
        await page.WaitForFunctionAsync($"document.querySelectorAll('#planner-map path[stroke=\"#1b5e20\"]').length === {ofCampaign}");
        await BrowserFixture.ShotAsync(page, "41-planner-quang-nam-districts-2024");

        // After 1 July 2025 there are no districts: the level falls back to provinces and the link says so.
        await page.Locator("#planner-date").FillAsync("2025-08-01");
        await page.Locator("#planner-date").DispatchEventAsync("change");
        await page.WaitForFunctionAsync("document.querySelector('#planner-level').value === 'province' && !location.hash.includes('level=district')");
        await Assertions.Expect(page.Locator("#ranking tbody tr")).ToHaveCountAsync(34);
    }

    [Fact]
    public async Task It_prints_without_controls_and_fits_a_phone()
    {
        var (context, page, _) = await web.NewPageAsync(375, 812);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/planner.html");
        await page.Locator("body.ready").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on a phone");
        var map = (await page.Locator("#planner-map").BoundingBoxAsync())!;
        Assert.True(map.Width >= 340 && map.Height >= 300, $"map {map.Width}×{map.Height}");
        await BrowserFixture.ShotAsync(page, "42-planner-phone");

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.False(await page.Locator("#planner-print").IsVisibleAsync());
        Assert.False(await page.Locator(".bar nav").IsVisibleAsync());
        Assert.True(await page.Locator("#planner-map").IsVisibleAsync());
        Assert.True(await page.Locator("#ranking tbody tr").First.IsVisibleAsync());
    }
}
