using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>
/// The real application on a real loopback port (WebApplicationFactory.UseKestrel, .NET 10) against its own
/// seeded database copy, and Debian's headless Chromium driven by Microsoft.Playwright. Playwright's own browser
/// download cannot work offline; its driver (a bundled Node) ships inside the NuGet package's build output.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public MapApiFactory App { get; private set; } = null!;
    /// <summary>The deployer's own tile server, stood in for by a local one (RESOURCEMAP_BASEMAP_URL points at it).</summary>
    public LocalTileServer Tiles { get; } = new();
    /// <summary>Loopback origins besides the app that the page may reach (the tile source).</summary>
    protected List<string> LocalOrigins { get; } = [];

    /// <summary>The tile template handed to the app; a derived fixture points it elsewhere (e.g. a dead port).</summary>
    protected virtual string BasemapUrl => Tiles.Template;

    /// <summary>Settings a derived fixture adds (e.g. a PMTiles basemap file).</summary>
    protected virtual IEnumerable<(string Key, string Value)> ExtraSettings => [];

    sealed class App_(string basemapUrl, IEnumerable<(string Key, string Value)> extra) : MapApiFactory
    {
        protected override void ConfigureSettings(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("RESOURCEMAP_BASEMAP_URL", basemapUrl);
            builder.UseSetting("RESOURCEMAP_BASEMAP_ATTRIBUTION", "Ô bản đồ thử nghiệm (máy chủ cục bộ)");
            foreach (var (key, value) in extra) builder.UseSetting(key, value);
        }
    }
    public string BaseUrl { get; private set; } = "";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDir
    {
        get
        {
            var dir = Path.Combine(TestDatabase.FindRepoFolder("artifacts"), "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>A screenshot in artifacts/screenshots/ (listed in the closing notes).</summary>
    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png") });

    /// <summary>
    /// Presses a button in the open popup. The popup's auto-pan moves the map and reloads the markers: a pointer
    /// click aimed while the popup still moves can land on the map and close it, so wait for the reload and press
    /// the button from the keyboard.
    /// </summary>
    public static async Task PressInPopupAsync(IPage page, string buttonName)
    {
        await page.Locator(".leaflet-popup .popup h3").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var button = page.Locator(".leaflet-popup .popup").GetByRole(AriaRole.Button, new() { Name = buttonName });
        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>An API answer read through the page's own request context (same origin, no browser cache).</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> GetJsonAsync(IPage page, string path) =>
        System.Text.Json.Nodes.JsonNode.Parse(await (await page.APIRequest.GetAsync(BaseUrl + path)).TextAsync())!;

    /// <summary>Data a derived fixture adds to its seeded copy before the app starts (e.g. a national-scale layer).</summary>
    protected virtual Task PrepareDataAsync(Npgsql.NpgsqlDataSource sql) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        App = new App_(BasemapUrl, ExtraSettings);
        LocalOrigins.Add(new Uri(BasemapUrl.Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0")).GetLeftPart(UriPartial.Authority));
        await ((IAsyncLifetime)App).InitializeAsync();
        await PrepareDataAsync(App.Sql);
        App.UseKestrel(0); // a free port chosen by the OS
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/');

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh page; any request leaving the test server and its local tile source is aborted and listed (nothing from the internet).</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> External)> NewPageAsync(int width = 1366, int height = 768, string locale = "vi-VN",
        Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height }, Locale = locale };
        configure?.Invoke(options);
        var context = await Browser.NewContextAsync(options);
        var external = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (url.StartsWith(BaseUrl + "/", StringComparison.Ordinal) || LocalOrigins.Any(o => url.StartsWith(o + "/", StringComparison.Ordinal)))
                await route.ContinueAsync();
            else { lock (external) external.Add(route.Request.Url); await route.AbortAsync(); }
        });
        var page = await context.NewPageAsync();
        return (context, page, external);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        await ((IAsyncLifetime)App).DisposeAsync();
        Tiles.Dispose();
    }
}

/// <summary>The same app with its tile source on a dead loopback port: the page must fall back to the offline basemap.</summary>
public sealed class DeadTileSourceBrowserFixture : BrowserFixture
{
    readonly string dead = LocalTileServer.DeadTemplate();
    protected override string BasemapUrl => dead;
}
