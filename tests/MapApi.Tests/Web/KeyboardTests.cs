using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>Keyboard users land in what opened, Escape closes it, and focus goes back to the marker they came from.</summary>
public sealed class KeyboardTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static Task<string?> FocusedAsync(IPage page, string attribute) =>
        page.EvaluateAsync<string?>("a => document.activeElement?.getAttribute(a) ?? null", attribute);

    [Fact]
    public async Task Escape_closes_the_popup_then_the_panel_and_focus_returns_to_the_marker()
    {
        var (context, page, _) = await web.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams");
        await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var id = await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.GetAttributeAsync("data-id");
        await page.Locator($".leaflet-marker-pane .rm-marker.rm-teams[data-id='{id}']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".leaflet-popup .popup").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('.leaflet-popup').contains(document.activeElement)"),
            "focus moves into the popup");

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle); // the popup's auto-pan reloads the markers
        await page.Keyboard.PressAsync("Escape");
        await page.Locator(".leaflet-popup").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(id, await FocusedAsync(page, "data-id"));

        // Details: focus in the panel, Escape closes it, back to the marker.
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".leaflet-popup .popup").WaitForAsync();
        await page.Keyboard.PressAsync("Tab");   // from the popup to its first control
        await page.Locator(".leaflet-popup .popup-actions button").First.FocusAsync();
        await page.Keyboard.PressAsync("Enter"); // "Xem chi tiết"
        await page.Locator("#panel .details").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('#panel').contains(document.activeElement)"), "focus moves into the panel");
        await page.Keyboard.PressAsync("Escape"); // the popup first
        await page.Keyboard.PressAsync("Escape"); // then the panel
        await Assertions.Expect(page.Locator("#panel")).ToBeHiddenAsync();
        await page.WaitForFunctionAsync($"() => document.activeElement?.getAttribute('data-id') === '{id}'");
    }
}
