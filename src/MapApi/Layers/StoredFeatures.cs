using System.Security.Cryptography;
using System.Text;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Layers;

/// <summary>
/// Each point layer's table keeps its rows' GeoJSON Feature text (column feature_text, migration 0098), so a page of
/// features is read, not built: at 1,000,000 teams building 1,000 features from 19 columns cost twice the index scan
/// that found them. The text comes from the layer's one definition (LayerQueries.BuiltFeatureJson over
/// LayerCatalog's PropertiesSql) through a BEFORE INSERT OR UPDATE trigger whose function is generated here.
/// <see cref="SyncAsync"/> runs with the migrations: when the generated function differs from the one installed (a
/// property added or removed), it installs it and rewrites the column of every row. Instants are written in UTC, so the
/// text does not depend on the time zone of the session that wrote the row.
/// </summary>
public static class StoredFeatures
{
    /// <summary>The tables that keep feature_text: the point layers read from a table (activities are read through a view).</summary>
    public static readonly IReadOnlySet<string> Tables = new HashSet<string> { "teams", "red_sites", "hardship_villages", "border_markers", "needs" };

    static string FunctionName(LayerDefinition layer) => $"rm_feature_text_{layer.Table}";
    static string TriggerName(LayerDefinition layer) => $"{layer.Table}_feature_text";

    /// <summary>The trigger function writing NEW.feature_text, built from the layer's definition (fixed catalog text only).</summary>
    public static string TriggerFunction(LayerDefinition layer) => $"""
        CREATE OR REPLACE FUNCTION {FunctionName(layer)}() RETURNS trigger LANGUAGE plpgsql
        SET search_path = public, pg_catalog SET timezone = 'UTC' AS $fn$
        BEGIN
            NEW.feature_text := (SELECT {LayerQueries.BuiltFeatureJson(layer, $"'{layer.Id}'::text")} FROM (SELECT NEW.*) t);
            RETURN NEW;
        END $fn$
        """;

    static string Fingerprint(string sql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));

    /// <summary>Installs each layer's trigger function where it differs from the definition, and then rewrites that table's texts.</summary>
    public static async Task<IReadOnlyList<string>> SyncAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        var rewritten = new List<string>();
        foreach (var layer in LayerCatalog.All.Where(l => l.StoresFeature))
        {
            var function = TriggerFunction(layer);
            var fingerprint = Fingerprint(function);
            await using (var installed = conn.Command("SELECT obj_description(to_regprocedure(@f), 'pg_proc')", ("f", FunctionName(layer) + "()")))
                if (await installed.ExecuteScalarAsync(ct) is string current && current == fingerprint) continue;

            await using var tx = await conn.BeginTransactionAsync(ct);
            async Task Run(string sql)
            {
                await using var command = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(ct);
            }
            await Run(function);
            await Run($"COMMENT ON FUNCTION {FunctionName(layer)}() IS '{fingerprint}'");
            await Run($"""
                DROP TRIGGER IF EXISTS {TriggerName(layer)} ON {layer.Table};
                CREATE TRIGGER {TriggerName(layer)} BEFORE INSERT OR UPDATE ON {layer.Table}
                    FOR EACH ROW EXECUTE FUNCTION {FunctionName(layer)}()
                """);
            // Every row again, with the table's other triggers held back: nothing else changes (no geometry, no
            // updated_at, no tile or cluster to invalidate), and a trigger a deployer had switched off stays off.
            var others = new List<string>();
            await using (var list = new NpgsqlCommand("""
                SELECT tgname FROM pg_trigger WHERE tgrelid = @table::regclass AND NOT tgisinternal AND tgenabled <> 'D' AND tgname <> @mine
                """, conn, tx) { Parameters = { new("table", layer.Table), new("mine", TriggerName(layer)) } })
            await using (var reader = await list.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) others.Add(reader.GetString(0));
            foreach (var name in others) await Run($"ALTER TABLE {layer.Table} DISABLE TRIGGER \"{name}\"");
            await Run($"UPDATE {layer.Table} SET feature_text = NULL");
            foreach (var name in others) await Run($"ALTER TABLE {layer.Table} ENABLE TRIGGER \"{name}\"");
            await tx.CommitAsync(ct);
            // Every row was rewritten, so the visibility map is clear: until a vacuum, the bbox's index-only scan visits
            // the heap for every point in the box (measured at 1M teams: a page of features 2× slower).
            await using (var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) {layer.Table}", conn) { CommandTimeout = 0 })
                await vacuum.ExecuteNonQueryAsync(ct);
            rewritten.Add(layer.Table);
        }
        return rewritten;
    }
}
