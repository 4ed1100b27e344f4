using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Needs.NeedRequests;

namespace ResourceMap.Tests.Operations;

/// <summary>
/// `./scripts/db.sh backup FILE` and `restore FILE` (pg_dump -Fc / pg_restore --clean --if-exists, one transaction),
/// run for real against a seeded copy that also holds an account and a need with its history.
/// </summary>
public sealed class BackupRestoreTests(MapApiFactory app) : IClassFixture<MapApiFactory>, IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("rm-backup-").FullName;

    [Fact]
    public async Task A_backup_restored_into_an_empty_database_or_over_a_changed_one_gives_back_every_row()
    {
        // Something written through the API: an account, a need and its history.
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await TestUsers.AddAsync(conn, "backup-coord", "coordinator", "backup-password-1");
        var coordinator = app.CreateClient();
        var token = await (await coordinator.PostAsJsonAsync("/api/auth/token", new { username = "backup-coord", password = "backup-password-1" })).ReadJsonAsync();
        coordinator.DefaultRequestHeaders.Authorization = new("Bearer", token["access_token"]!.GetValue<string>());
        var villageId = await app.Sql.CreateCommand("SELECT min(id) FROM hardship_villages").ExecuteScalarAsync();
        var body = VillageNeed();
        body["village_id"] = (long)villageId!;
        body["required_skills"] = new System.Text.Json.Nodes.JsonArray("first-aid");
        var need = await CreateAsync(coordinator, body);
        var needId = need["id"]!.GetValue<long>();
        var next = need["properties"]!["next_statuses"]!.AsArray().Select(s => s!.GetValue<string>()).First(s => s != "proposed");
        Assert.Equal(200, (int)(await TransitionAsync(coordinator, needId, next, "trước khi sao lưu")).StatusCode);

        var original = await SnapshotAsync(app.DatabaseName);
        foreach (var table in new[] { "teams", "red_sites", "hardship_villages", "border_areas", "border_markers", "needs", "activities",
                                      "admin_units", "team_availability", "users", "need_status_history" })
            Assert.True(original[table].Rows > 0, $"{table} should hold rows before the backup");

        var file = Path.Combine(folder, "resourcemap.dump");
        await DbScriptAsync(app.DatabaseName, "backup", file);
        Assert.True(new FileInfo(file).Length > 10_000);
        Assert.Equal("PGDMP", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(file)[..5])); // pg_dump custom format

        // 1. Into an empty database (a new server after a loss).
        var empty = $"rm_restore_{Guid.NewGuid():N}"[..40];
        await AdminAsync($"CREATE DATABASE \"{empty}\" TEMPLATE template0 ENCODING 'UTF8'");
        try
        {
            await DbScriptAsync(empty, "restore", file);
            AssertSame(original, await SnapshotAsync(empty));
        }
        finally { await TestDatabase.DropAsync(empty); }

        // 2. Over the same database after rows were changed and deleted (--clean --if-exists).
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await conn.Command("""
                DELETE FROM need_status_history WHERE need_id = @id;
                UPDATE users SET display_name = 'đổi sau sao lưu' WHERE username = 'backup-coord';
                DELETE FROM activities;
                UPDATE teams SET name = name || ' (sửa)' WHERE id IN (SELECT id FROM teams ORDER BY id LIMIT 5);
                """, ("id", needId)).ExecuteNonQueryAsync();
        Assert.NotEqual(original["need_status_history"], (await SnapshotAsync(app.DatabaseName))["need_status_history"]);
        await DbScriptAsync(app.DatabaseName, "restore", file);
        AssertSame(original, await SnapshotAsync(app.DatabaseName));

        // 3. A damaged file changes nothing: the restore runs in one transaction.
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await conn.Command("UPDATE users SET display_name = 'sau khôi phục' WHERE username = 'backup-coord'").ExecuteNonQueryAsync();
        var before = await SnapshotAsync(app.DatabaseName);
        var damaged = Path.Combine(folder, "damaged.dump");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(damaged, bytes[..(bytes.Length * 2 / 3)]);
        var failed = await DbScriptAsync(app.DatabaseName, "restore", damaged, expectSuccess: false);
        Assert.Contains("unchanged", failed);
        AssertSame(before, await SnapshotAsync(app.DatabaseName));
        // The app still serves from the restored database.
        Assert.Equal(200, (int)(await app.CreateClient().GetAsync($"/api/needs/{needId}")).StatusCode);
    }

    public sealed record TableState(long Rows, string Checksum);

    static void AssertSame(Dictionary<string, TableState> expected, Dictionary<string, TableState> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, state) in expected)
            Assert.True(state == actual[table], $"{table}: expected {state}, got {actual[table]}");
    }

    /// <summary>Rows and an md5 over every row's text, per table of the schema, and each sequence's position.</summary>
    static async Task<Dictionary<string, TableState>> SnapshotAsync(string database)
    {
        await using var db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
        await using var conn = await db.OpenConnectionAsync();
        var tables = new List<string>();
        await using (var list = conn.Command("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'spatial_ref_sys' ORDER BY 1
            """))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var result = new Dictionary<string, TableState>();
        foreach (var table in tables)
        {
            // Names come from the catalogue, quoted as identifiers.
            await using var command = conn.Command(
                $"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.\"{table}\" t");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            result[table] = new TableState(reader.GetInt64(0), reader.GetString(1));
        }
        await using (var seq = conn.Command("SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'"))
        await using (var reader = await seq.ExecuteReaderAsync())
            while (await reader.ReadAsync()) result["sequence " + reader.GetString(0)] = new TableState(reader.GetInt64(1), "");
        return result;
    }

    static async Task<string> DbScriptAsync(string database, string verb, string file, bool expectSuccess = true)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestDatabase.FindRepoFolder("scripts"), "db.sh"), verb, file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["RESOURCEMAP_DB"] = TestDatabase.ConnectionString(database);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var output = await stdout + await stderr;
        Assert.True(expectSuccess == (process.ExitCode == 0), $"db.sh {verb} exited {process.ExitCode}: {output}");
        return output;
    }

    static async Task AdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.AdminConnectionString);
        await conn.OpenAsync();
        await conn.Command(sql).ExecuteNonQueryAsync();
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
