using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ResourceMap.Api.Import;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Infrastructure;

/// <summary>
/// The real PostGIS that ./scripts/test.sh starts. A migrated, seeded template database is built once
/// per run; every test class gets its own copy (CREATE DATABASE … TEMPLATE), so no test sees another's writes.
/// </summary>
public static class TestDatabase
{
    static readonly SemaphoreSlim CreateLock = new(1, 1);
    // Lazy: test classes start in parallel, and two of them must not both build the template.
    static readonly Lazy<Task<string>> Template = new(BuildTemplateAsync);

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("RESOURCEMAP_TEST_DB")
        ?? throw new InvalidOperationException("RESOURCEMAP_TEST_DB is not set: run the tests with ./scripts/test.sh, which starts a throwaway PostGIS.");

    public static string DataDirectory =>
        Environment.GetEnvironmentVariable("RESOURCEMAP_DATA_DIR") ?? FindRepoFolder("data");

    public static string FindRepoFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ResourceMap.sln")))
                return Path.Combine(dir.FullName, name);
        throw new DirectoryNotFoundException($"Could not find the repository folder '{name}'.");
    }

    public static string ConnectionString(string database) =>
        // Error details (the failing row of a CHECK, a conflicting key) belong in a failed test's message.
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true, IncludeErrorDetail = true }.ConnectionString;

    /// <summary>Creates an empty database with the extensions, migrated but not seeded.</summary>
    public static async Task<string> CreateMigratedAsync(string prefix = "rm_empty")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
        await using var db = NpgsqlDataSource.Create(ConnectionString(name));
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
        return name;
    }

    /// <summary>A fresh copy of the seeded template.</summary>
    public static async Task<string> CreateSeededCopyAsync()
    {
        var template = await Template.Value;
        var name = $"rm_test_{Guid.NewGuid():N}"[..40];
        await CreateLock.WaitAsync();
        try { await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""); }
        finally { CreateLock.Release(); }
        return name;
    }

    public static Task DropAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        return ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    static async Task<string> BuildTemplateAsync()
    {
        // test.sh's clock runs share one template (RESOURCEMAP_TEST_TEMPLATE), built by the first and marked
        // IS_TEMPLATE only once complete; otherwise each run builds its own.
        var shared = Environment.GetEnvironmentVariable("RESOURCEMAP_TEST_TEMPLATE") is { Length: > 0 } configured ? configured : null;
        var name = shared ?? $"rm_template_{Environment.ProcessId}";
        if (shared is not null)
        {
            await using var conn = new NpgsqlConnection(AdminConnectionString);
            await conn.OpenAsync();
            await using var check = new NpgsqlCommand("SELECT datistemplate FROM pg_database WHERE datname = @name", conn);
            check.Parameters.AddWithValue("name", name);
            if (await check.ExecuteScalarAsync() is true) return name;
            if (await check.ExecuteScalarAsync() is false) await ExecuteAdminAsync($"DROP DATABASE \"{name}\" WITH (FORCE)");
        }
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
        await using (var db = NpgsqlDataSource.Create(ConnectionString(name)))
        {
            await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
            await new DataLoader(db, NullLogger<DataLoader>.Instance).SeedIfEmptyAsync(DataDirectory);
            await using var conn = await db.OpenConnectionAsync();
            await conn.Command("VACUUM ANALYZE").ExecuteNonQueryAsync();
        }
        // A template must have no open connections when it is copied.
        NpgsqlConnection.ClearAllPools();
        if (shared is not null) await ExecuteAdminAsync($"ALTER DATABASE \"{name}\" IS_TEMPLATE true");
        return name;
    }

    static async Task ExecuteAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(sql, conn) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }
}
