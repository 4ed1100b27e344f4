using System.Diagnostics;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Bench;

/// <summary>What the read paths cost the writes: storage of the issue-10 structures, and insert/move/delete per team row.</summary>
public static class Storage
{
    /// <summary>Indexes, columns and triggers added for the read paths (issue 10), dropped (in a transaction rolled back) to measure writes without them.</summary>
    public static readonly string[] AddedIndexes =
    [
        "teams_reach_box_16_gix", "teams_reach_box_8_gix", "teams_reach_box_4_gix", "teams_reach_box_2_gix", "teams_reach_box_1_gix",
        "teams_active_service_area_gix", "teams_geom_cover_gix",
    ];

    public static async Task PrintAsync(NpgsqlDataSource db, int teams)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var r = await conn.Command("""
            SELECT c.relname, pg_relation_size(c.oid), c.relname = ANY(@added)
            FROM pg_class c WHERE c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'teams'::regclass) OR c.oid = 'teams'::regclass
            ORDER BY c.relkind DESC, c.relname
            """, ("added", AddedIndexes)).ExecuteReaderAsync();
        long added = 0, total = 0;
        Console.WriteLine($"Storage of the teams table at {teams:N0} teams (MB; * = added for issue 10):");
        while (await r.ReadAsync())
        {
            var mb = r.GetInt64(1) / 1048576.0;
            total += r.GetInt64(1);
            if (r.GetBoolean(2)) added += r.GetInt64(1);
            Console.WriteLine($"  {(r.GetBoolean(2) ? "*" : " ")} {r.GetString(0),-36} {mb,9:0.0}");
        }
        await r.DisposeAsync();
        var availability = (long)(await conn.Command("SELECT coalesce(sum(pg_column_size(availability)), 0) FROM teams").ExecuteScalarAsync())!;
        Console.WriteLine($"  * teams.availability column (datemultirange)  {availability / 1048576.0,9:0.0}");
        var featureText = (long)(await conn.Command("SELECT coalesce(sum(pg_column_size(feature_text)), 0) FROM teams").ExecuteScalarAsync())!;
        Console.WriteLine($"  * teams.feature_text column (stored Feature)  {featureText / 1048576.0,9:0.0}");
        Console.WriteLine($"  added {(added + availability + featureText) / 1048576.0:0.0} MB of {total / 1048576.0:0.0} MB");
        // The cluster pyramid of every point layer, unfiltered and per facet (one filter value).
        var pyramid = (long)(await conn.Command("SELECT pg_total_relation_size('cluster_cells')").ExecuteScalarAsync())!;
        var cells = (long)(await conn.Command("SELECT count(*) FROM cluster_cells").ExecuteScalarAsync())!;
        Console.WriteLine($"  * cluster pyramid (cluster_cells, all layers and facets): {pyramid / 1048576.0:0.0} MB, {cells:N0} cells");
    }
}

public static class Writes
{
    const string Insert = """
        WITH t AS (
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, service_radius_m, geom, source_id, is_sample)
            VALUES ('Bench write', 'club', 'Bench', ARRAY['first-aid'], 10, 30000, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), 'bench', true)
            RETURNING id)
        INSERT INTO team_availability (team_id, period) SELECT id, daterange(rm_today(), rm_today() + 90, '[]') FROM t RETURNING team_id
        """;

    public static async Task RunAsync(NpgsqlDataSource db, int rows)
    {
        Console.WriteLine();
        Console.WriteLine($"Writes, one team per statement ({rows} each; ms per row, p50 / mean):");
        await using var conn = await db.OpenConnectionAsync();
        // Each statement commits, as a coordinator's edit does (in one transaction the structures' rows, updated again
        // and again, grow chains of versions: 2–10× slower). The teams inserted are deleted again, so every structure
        // holds what it held before.
        var with = await MeasureAsync(conn, rows);
        Dictionary<string, (double P50, double Mean)> without;
        // DDL is transactional: the indexes and triggers are dropped for this run only, in a transaction rolled back,
        // so the database stays as generated (BENCH_REUSE can measure it again).
        await using (var tx = await conn.BeginTransactionAsync())
        {
            foreach (var index in Storage.AddedIndexes)
                await conn.Command($"DROP INDEX {index}").ExecuteNonQueryAsync();
            await conn.Command("CREATE INDEX teams_geom_gix ON teams USING gist (geom)").ExecuteNonQueryAsync();
            foreach (var trigger in new[] { "inserted", "deleted", "updated" })
                await conn.Command($"DROP TRIGGER team_availability_{trigger} ON team_availability").ExecuteNonQueryAsync();
            // Every trigger on teams that keeps a read-path structure: stored feature text, cluster pyramid, tile cache,
            // teams in reach of each village, teams per admin unit. (The booking invariants and admin names stay.)
            var kept = new List<string>();
            await using (var names = await conn.Command("""
                SELECT tgname FROM pg_trigger WHERE tgrelid = 'teams'::regclass AND NOT tgisinternal
                  AND tgname ~ '^teams_(feature_text|clusters_|tiles_|tile_cache_|village_reach_|unit_teams_)'
                """).ExecuteReaderAsync())
                while (await names.ReadAsync()) kept.Add(names.GetString(0));
            foreach (var name in kept) await conn.Command($"DROP TRIGGER \"{name}\" ON teams").ExecuteNonQueryAsync();
            Console.WriteLine($"  (without: {Storage.AddedIndexes.Length} indexes and {kept.Count} triggers on teams: {string.Join(", ", kept)})");
            without = await MeasureAsync(conn, rows);
            await tx.RollbackAsync();
        }
        foreach (var op in with.Keys)
            Console.WriteLine($"  {op,-8} with issue-10 indexes and triggers {with[op].P50,6:0.00} / {with[op].Mean,6:0.00}   " +
                              $"without {without[op].P50,6:0.00} / {without[op].Mean,6:0.00}   ×{with[op].Mean / without[op].Mean:0.0}");
    }

    static async Task<Dictionary<string, (double P50, double Mean)>> MeasureAsync(NpgsqlConnection conn, int rows)
    {
        var random = new Random(11);
        var ids = new List<long>();
        var times = new Dictionary<string, List<double>> { ["insert"] = [], ["move"] = [], ["delete"] = [] };
        async Task Timed(string op, Func<Task> action)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times[op].Add(sw.Elapsed.TotalMilliseconds);
        }
        for (var i = 0; i < rows; i++)
            await Timed("insert", async () => ids.Add((long)(await conn.Command(Insert,
                ("lon", 104 + random.NextDouble() * 4), ("lat", 10 + random.NextDouble() * 10)).ExecuteScalarAsync())!));
        foreach (var id in ids)
            await Timed("move", () => conn.Command("UPDATE teams SET geom = ST_SetSRID(ST_MakePoint(@lon, @lat), 4326) WHERE id = @id",
                ("lon", 104 + random.NextDouble() * 4), ("lat", 10 + random.NextDouble() * 10), ("id", id)).ExecuteNonQueryAsync());
        foreach (var id in ids)
            await Timed("delete", () => conn.Command("DELETE FROM teams WHERE id = @id", ("id", id)).ExecuteNonQueryAsync());
        return times.ToDictionary(kv => kv.Key, kv =>
        {
            var sorted = kv.Value.Order().ToArray();
            return (sorted[sorted.Length / 2], sorted.Average());
        });
    }
}
