using Microsoft.Playwright;

namespace ResourceMap.Tests.Web;

/// <summary>Keyboard users land in what opened, Escape closes it, and focus goes back to the marker they came from.</summary>
public sealed class KeyboardTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static Task<string?> FocusedAsync(IPage page, string attribute) =>
        page.EvaluateAsync<string?>("a => document.activeElement?.getAttribute(a) ?? null", attribute);

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Escape_closes_the_popup_then_the_panel_and_focus_returns_to_the_marker(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
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

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(375, 812)]
    public async Task Map_controls_come_before_the_markers_in_tab_order(int width, int height)
    {
        var (context, page, _) = await web.NewPageAsync(width, height);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/#map=10/15.55/108.0&layers=teams");
        await page.Locator(".leaflet-marker-pane .rm-marker.rm-teams").First.WaitForAsync();
        // From the map itself, Tab lands on a control (the zoom buttons), not on a marker.
        await page.Locator("#map").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => !!document.activeElement?.closest('.leaflet-control-container')"),
            $"Tab from the map went to {await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120)")}");
        Assert.True(await page.EvaluateAsync<bool>("""
            () => [...document.querySelectorAll('.leaflet-control-container a, .leaflet-control-container button')].every(c =>
                [...document.querySelectorAll('.leaflet-marker-pane .rm-marker')].every(m => c.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING))
            """), "every map control precedes every marker in the document");
    }

    [Fact]
    public async Task On_a_phone_the_legend_drawer_takes_the_focus_and_Escape_closes_it()
    {
        var (context, page, _) = await web.NewPageAsync(375, 812);
        await using var __ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#legend-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#legend').contains(document.activeElement)");
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForFunctionAsync("() => !document.body.classList.contains('legend-open')");
        Assert.Equal("false", await page.Locator("#legend-toggle").GetAttributeAsync("aria-expanded"));
        Assert.Equal("legend-toggle", await FocusedAsync(page, "id"));
    }
}
