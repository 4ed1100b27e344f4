using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Photos;

namespace ResourceMap.Tests.Web;

/// <summary>The seeded app on a real port with photos in a temporary folder, and headless Chromium (as BrowserFixture).</summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
{
    sealed class App : MapApiFactory
    {
        public readonly string PhotoDir = Path.Combine(Path.GetTempPath(), "rm-photos-web-" + Guid.NewGuid().ToString("N"));
        protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("RESOURCEMAP_PHOTO_DIR", PhotoDir);
    }

    readonly App app = new();
    public MapApiFactory Api => app;
    public string BaseUrl { get; private set; } = "";
    IPlaywright playwright = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)app).InitializeAsync();
        app.UseKestrel(0);
        app.StartServer();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/');
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<(IBrowserContext, IPage, List<string>)> NewPageAsync(int width, int height)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "vi-VN", IsMobile = width < 500, HasTouch = width < 500 });
        var external = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(BaseUrl, StringComparison.Ordinal)) await route.ContinueAsync();
            else { lock (external) external.Add(route.Request.Url); await route.AbortAsync(); }
        });
        return (context, await context.NewPageAsync(), external);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await ((IAsyncLifetime)app).DisposeAsync();
        if (Directory.Exists(app.PhotoDir)) Directory.Delete(app.PhotoDir, recursive: true);
    }
}

/// <summary>
/// The quick report ("Báo cáo nhanh") on a 375-px phone: a real JPEG carrying EXIF time and GPS pre-fills the form; the connection
/// drops once for the activity and once for the photo (the server got the request, the phone never saw the answer); the page retries
/// with the same idempotency keys and ends with exactly one activity and one photo. Then the dashboard and the printable report.
/// </summary>
public sealed class QuickReportTests(PortalBrowserFixture web) : IClassFixture<PortalBrowserFixture>
{
    const string Password = "quick-report-password-1";

    [Fact]
    public async Task A_quick_report_survives_a_lost_connection_and_lands_once_then_shows_on_the_dashboard_and_report()
    {
        var name = "Trồng cây ven suối (báo cáo nhanh)";
        double lat, lon;
        string district;
        long campaign;
        await using (var conn = await web.Api.Sql.OpenConnectionAsync())
        {
            await TestUsers.AddAsync(conn, "quick-coord", "coordinator", Password, displayName: "Cán bộ báo cáo");
            await using (var r = await conn.Command("""
                SELECT code, ST_Y(p), ST_X(p) FROM (SELECT code, ST_PointOnSurface(geom) AS p FROM admin_units
                WHERE level = 'district' AND parent_code = '49' ORDER BY code LIMIT 1) s
                """).ExecuteReaderAsync())
            {
                Assert.True(await r.ReadAsync(), "the seed holds Quảng Nam's districts");
                (district, lat, lon) = (r.GetString(0), r.GetDouble(1), r.GetDouble(2));
            }
            var today = VietnamTime.Today;
            campaign = (long)(await conn.Command("""
                WITH c AS (INSERT INTO campaigns (name, starts_on, ends_on, unit_code, union_level)
                           VALUES ('Tháng Thanh niên Quảng Nam (mẫu kiểm thử)', @from, @to, '49', 'province') RETURNING id),
                     i AS (INSERT INTO campaign_indicators (campaign_id, code, label, measure_unit, target)
                           SELECT id, v.code, v.label, v.unit, v.target FROM c,
                             (VALUES ('trees_planted', 'Trồng cây xanh', 'cây', 1000), ('participants', 'Lượt đoàn viên tham gia', 'lượt', 200)) AS v(code, label, unit, target))
                SELECT id FROM c
                """, ("from", today.AddDays(-10)), ("to", today.AddDays(20))).ExecuteScalarAsync())!;
        }
        var photoPath = Path.Combine(Path.GetTempPath(), $"bao-cao-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(photoPath, TestImages.WithExif(TestImages.Jpeg(1200, 900), lat, lon, VietnamTime.Today.AddDays(-1).ToString("yyyy':'MM':'dd", System.Globalization.CultureInfo.InvariantCulture) + " 07:45:00"));

        var (context, page, external) = await web.NewPageAsync(375, 740);
        await using var _ = context;
        await page.GotoAsync(web.BaseUrl + "/report.html");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#login-username").FillAsync("quick-coord");
        await page.Locator("#login-password").FillAsync(Password);
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        await page.Locator("#report-form:not([hidden])").WaitForAsync();

        // The photo pre-fills date and place from its EXIF.
        await page.Locator("#photo").SetInputFilesAsync(photoPath);
        await page.Locator("#previews img").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('lat').value !== ''");
        Assert.Equal(lat, double.Parse(await page.InputValueAsync("#lat"), System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(lon, double.Parse(await page.InputValueAsync("#lon"), System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(VietnamTime.Today.AddDays(-1).ToString("yyyy-MM-dd"), await page.InputValueAsync("#date"));
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#campaign").SelectOptionAsync(campaign.ToString());
        await page.Locator("#participants").FillAsync("18");
        await page.Locator("#output-qty").FillAsync("250");

        // Lose the connection once for each write: the request reaches the server, its answer never reaches the phone.
        int lostActivity = 0, lostPhoto = 0;
        await page.RouteAsync("**/api/activities", async route =>
        {
            if (route.Request.Method == "POST" && Interlocked.Increment(ref lostActivity) == 1) { await route.FetchAsync(); await route.AbortAsync("connectionreset"); }
            else await route.ContinueAsync();
        });
        await page.RouteAsync("**/api/activities/*/photos", async route =>
        {
            if (Interlocked.Increment(ref lostPhoto) == 1) { await route.FetchAsync(); await route.AbortAsync("connectionreset"); }
            else await route.ContinueAsync();
        });
        Assert.False(await HasHorizontalScrollAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "quick-report-375.png"), FullPage = true });
        await page.Locator("#send").ClickAsync();
        await page.Locator("#report-status:has-text('Đã gửi')").WaitForAsync(new() { Timeout = 30000 });
        Assert.True(lostActivity >= 2 && lostPhoto >= 2, $"each write was retried (activity {lostActivity}, photo {lostPhoto})");
        Assert.True(await page.Locator("#drafts-card").IsHiddenAsync()); // nothing left on the phone

        long activity;
        await using (var conn = await web.Api.Sql.OpenConnectionAsync())
        {
            Assert.Equal(1L, (long)(await conn.Command("SELECT count(*) FROM activities WHERE name = @n", ("n", name)).ExecuteScalarAsync())!);
            activity = (long)(await conn.Command("SELECT id FROM activities WHERE name = @n", ("n", name)).ExecuteScalarAsync())!;
            Assert.Equal(1L, (long)(await conn.Command("SELECT count(*) FROM activity_photos WHERE activity_id = @id", ("id", activity)).ExecuteScalarAsync())!);
            Assert.Equal("submitted", await conn.Command("SELECT status FROM activities WHERE id = @id", ("id", activity)).ExecuteScalarAsync());
            Assert.Equal(250m, await conn.Command("SELECT (outputs->>'trees_planted')::numeric FROM activities WHERE id = @id", ("id", activity)).ExecuteScalarAsync());
            // A coordinator approves it (the API path is covered by PortalScenarioTests).
            await conn.Command("UPDATE activities SET status = 'approved', approved_at = now() WHERE id = @id", ("id", activity)).ExecuteNonQueryAsync();
        }

        // Over the real web server (whose app-wide body limit is 1 MB) a photo of several MB is accepted on its own endpoint.
        using (var http = new HttpClient { BaseAddress = new Uri(web.BaseUrl) })
        {
            var login = await http.PostAsJsonAsync("/api/auth/token", new { username = "quick-coord", password = Password });
            http.DefaultRequestHeaders.Authorization = new("Bearer", (await login.ReadJsonAsync())["access_token"]!.GetValue<string>());
            var other = await http.PostAsJsonAsync("/api/activities", new { name = "Ảnh lớn", started_on = VietnamTime.Today, lat, lon });
            var otherId = (await other.ReadJsonAsync())["id"]!.GetValue<long>();
            var big = TestImages.NoiseJpeg(2000, 1500);
            Assert.True(big.Length > 2 * 1024 * 1024, $"test image only {big.Length} bytes");
            var form = new MultipartFormDataContent { { new ByteArrayContent(big), "file", "big.jpg" } };
            var upload = await http.PostAsync($"/api/activities/{otherId}/photos", form);
            Assert.True(upload.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)upload.StatusCode}: {await upload.Content.ReadAsStringAsync()}");
        }

        // The dashboard on the phone: progress, and Quảng Nam's districts late for the weekly deadline.
        await page.GotoAsync($"{web.BaseUrl}/dashboard.html?campaign={campaign}");
        await page.Locator("body.loaded").WaitForAsync();
        var rows = page.Locator("#units tbody tr");
        Assert.True(await rows.CountAsync() > 1);
        Assert.Contains("Trễ hạn", await page.Locator($"#units tbody tr[data-unit='{district}']").TextContentAsync());
        Assert.Contains("250", await page.Locator("#indicators").TextContentAsync());
        Assert.False(await HasHorizontalScrollAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "dashboard-375.png"), FullPage = true });

        // The printable report, with the photo's thumbnail.
        var (context2, desk, _) = await web.NewPageAsync(1000, 900);
        await using var __ = context2;
        await desk.GotoAsync($"{web.BaseUrl}/api/reports/campaign?campaign={campaign}&format=html");
        await desk.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Contains(name, await desk.ContentAsync());
        Assert.True(await desk.EvaluateAsync<bool>("() => [...document.images].length === 1 && document.images[0].naturalWidth > 0"));
        await desk.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "printable-report.png"), FullPage = true });
        Assert.Empty(external);
        File.Delete(photoPath);
    }

    static Task<bool> HasHorizontalScrollAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");
}
