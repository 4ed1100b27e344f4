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
                // The layer importer (issue 9): spreadsheets, CSV, KML/KMZ, Shapefiles and GeoJSON with template headers,
                // checked row by row. `import <table> <file.geojson|json>` without a flag stays the seed loader.
                case "import" when args.Length >= 3 && Import.ImportLayers.Find(args[1]) is not null
                                   && (args.Contains("--dry-run") || args.Contains("--commit")
                                       || !(DataLoader.LoadableTables.Contains(args[1]) && Path.GetExtension(args[2]).ToLowerInvariant() is ".geojson" or ".json")):
                    await app.Services.GetRequiredService<Migrator>().MigrateAsync();
                    return await ImportCommandAsync(app, args[1], args[2], !args.Contains("--commit"));
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
                    Console.Error.WriteLine("Usage: MapApi [migrate | seed | import <table> <file.geojson|file.json> | " +
                        "import <layer> <file.xlsx|csv|geojson|kml|kmz|zip> [--dry-run|--commit] | " + Auth.UserCommands.Usage + "]");
                    return 2;
            }
        }
        catch (DataLoadException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>Dry run by default; --commit writes. Prints the report (every bad row) and exits 1 when rows are bad.</summary>
    static async Task<int> ImportCommandAsync(WebApplication app, string layer, string path, bool dryRun)
    {
        if (!File.Exists(path)) { Console.Error.WriteLine($"File not found: {path}"); return 1; }
        using var scope = app.Services.CreateScope();
        var importer = scope.ServiceProvider.GetRequiredService<Import.Importer>();
        var who = new Import.Importing("cli:" + Environment.UserName, null);
        var report = await importer.RunAsync(layer, Path.GetFileName(path), await File.ReadAllBytesAsync(path), dryRun, who, CancellationToken.None);
        foreach (var e in report.Errors)
            Console.Error.WriteLine($"row {e.Row}{(e.Column.Length > 0 ? $", {e.Column}" : "")}: {e.Reason} / {e.ReasonVi}");
        Console.WriteLine($"Import {report.ImportId} ({report.Status}): {report.Message}");
        return report.Status == "invalid" ? 1 : 0;
    }
}
