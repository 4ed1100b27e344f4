using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Infrastructure;

/// <summary>
/// The real application against its own migrated database holding a small, known fixture around
/// Nam Trà My (Quảng Nam): admin units, one hardship village, teams that should and should not match,
/// and users. Independent of data/ (the seed is produced on another branch), so each test class knows
/// exactly what it works with.
/// </summary>
public sealed class FixtureApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "fixture-password-1";
    public string DatabaseName { get; private set; } = "";
    public NpgsqlDataSource Sql { get; private set; } = null!;

    /// <summary>Today in Vietnam, as the fixture's availability windows are built around it.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));

    public async Task InitializeAsync()
    {
        DatabaseName = await TestDatabase.CreateMigratedAsync("rm_needs");
        Sql = NpgsqlDataSource.Create(TestDatabase.ConnectionString(DatabaseName));
        await using var conn = await Sql.OpenConnectionAsync();
        await conn.Command(Fixture.Sql, ("today", Today)).ExecuteNonQueryAsync();
        foreach (var (username, role, team) in Fixture.Users)
            await TestUsers.AddAsync(conn, username, role, Password, team);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RESOURCEMAP_DB", TestDatabase.ConnectionString(DatabaseName));
        builder.UseSetting("RESOURCEMAP_SEED", "false");
        builder.UseSetting("RESOURCEMAP_LOGIN_PER_MINUTE", "100000");
        builder.UseEnvironment("Testing");
        builder.UseSetting("Logging:LogLevel:Default", "Warning"); // see MapApiFactory
    }

    /// <summary>A client carrying the bearer token of a fixture user, obtained through POST /api/auth/token.</summary>
    public async Task<HttpClient> LoginAsync(string username)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string, object?)[] parameters)
    {
        await using var conn = await Sql.OpenConnectionAsync();
        var value = await conn.Command(sql, parameters).ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Sql.DisposeAsync();
        await base.DisposeAsync();
        await TestDatabase.DropAsync(DatabaseName);
    }
}

public static class Fixture
{
    // Team ids (GENERATED … OVERRIDING SYSTEM VALUE keeps them fixed).
    public const long TraMy = 1, TamKy = 2, NamTraMy = 3, Inactive = 4, HoiAnFar = 5, SwimOnly = 6, Unavailable = 7, ServiceArea = 8,
        SpareA = 9, SpareB = 10, SpareC = 11;
    public const long Village = 1;

    public static readonly (string Username, string Role, long? Team)[] Users =
    [
        ("coord1", "coordinator", null), ("coord2", "coordinator", null),
        ("lead1", "team-lead", TraMy), ("lead3", "team-lead", NamTraMy), ("lead9", "team-lead", SpareA),
    ];

    /// <summary>Shapes are simplified boxes, marked as samples; the village sits where Trà Cang commune is.</summary>
    public const string Sql = """
        INSERT INTO data_sources (id, title, licence, accuracy, is_sample) VALUES ('test-fixture', 'Test fixture', 'n/a', 'approximate', true);
        INSERT INTO skills (code, label_vi, label_en) VALUES
          ('first-aid', 'Sơ cấp cứu', 'First aid'), ('construction', 'Xây dựng, sửa nhà', 'Construction'),
          ('teaching', 'Dạy học', 'Teaching'), ('digital-skills', 'Kỹ năng số', 'Digital skills'),
          ('swimming', 'Dạy bơi', 'Swimming'), ('logistics', 'Hậu cần', 'Logistics');
        INSERT INTO admin_units (code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample) VALUES
          ('49', 'province', NULL, 'Quảng Nam', 'Quang Nam', '2008-01-01', '2025-07-01',
           ST_Multi(ST_MakeEnvelope(107.2, 14.7, 108.8, 16.05, 4326)), 'test-fixture', true),
          ('48', 'province', NULL, 'Đà Nẵng', 'Da Nang', '2025-07-01', NULL,
           ST_Multi(ST_MakeEnvelope(107.2, 14.7, 108.8, 16.3, 4326)), 'test-fixture', true),
          ('506', 'district', '49', 'Nam Trà My', 'Nam Tra My', '2008-01-01', '2025-07-01',
           ST_Multi(ST_MakeEnvelope(107.9, 14.75, 108.35, 15.25, 4326)), 'test-fixture', true);
        INSERT INTO hardship_villages (id, name, admin_code, poverty_rate, ethnic_groups, geom, source_id, is_sample)
          OVERRIDING SYSTEM VALUE VALUES
          (1, 'Thôn 2, xã Trà Cang', '506', 62.5, '{Xơ Đăng}', ST_SetSRID(ST_MakePoint(108.06, 15.03), 4326), 'test-fixture', true);
        INSERT INTO teams (id, name, team_type, parent_unit, admin_code, skills, members, capacity, status, service_radius_m,
                           service_area, last_assigned_at, private_phone, geom, source_id, is_sample)
          OVERRIDING SYSTEM VALUE VALUES
          (1, 'Đội TNTN huyện Bắc Trà My', 'team', 'Huyện đoàn Bắc Trà My', '49', '{first-aid,construction,teaching}', 25, 12, 'active', 60000,
           NULL, NULL, '0900000001', ST_SetSRID(ST_MakePoint(108.23, 15.35), 4326), 'test-fixture', true),
          (2, 'CLB Thanh niên tình nguyện Tam Kỳ', 'club', 'Thành đoàn Tam Kỳ', '49', '{first-aid,construction}', 40, 20, 'active', 100000,
           NULL, now() - interval '10 days', '0900000002', ST_SetSRID(ST_MakePoint(108.47, 15.57), 4326), 'test-fixture', true),
          (3, 'Đội hình tình nguyện Nam Trà My', 'team', 'Huyện đoàn Nam Trà My', '506', '{first-aid,teaching,construction}', 10, 6, 'active', 20000,
           NULL, now() - interval '40 days', '0900000003', ST_SetSRID(ST_MakePoint(108.08, 15.05), 4326), 'test-fixture', true),
          (4, 'Đội đã ngừng hoạt động', 'team', 'Huyện đoàn Nam Trà My', '506', '{first-aid,construction,teaching}', 8, 8, 'inactive', 30000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.07, 15.04), 4326), 'test-fixture', true),
          (5, 'CLB Hội An (ngoài tầm)', 'club', 'Thành đoàn Hội An', '49', '{first-aid,construction,teaching}', 30, 15, 'active', 30000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.33, 15.88), 4326), 'test-fixture', true),
          (6, 'CLB dạy bơi Trà Mai', 'club', 'Đoàn xã Trà Mai', '506', '{swimming}', 12, 10, 'active', 50000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.10, 15.10), 4326), 'test-fixture', true),
          (7, 'Đội bận (không có lịch)', 'team', 'Huyện đoàn Nam Trà My', '506', '{first-aid,construction,teaching}', 10, 10, 'active', 50000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.10, 15.08), 4326), 'test-fixture', true),
          (8, 'Đội hình chuyên Đà Nẵng (vùng phục vụ)', 'specialist', 'Thành đoàn Đà Nẵng', '48', '{first-aid,construction,teaching,digital-skills}', 50, 30, 'active', NULL,
           ST_Multi(ST_MakeEnvelope(107.9, 14.75, 108.35, 15.25, 4326)), NULL, NULL, ST_SetSRID(ST_MakePoint(108.20, 16.05), 4326), 'test-fixture', true),
          (9, 'Đội dự bị A', 'team', 'Huyện đoàn Nam Trà My', '506', '{logistics}', 8, 6, 'active', 40000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.05, 15.00), 4326), 'test-fixture', true),
          (10, 'Đội dự bị B', 'team', 'Huyện đoàn Nam Trà My', '506', '{logistics}', 8, 6, 'active', 40000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.04, 15.01), 4326), 'test-fixture', true),
          (11, 'Đội dự bị C', 'team', 'Huyện đoàn Nam Trà My', '506', '{logistics}', 8, 6, 'active', 40000,
           NULL, NULL, NULL, ST_SetSRID(ST_MakePoint(108.03, 15.02), 4326), 'test-fixture', true);
        SELECT setval(pg_get_serial_sequence('teams', 'id'), 11);
        SELECT setval(pg_get_serial_sequence('hardship_villages', 'id'), 1);
        -- Available from a month ago for a year, in two adjacent periods (matching must merge them);
        -- team 7 only until next week.
        INSERT INTO team_availability (team_id, period)
        SELECT id, daterange(@today - 30, @today + 60, '[]') FROM teams WHERE id <> 7
        UNION ALL
        SELECT id, daterange(@today + 61, @today + 365, '[]') FROM teams WHERE id <> 7
        UNION ALL
        SELECT 7, daterange(@today - 30, @today + 3, '[]');
        """;
}
