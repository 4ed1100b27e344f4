using Npgsql;
using ResourceMap.Api.Import;

namespace ResourceMap.Api.Infrastructure;

public static class Startup
{
    /// <summary>Migrates and, for an empty database, loads the seed data before the first request is served.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, ResourceMapOptions options)
    {
        if (options.MigrateOnStartup)
            await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        if (options.SeedOnStartup && options.DataDirectory is { } data)
        {
            if (await app.Services.GetRequiredService<DataLoader>().SeedIfEmptyAsync(data))
                app.Logger.LogInformation("Seed data loaded from {DataDirectory}", data);
        }
    }
}

/// <summary>`MapApi migrate`, `MapApi seed` and `MapApi import &lt;table&gt; &lt;file&gt;` for scripts and operators.</summary>
public static class CommandLine
{
    public static async Task<int?> RunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        var options = app.Services.GetRequiredService<ResourceMapOptions>();
        try
        {
            switch (args[0])
            {
                case "migrate":
                    var applied = await app.Services.GetRequiredService<Migrator>().MigrateAsync();
                    Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied: {string.Join(", ", applied)}");
                    return 0;
                case "seed":
                    await app.Services.GetRequiredService<Migrator>().MigrateAsync();
                    var loaded = await app.Services.GetRequiredService<DataLoader>().SeedIfEmptyAsync(
                        options.DataDirectory ?? throw new DataLoadException("No data directory: set RESOURCEMAP_DATA_DIR."));
                    Console.WriteLine(loaded ? "Seed data loaded." : "Database already holds data; nothing loaded.");
                    return 0;
                case "import" when args.Length == 3:
                    await app.Services.GetRequiredService<Migrator>().MigrateAsync();
                    var db = app.Services.GetRequiredService<NpgsqlDataSource>();
                    await using (var conn = await db.OpenConnectionAsync())
                    await using (var tx = await conn.BeginTransactionAsync())
                    {
                        var rows = await app.Services.GetRequiredService<DataLoader>().LoadFileAsync(conn, args[1], Path.GetFullPath(args[2]));
                        await tx.CommitAsync();
                        Console.WriteLine($"Imported {rows} rows into {args[1]}.");
                    }
                    return 0;
                case "users":
                    await app.Services.GetRequiredService<Migrator>().MigrateAsync();
                    return await Auth.UserCommands.RunAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), args);
                default:
                    Console.Error.WriteLine("Usage: MapApi [migrate | seed | import <table> <file.geojson|file.json> | " + Auth.UserCommands.Usage + "]");
                    return 2;
            }
        }
        catch (DataLoadException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
