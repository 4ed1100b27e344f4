using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>On a phone the details panel is a bottom sheet: half the map by default, dragged or stepped to a third or
/// nine tenths, with the map still visible above it. On a desktop it stays a side panel without the handle.</summary>
public sealed class PhoneSheetTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static async Task<double> SheetShareAsync(IPage page) =>
        await page.EvaluateAsync<double>("document.querySelector('#panel').offsetHeight / document.querySelector('#panel').parentElement.clientHeight");

    static async Task OpenDetailsAsync(IPage page)
    {
        var marker = page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First;
        await marker.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.ClickAsync();
        await BrowserFixture.PressInPopupAsync(page, "Xem chi tiết");
        await page.Locator("#panel article.details").WaitForAsync();
    }

    [Fact]
    public async Task The_sheet_is_dragged_and_stepped_between_three_sizes_and_leaves_the_map_visible()
    {
        var (context, page, _) = await web.NewPageAsync(375, 812);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams");
        await OpenDetailsAsync(page);
        var handle = page.Locator("#panel-handle");
        await Assertions.Expect(handle).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(250); // the height transition
        Assert.InRange(await SheetShareAsync(page), 0.45, 0.55);
        Assert.Contains("nửa màn hình", await handle.GetAttributeAsync("aria-label"));
        var handleBox = (await handle.BoundingBoxAsync())!;
        Assert.True(handleBox.Height >= 24, $"handle {handleBox.Height}px high");

        // Dragged up by 250 px it snaps to nine tenths.
        await page.Mouse.MoveAsync(handleBox.X + handleBox.Width / 2, handleBox.Y + handleBox.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(handleBox.X + handleBox.Width / 2, handleBox.Y - 125, new() { Steps = 5 });
        await page.Mouse.MoveAsync(handleBox.X + handleBox.Width / 2, handleBox.Y - 250, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await page.WaitForTimeoutAsync(250);
        Assert.InRange(await SheetShareAsync(page), 0.85, 0.93);
        Assert.Equal("full", await page.Locator("#panel").GetAttributeAsync("data-sheet"));

        // From the keyboard: two steps down to a third, the map's upper two thirds free.
        await handle.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.WaitForTimeoutAsync(250);
        Assert.Equal("peek", await page.Locator("#panel").GetAttributeAsync("data-sheet"));
        Assert.InRange(await SheetShareAsync(page), 0.25, 0.35);
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        var sheet = (await page.Locator("#panel").BoundingBoxAsync())!;
        Assert.True(sheet.Y - map.Y >= map.Height * 0.6, $"map visible above the sheet: {sheet.Y - map.Y} of {map.Height} px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "32-phone-sheet-peek.png") });
    }

    [Fact]
    public async Task A_desktop_keeps_the_side_panel_without_a_handle()
    {
        var (context, page, _) = await web.NewPageAsync(1366, 768);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams");
        await OpenDetailsAsync(page);
        Assert.False(await page.Locator("#panel-handle").IsVisibleAsync());
        var panel = (await page.Locator("#panel").BoundingBoxAsync())!;
        Assert.True(panel.X > 700 && panel.Height > 600, $"side panel at x={panel.X}, {panel.Height}px high");
    }
}
