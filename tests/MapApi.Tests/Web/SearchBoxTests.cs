using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>
/// The search box on /api/search: grouped results with totals, "more", and a chosen result that opens its popup where
/// it can be seen — beside the details panel on a desktop, above the bottom sheet on a phone.
/// </summary>
public sealed class SearchBoxTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Nam_tra_my_lists_its_villages_in_a_group_with_a_total_and_more(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#search").FillAsync("nam tra my");
        var villages = page.Locator("#search-results [role=group][data-group=hardship-villages]");
        await villages.WaitForAsync();
        // Admin units come first; the villages group shows 5 of its total and offers the rest.
        Assert.Equal("admin-units", await page.Locator("#search-results [role=group]").First.GetAttributeAsync("data-group"));
        await Assertions.Expect(villages.Locator(".result-group-head")).ToContainTextAsync("Thôn, ấp đặc biệt khó khăn");
        var options = villages.Locator("[role=option]:not(.result-more)");
        Assert.Equal(5, await options.CountAsync());
        for (var i = 0; i < 5; i++)
            await Assertions.Expect(options.Nth(i).Locator("small")).ToContainTextAsync("Nam Trà My");
        var total = int.Parse(new string((await villages.Locator(".result-group-head small").TextContentAsync())!.Where(char.IsDigit).ToArray()));
        Assert.True(total >= 30, $"villages matching: {total}");
        await BrowserFixture.ShotAsync(page, width < 500 ? "30-search-nam-tra-my-phone" : "30-search-nam-tra-my");

        await villages.Locator(".result-more").ClickAsync();
        await Assertions.Expect(options).ToHaveCountAsync(10);
        Assert.True(await page.Locator("#search-results").IsVisibleAsync(), "the list stays open while it grows");
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task A_chosen_village_opens_its_popup_in_view(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#search").FillAsync("lung pu");
        var option = page.Locator("#search-results [role=option][data-kind=hardship-villages]", new() { HasText = "Thôn Lũng Pù" }).First;
        await option.WaitForAsync();
        await page.Locator("#search").PressAsync("Enter"); // the first result is the exact name

        var popup = page.Locator(".leaflet-popup .popup");
        await Assertions.Expect(popup.Locator("h3")).ToHaveTextAsync("Thôn Lũng Pù, tỉnh Hà Giang");
        var box = (await popup.BoundingBoxAsync())!;
        Assert.True(box.Y >= 0 && box.Y + box.Height <= height, $"popup at y={box.Y}, height {box.Height}");
        if (width < 760)
        {
            // On a phone the details panel stays closed: the popup is not hidden behind it.
            Assert.False(await page.Locator("#panel").IsVisibleAsync());
            Assert.True(box.Y + box.Height <= height * 0.75, $"popup bottom at {box.Y + box.Height} of {height}");
        }
        else
            await Assertions.Expect(page.Locator("#panel article.details h3")).ToHaveTextAsync("Thôn Lũng Pù, tỉnh Hà Giang");
        await BrowserFixture.ShotAsync(page, $"31-search-result-{width}");
    }

    [Fact]
    public async Task A_sample_district_is_outlined_as_illustrative_not_as_a_real_boundary()
    {
        var (context, page, _) = await web.NewPageAsync(1366, 768);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#search").FillAsync("nam tra my");
        await page.Locator("#search-results [role=option][data-kind=admin]", new() { HasText = "Huyện Nam Trà My" }).ClickAsync();
        // The generated district (source sample-admin-voronoi) is dashed brown with a note, never the solid red of a real unit.
        await Assertions.Expect(page.Locator(".sample-outline-note")).ToContainTextAsync("Huyện Nam Trà My chỉ là minh họa");
        Assert.Equal(0, await page.Locator(".leaflet-admin-pane path[stroke='#b71c1c']").CountAsync());
        Assert.Equal(1, await page.Locator(".leaflet-admin-pane path[stroke='#6d4c41']").CountAsync());
        await BrowserFixture.ShotAsync(page, "33-sample-district-outline");

        // A real province keeps the red outline, and the note goes.
        await page.Locator("#search").FillAsync("quang nam");
        await page.Locator("#search-results [role=option][data-kind=admin]", new() { HasText = "Quảng Nam" }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".leaflet-admin-pane path[stroke='#b71c1c']")).ToHaveCountAsync(1);
    }
}
