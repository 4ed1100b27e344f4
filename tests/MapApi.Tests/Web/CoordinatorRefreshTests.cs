using Microsoft.Playwright;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>
/// Coordinator mode keeps working past the access token's few minutes: it trades its refresh token
/// (sessionStorage) before expiry and on a 401, and gives up cleanly when the session has ended.
/// </summary>
public sealed class CoordinatorRefreshTests(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    const string Password = "browser-refresh-password-1";

    static Task<string?> StoredAsync(IPage page, string key) => page.EvaluateAsync<string?>("k => sessionStorage.getItem(k)", key);

    [Fact]
    public async Task The_web_map_refreshes_its_token_and_stops_when_the_session_ends()
    {
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
            await TestUsers.AddAsync(conn, "coord-refresh", "coordinator", Password);
        var (context, page, external) = await web.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("body.ready").WaitForAsync();
        await page.Locator("#login-btn").ClickAsync();
        await page.Locator("#login-username").FillAsync("coord-refresh");
        await page.Locator("#login-password").FillAsync(Password);
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        await page.Locator("#coord-section:not([hidden])").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        var access = await StoredAsync(page, "resourcemap.token");
        var refresh = await StoredAsync(page, "resourcemap.refresh");
        Assert.Matches("^[A-Za-z0-9_-]{43}$", refresh!);

        // 1. The access token is about to expire: the next call refreshes first.
        await page.EvaluateAsync("() => sessionStorage.setItem('resourcemap.expires', '0')");
        var me = await page.EvaluateAsync<string>("async () => (await (await import('/js/coordinator.js')).api('/api/auth/me')).username");
        Assert.Equal("coord-refresh", me);
        var refresh2 = await StoredAsync(page, "resourcemap.refresh");
        Assert.NotEqual(refresh, refresh2);
        Assert.NotEqual(access, await StoredAsync(page, "resourcemap.token"));
        Assert.NotNull(await ScalarAsync("SELECT used_at FROM refresh_tokens WHERE token_hash = sha256(convert_to(@t, 'UTF8'))", refresh!));

        // 2. A 401 (here a token the server refuses): one refresh, then the call succeeds.
        await page.EvaluateAsync("() => { sessionStorage.setItem('resourcemap.token', 'refused'); sessionStorage.setItem('resourcemap.expires', String(Date.now() + 600000)); }");
        me = await page.EvaluateAsync<string>("async () => (await (await import('/js/coordinator.js')).api('/api/auth/me')).username");
        Assert.Equal("coord-refresh", me);
        Assert.NotEqual(refresh2, await StoredAsync(page, "resourcemap.refresh"));

        // 3. The session ends elsewhere (the account was changed): the refresh is refused and the 401 surfaces.
        await using (var conn = await web.App.Sql.OpenConnectionAsync())
            await conn.Command("UPDATE users SET disabled_at = now() WHERE username = 'coord-refresh'").ExecuteNonQueryAsync();
        await page.EvaluateAsync("() => sessionStorage.setItem('resourcemap.token', 'expired')");
        var status = await page.EvaluateAsync<int>("async () => { try { await (await import('/js/coordinator.js')).api('/api/auth/me'); return 200; } catch (e) { return e.status; } }");
        Assert.Equal(401, status);
        Assert.Null(await StoredAsync(page, "resourcemap.refresh"));
        Assert.Empty(external);
    }

    async Task<object?> ScalarAsync(string sql, string token)
    {
        await using var conn = await web.App.Sql.OpenConnectionAsync();
        var value = await conn.Command(sql, ("t", token)).ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
