using Npgsql;

namespace ResourceMap.Api.Infrastructure;

/// <summary>Applies the versioned SQL migrations in Database/Migrations, each once, in name order.</summary>
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    const long AdvisoryLockKey = 0x5265_736F_7572_6365; // "Resource": one migrator at a time across processes

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Database.Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Resource: n, Version: n.Split(".Database.Migrations.")[1][..^4]))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .ToList();

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.Command("SELECT pg_advisory_lock(@k)", ("k", AdvisoryLockKey)).ExecuteNonQueryAsync(ct);
        try
        {
            await conn.Command("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """).ExecuteNonQueryAsync(ct);

            var applied = new HashSet<string>();
            await using (var reader = await conn.Command("SELECT version FROM schema_migrations").ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));

            var done = new List<string>();
            foreach (var (resource, version) in migrations.Where(m => !applied.Contains(m.Version)))
            {
                using var stream = new StreamReader(assembly.GetManifestResourceStream(resource)!);
                var sql = await stream.ReadToEndAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                // No statement timeout: a migration that rewrites a table takes minutes at national scale.
                await new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 }.ExecuteNonQueryAsync(ct);
                await new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES (@v)", conn, tx) { Parameters = { new("v", version) } }
                    .ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied migration {Version}", version);
                done.Add(version);
            }
            // Types such as geometry created by a migration must be known to this pooled connection's successors.
            if (done.Count > 0) await conn.ReloadTypesAsync(ct);
            // Derived from the layer catalog rather than written in a migration: the stored Feature texts (issue 10).
            foreach (var table in await Layers.StoredFeatures.SyncAsync(conn, ct))
                logger.LogInformation("Wrote the stored feature text of every row of {Table}", table);
            return done;
        }
        finally
        {
            await conn.Command("SELECT pg_advisory_unlock(@k)", ("k", AdvisoryLockKey)).ExecuteNonQueryAsync(ct);
        }
    }
}
