using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Activities;

/// <summary>
/// The Nam Trà My fixture (FixtureApiFactory's SQL) plus units in force since July 2025 under Đà Nẵng (48): commune C1 (Trà Cang area,
/// holding team 3 and the old district 506's village), C2 (Tam Kỳ, holding team 2) and C3 (no activity). Photos go to a temporary folder.
/// </summary>
public sealed class PortalApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "portal-password-1";
    public string DatabaseName { get; private set; } = "";
    public NpgsqlDataSource Sql { get; private set; } = null!;
    public string PhotoDir { get; } = Path.Combine(Path.GetTempPath(), "rm-photos-" + Guid.NewGuid().ToString("N"));

    public const string Communes = """
        INSERT INTO admin_units (code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample) VALUES
          ('C1', 'commune', '48', 'Xã Trà Cang (mẫu)', 'Tra Cang', '2025-07-01', NULL, ST_Multi(ST_MakeEnvelope(107.95, 14.95, 108.15, 15.10, 4326)), 'test-fixture', true),
          ('C2', 'commune', '48', 'Phường Tam Kỳ (mẫu)', 'Tam Ky', '2025-07-01', NULL, ST_Multi(ST_MakeEnvelope(108.40, 15.50, 108.55, 15.65, 4326)), 'test-fixture', true),
          ('C3', 'commune', '48', 'Xã Đông Giang (mẫu)', 'Dong Giang', '2025-07-01', NULL, ST_Multi(ST_MakeEnvelope(107.50, 15.60, 107.80, 15.90, 4326)), 'test-fixture', true);
        """;

    public async Task InitializeAsync()
    {
        DatabaseName = await TestDatabase.CreateMigratedAsync("rm_portal");
        Sql = NpgsqlDataSource.Create(TestDatabase.ConnectionString(DatabaseName));
        await using var conn = await Sql.OpenConnectionAsync();
        await conn.Command(Fixture.Sql, ("today", FixtureApiFactory.Today)).ExecuteNonQueryAsync();
        await conn.Command(Communes).ExecuteNonQueryAsync();
        foreach (var (username, role, team, scope) in new (string, string, long?, string?)[]
                 {
                     ("coord1", "coordinator", null, null), ("coordc2", "coordinator", null, "C2"),
                     ("lead3", "team-lead", Fixture.NamTraMy, null), ("lead2", "team-lead", Fixture.TamKy, null), ("lead1", "team-lead", Fixture.TraMy, null),
                 })
            await TestUsers.AddAsync(conn, username, role, Password, team, adminScope: scope);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RESOURCEMAP_DB", TestDatabase.ConnectionString(DatabaseName));
        builder.UseSetting("RESOURCEMAP_SEED", "false");
        builder.UseSetting("RESOURCEMAP_LOGIN_PER_MINUTE", "100000");
        builder.UseSetting("RESOURCEMAP_PHOTO_DIR", PhotoDir);
        builder.UseSetting("RESOURCEMAP_PHOTO_MAX_BYTES", "2000000");
        builder.UseEnvironment("Testing");
        builder.UseSetting("Logging:LogLevel:Default", "Warning"); // see MapApiFactory
    }

    public async Task<HttpClient> LoginAsync(string username)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<object?> ScalarAsync(string sql, params (string, object?)[] parameters)
    {
        await using var conn = await Sql.OpenConnectionAsync();
        return await conn.Command(sql, parameters).ExecuteScalarAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Sql.DisposeAsync();
        await base.DisposeAsync();
        await TestDatabase.DropAsync(DatabaseName);
        if (Directory.Exists(PhotoDir)) Directory.Delete(PhotoDir, recursive: true);
    }
}

public static class PortalRequests
{
    public static async Task<JsonNode> PostActivityAsync(this HttpClient client, object body, string? key = null, int expect = 201)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/activities") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expect == (int)response.StatusCode, $"expected {expect}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> PostPhotoAsync(this HttpClient client, long activityId, byte[] bytes, string fileName, string? key = null, int expect = 201)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".png") ? "image/png" : "image/jpeg");
        form.Add(file, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{activityId}/photos") { Content = form };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expect == (int)response.StatusCode, $"expected {expect}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> TransitionAsync(this HttpClient client, long id, string to, string? note = null, int expect = 200)
    {
        var response = await client.PostAsJsonAsync($"/api/activities/{id}/transitions", new { to, note });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expect == (int)response.StatusCode, $"expected {expect}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
