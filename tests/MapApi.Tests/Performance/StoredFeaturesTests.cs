using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

/// <summary>
/// The Feature text each point layer's row keeps (StoredFeatures) is, on every row of the seed and after every kind of
/// write, exactly the text built from the layer's definition; a changed definition rewrites every row.
/// </summary>
public sealed class StoredFeaturesTests : IAsyncLifetime
{
    string database = "";
    NpgsqlDataSource db = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateSeededCopyAsync();
        db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        await TestDatabase.DropAsync(database);
    }

    /// <summary>Rows of the layer whose stored text is missing or differs from the text built now (instants in UTC, as stored).</summary>
    static async Task<(long Rows, long Stale)> CompareAsync(NpgsqlConnection conn, LayerDefinition layer)
    {
        await using (var utc = conn.Command("SET timezone = 'UTC'")) await utc.ExecuteNonQueryAsync();
        await using var command = conn.Command($"""
            SELECT count(*), count(*) FILTER (WHERE t.feature_text IS DISTINCT FROM {LayerQueries.BuiltFeatureJson(layer, "@layer_id::text")})
            FROM {layer.Table} t
            """, ("layer_id", layer.Id));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    [Fact]
    public async Task Every_seeded_row_keeps_the_text_its_layer_definition_builds()
    {
        await using var conn = await db.OpenConnectionAsync();
        var layers = LayerCatalog.All.Where(l => l.StoresFeature).ToList();
        Assert.Equal(5, layers.Count);
        foreach (var layer in layers)
        {
            var (rows, stale) = await CompareAsync(conn, layer);
            Assert.True(rows > 0, $"{layer.Id}: the seed has no rows to compare");
            Assert.True(stale == 0, $"{layer.Id}: {stale} of {rows} rows keep another text");
        }
        // The read path serves the stored text: a row whose text is changed behind the trigger's back shows it.
        await using (var tamper = conn.Command("""
            ALTER TABLE red_sites DISABLE TRIGGER red_sites_feature_text;
            UPDATE red_sites SET feature_text = '{"tampered": true}' WHERE id = (SELECT min(id) FROM red_sites);
            ALTER TABLE red_sites ENABLE TRIGGER red_sites_feature_text;
            """)) await tamper.ExecuteNonQueryAsync();
        var redSites = LayerCatalog.Find("red-addresses")!;
        await using var read = conn.Command($"SELECT {LayerQueries.FeatureJson(redSites)} FROM red_sites t ORDER BY t.id LIMIT 1", ("layer_id", redSites.Id));
        Assert.Equal("""{"tampered": true}""", await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Inserts_updates_and_a_changed_definition_keep_the_text_exact()
    {
        await using var conn = await db.OpenConnectionAsync();
        var teams = LayerCatalog.Find("teams")!;
        async Task Run(string sql) { await using var c = conn.Command(sql); await c.ExecuteNonQueryAsync(); }

        await Run("""
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, geom, source_id, is_sample, last_assigned_at)
            VALUES ('Đội "mới" \ thử', 'club', 'Huyện đoàn', ARRAY['first-aid'], 5, 'active', 5000,
                    ST_SetSRID(ST_MakePoint(108.1, 15.5), 4326), (SELECT min(id) FROM data_sources), true, '2026-11-23 17:30+07')
            """);
        await Run("UPDATE teams SET name = name || ' (đổi tên)', skills = skills || ARRAY['swimming'] WHERE id % 3 = 0");
        await Run("UPDATE teams SET geom = ST_SetSRID(ST_MakePoint(ST_X(geom) + 0.01, ST_Y(geom)), 4326) WHERE id % 3 = 1");
        // The writer's time zone does not reach the text: instants are written in UTC.
        await Run("SET timezone = 'America/Los_Angeles'; UPDATE teams SET last_assigned_at = '2026-11-24 01:00+07' WHERE id % 3 = 2; RESET timezone");
        var (rows, stale) = await CompareAsync(conn, teams);
        Assert.True(stale == 0, $"{stale} of {rows} teams keep another text after writes");
        await using (var instant = conn.Command("SELECT feature_text FROM teams WHERE last_assigned_at = '2026-11-24 01:00+07' LIMIT 1"))
            Assert.Contains("\"last_assigned_at\": \"2026-11-23T18:00:00+00:00\"", (string)(await instant.ExecuteScalarAsync())!);

        // A definition that differs from the installed one (here: an installed function marked with another fingerprint,
        // as after a deploy that adds a property) makes the next migration rewrite every row of that table, and only that one.
        await Run("""
            ALTER TABLE teams DISABLE TRIGGER teams_feature_text;
            UPDATE teams SET feature_text = 'stale';
            ALTER TABLE teams ENABLE TRIGGER teams_feature_text;
            COMMENT ON FUNCTION rm_feature_text_teams() IS 'an older definition';
            """);
        // A cached world tile of the layer: any ordinary UPDATE of a team removes it (rm_tile_cache_invalidate).
        await Run("INSERT INTO tile_cache (layer, z, x, y, mvt) VALUES ('teams', 0, 0, 0, '\\x00') ON CONFLICT DO NOTHING");
        Assert.Equal(["teams"], await StoredFeatures.SyncAsync(conn));
        (rows, stale) = await CompareAsync(conn, teams);
        Assert.True(rows > 0 && stale == 0, $"{stale} of {rows} teams were not rewritten");
        // The rewrite is not an edit: the table's other triggers were held back (and are back on), so the tile stays.
        await using (var tile = conn.Command("SELECT count(*) FROM tile_cache WHERE layer = 'teams' AND z = 0"))
            Assert.Equal(1L, await tile.ExecuteScalarAsync());
        await using (var enabled = conn.Command("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'teams'::regclass AND NOT tgisinternal AND tgenabled = 'D'"))
            Assert.Equal(0L, await enabled.ExecuteScalarAsync());
        Assert.Empty(await StoredFeatures.SyncAsync(conn));
    }
}
