using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>
/// The map tools: the sample-data badge, a shared link that reopens the feature, panel and language, the list of
/// what is in view with its CSV, and the coordinates of a point in WGS84 and VN-2000 — at desktop and phone size.
/// </summary>
public sealed class MapToolsTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Sample_badge_and_tools_are_shown_in_Vietnamese(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=9/15.6/108.0&layers=teams");
        await page.Locator("body.ready").WaitForAsync();
        // The seed is sample data (data/README): the page says so in its header, not only in an attribution line.
        await Assertions.Expect(page.Locator("#sample-badge")).ToHaveTextAsync("Dữ liệu mẫu");
        await Assertions.Expect(page.Locator("#sample-badge")).ToBeVisibleAsync();
        foreach (var (id, label) in new[] { ("#tool-locate", "Vị trí của tôi"), ("#tool-in-view", "Danh sách trong khung nhìn"), ("#tool-share", "Chia sẻ khung nhìn này") })
        {
            var tool = page.Locator(id);
            await Assertions.Expect(tool).ToHaveAttributeAsync("aria-label", label);
            var box = (await tool.BoundingBoxAsync())!;
            Assert.True(box.Width >= 24 && box.Height >= 24, $"{id} is {box.Width}×{box.Height} px");
        }
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task A_shared_link_reopens_the_feature_and_keeps_the_language(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams");
        await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var id = await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.GetAttributeAsync("data-id");
        // By id, not .First again: markers are replaced on every viewport load, in no fixed order.
        await page.Locator($".leaflet-marker-pane .rm-marker.rm-teams[data-id='{id}']").ClickAsync();
        await BrowserFixture.PressInPopupAsync(page, "Xem chi tiết");
        await page.Locator($"#panel .details[data-id='{id}']").WaitForAsync();
        var name = await page.Locator("#panel .details h3").TextContentAsync();

        await page.Locator("#tool-share").ClickAsync();
        var link = await page.Locator("#share-url").InputValueAsync();
        Assert.Contains($"feature=teams/{id}", link);
        Assert.Contains("lang=vi", link);

        // The link in English, opened in a fresh browser: same feature, panel open, English strings.
        var (other, fresh, _) = await web.NewPageAsync(width, height);
        await using var ___ = other;
        await fresh.GotoAsync(link.Replace("lang=vi", "lang=en"));
        await fresh.Locator($"#panel .details[data-id='{id}']").WaitForAsync();
        Assert.Equal(name, await fresh.Locator("#panel .details h3").TextContentAsync());
        Assert.Equal("en", await fresh.EvaluateAsync<string>("() => document.documentElement.lang"));
        await Assertions.Expect(fresh.Locator("#tool-share")).ToHaveAttributeAsync("aria-label", "Share this view");
        // Closing the panel drops the feature from the link.
        await fresh.Locator("#panel-close").ClickAsync();
        await fresh.WaitForFunctionAsync("() => !location.hash.includes('feature=')");
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task The_list_in_view_counts_what_the_map_shows_and_exports_it_as_CSV(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams,hardship-villages");
        await page.Locator(".leaflet-marker-pane .rm-marker").First.WaitForAsync();
        await page.Locator("#tool-in-view").ClickAsync();
        var villages = page.Locator("#panel .in-view-layer[data-layer='hardship-villages']");
        await villages.Locator("li").First.WaitForAsync();
        var listed = await villages.Locator("li").CountAsync();
        var count = int.Parse(Regex.Replace((await villages.Locator(".count").TextContentAsync())!, "[^0-9]", ""));
        Assert.True(listed > 0 && listed <= count, $"{listed} listed, count {count}");

        // The CSV holds the same selection as the count: one header line plus one line per feature in view.
        var href = await villages.Locator("a.csv").GetAttributeAsync("href");
        Assert.Contains("bbox=", href);
        var csv = await (await page.APIRequest.GetAsync(web.BaseUrl + href)).TextAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (!(await villages.Locator(".count").TextContentAsync())!.EndsWith('+'))
            Assert.Equal(count, lines.Length - 1);
        Assert.Contains(await villages.Locator("li button").First.TextContentAsync() ?? "?", csv);

        // A listed name opens its details.
        await villages.Locator("li button").First.ClickAsync();
        await page.Locator("#panel .details[data-layer='hardship-villages']").WaitForAsync();
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task A_long_press_shows_WGS84_and_VN2000_coordinates(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=12/15.88/108.33&layers=");
        await page.Locator("body.ready").WaitForAsync();
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(map.X + map.Width / 2, map.Y + map.Height / 2, new() { Button = MouseButton.Right });
        var popup = page.Locator(".rm-coords");
        await Assertions.Expect(popup.Locator(".vn2000")).ToContainTextAsync("VN-2000");
        var text = (await popup.TextContentAsync())!;
        Assert.Matches(@"WGS84: 15\.88\d*, 108\.3[23]\d*", text);
        // Hội An lies east of 108°E: UTM zone 49, easting about 200 km, northing about 1,757 km (Vietnamese digit grouping).
        Assert.Contains("UTM 49", text);
        Assert.Matches(@"X 1\.75\d\.\d{3},\d\d m, Y 2\d\d\.\d{3},\d\d m", text);
    }
}

public sealed class LocateMeTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Locate_me_centres_on_the_device_and_marks_it_once(int width, int height)
    {
        // The device reports Hội An's old town, to 30 m.
        var (context, page, _) = await web.NewPageAsync(width, height, configure: o =>
        {
            o.Geolocation = new() { Latitude = 15.8775f, Longitude = 108.3305f, Accuracy = 30 };
            o.Permissions = ["geolocation"];
        });
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=7/16.0/107.0&layers=teams");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#tool-locate").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Đã tìm thấy vị trí của bạn (sai số khoảng 30 m)");
        await page.Locator(".rm-located-dot").WaitForAsync();
        // The map went there: zoom 14 (street level), centred on the device; the link follows.
        await page.WaitForFunctionAsync("location.hash.startsWith('#map=14/')");
        var centre = await page.EvaluateAsync<double[]>("(() => { const m = location.hash.match(/map=\\d+\\/([-\\d.]+)\\/([-\\d.]+)/); return [+m[1], +m[2]]; })()");
        Assert.InRange(centre[0], 15.870, 15.885);
        Assert.InRange(centre[1], 108.323, 108.338);
        // The dot is inside the visible map, not under a panel.
        var dot = (await page.Locator(".rm-located-dot").BoundingBoxAsync())!;
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        Assert.True(dot.X >= map.X && dot.X + dot.Width <= map.X + map.Width && dot.Y >= map.Y && dot.Y + dot.Height <= map.Y + map.Height);
        // Locating again replaces the mark instead of piling up circles.
        await page.Locator("#tool-locate").ClickAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(1, await page.Locator(".rm-located-dot").CountAsync());
        Assert.Equal(1, await page.Locator(".rm-located").CountAsync());
        await BrowserFixture.ShotAsync(page, width < 500 ? "34-locate-me-phone" : "34-locate-me");
    }

    [Fact]
    public async Task A_refused_location_is_said_in_words_and_the_map_stays()
    {
        var (context, page, _) = await web.NewPageAsync(375, 812); // no geolocation permission granted
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=9/15.6/108.0&layers=teams");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#tool-locate").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Không xác định được vị trí của bạn");
        Assert.StartsWith("#map=9/15.6", await page.EvaluateAsync<string>("location.hash"));
        Assert.Equal(0, await page.Locator(".rm-located-dot").CountAsync());
    }
}
