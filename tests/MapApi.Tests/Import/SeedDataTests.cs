using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ResourceMap.Api.Import;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Import;

public sealed class SeedDataTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    static readonly string[] PointTables = ["teams", "red_sites", "hardship_villages", "border_markers", "needs", "activities"];

    async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        return Convert.ToInt64(await conn.Command(sql).ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("teams", 200)]
    [InlineData("red_sites", 50)]
    [InlineData("hardship_villages", 100)]
    [InlineData("border_markers", 60)]
    [InlineData("border_areas", 1)]
    [InlineData("needs", 10)]
    [InlineData("skills", 10)]
    public async Task Seed_holds_at_least_the_records_the_plans_call_for(string table, int minimum)
    {
        Assert.True(await ScalarAsync($"SELECT count(*) FROM {table}") >= minimum);
    }

    [Fact]
    public async Task Every_point_falls_inside_the_admin_unit_it_claims()
    {
        foreach (var table in PointTables)
        {
            var claimed = await ScalarAsync($"SELECT count(*) FROM {table} WHERE admin_code IS NOT NULL");
            var outside = await ScalarAsync($"""
                SELECT count(*) FROM {table} t
                WHERE t.admin_code IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM admin_units a WHERE a.code = t.admin_code AND ST_Intersects(a.geom, t.geom))
                """);
            Assert.True(outside == 0, $"{outside} of {claimed} {table} lie outside the admin unit they claim");
        }
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM teams WHERE admin_code IS NULL"));
    }

    [Fact]
    public async Task Quang_Nam_border_markers_sit_inside_Quang_Nam_near_Laos()
    {
        var markers = await ScalarAsync("""
            SELECT count(*) FROM border_markers m JOIN admin_units p ON p.code = '49' AND p.level = 'province'
            WHERE m.neighbour_country = 'LA' AND ST_Intersects(p.geom, m.geom)
            """);
        Assert.True(markers >= 60, $"{markers} markers on the Quảng Nam – Laos border");
        // Within a few km of the province edge, i.e. along the border, not scattered inland.
        var inland = await ScalarAsync("""
            SELECT count(*) FROM border_markers m JOIN admin_units p ON p.code = '49' AND p.level = 'province'
            WHERE m.neighbour_country = 'LA' AND ST_Distance(ST_Boundary(p.geom)::geography, m.geom::geography) > 3000
            """);
        Assert.Equal(0, inland);
    }

    [Fact]
    public async Task Every_record_names_its_source_and_samples_say_so()
    {
        foreach (var table in PointTables.Append("admin_units").Append("border_areas"))
        {
            Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM {table} t JOIN data_sources s ON s.id = t.source_id WHERE t.is_sample <> s.is_sample"));
        }
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM teams WHERE NOT is_sample"));
        Assert.True(await ScalarAsync("SELECT count(*) FROM admin_units WHERE NOT is_sample AND level = 'province'") >= 97);
    }

    [Fact]
    public async Task Seeding_again_keeps_what_is_there()
    {
        var before = await ScalarAsync("SELECT count(*) FROM teams");
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await conn.Command("DELETE FROM team_availability WHERE team_id = (SELECT min(id) FROM teams)").ExecuteNonQueryAsync();
        var loaded = await new DataLoader(app.Sql, NullLogger<DataLoader>.Instance).SeedIfEmptyAsync(TestDatabase.DataDirectory);
        Assert.False(loaded);
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM teams"));
    }

    [Fact]
    public async Task Importing_a_bad_file_changes_nothing()
    {
        var before = await ScalarAsync("SELECT count(*) FROM teams");
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[108,15.5]},"properties":{"name":"CLB A","team_type":"club","parent_unit":"Đoàn xã","source_id":"resourcemap-samples","is_sample":true}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[108,15.5]},"properties":{"name":"CLB B","team_type":"spaceship","parent_unit":"Đoàn xã","source_id":"resourcemap-samples","is_sample":true}}]}
            """);
        var loader = new DataLoader(app.Sql, NullLogger<DataLoader>.Instance);
        await using (var conn = await app.Sql.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await Assert.ThrowsAsync<DataLoadException>(() => loader.LoadFileAsync(conn, "teams", file));
        }
        await using (var conn = await app.Sql.OpenConnectionAsync())
        {
            await Assert.ThrowsAsync<DataLoadException>(() => loader.LoadFileAsync(conn, "pg_authid", file));
            await File.WriteAllTextAsync(file, """{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[108,15.5]},"properties":{"nom":"x"}}]}""");
            var error = await Assert.ThrowsAsync<DataLoadException>(() => loader.LoadFileAsync(conn, "teams", file));
            Assert.Contains("nom", error.Message);
        }
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM teams"));
        File.Delete(file);
    }

    [Fact]
    public async Task Migrations_apply_once()
    {
        var applied = await new Migrator(app.Sql, NullLogger<Migrator>.Instance).MigrateAsync();
        Assert.Empty(applied);
        Assert.True(await ScalarAsync("SELECT count(*) FROM schema_migrations") >= 1);
    }
}
