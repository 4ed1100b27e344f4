namespace ResourceMap.Api.Infrastructure;

/// <summary>Settings read from environment variables (or any configuration source) at start-up.</summary>
public sealed class ResourceMapOptions
{
    /// <summary>PostgreSQL connection string (env RESOURCEMAP_DB). The local default matches scripts/run.sh.</summary>
    public string ConnectionString { get; set; } = "Host=127.0.0.1;Port=55432;Database=resourcemap;Username=postgres";

    /// <summary>Apply pending migrations at start-up (env RESOURCEMAP_MIGRATE, default true).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Load data/ into an empty database at start-up (env RESOURCEMAP_SEED, default true).</summary>
    public bool SeedOnStartup { get; set; } = true;

    /// <summary>Folder holding manifest.json and the seed files (env RESOURCEMAP_DATA_DIR).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Folder of the web map (env RESOURCEMAP_WEB_ROOT); holds wwwroot/ and node_modules/.</summary>
    public string? WebRoot { get; set; }

    /// <summary>
    /// Session settings for every app connection (env RESOURCEMAP_DB_SESSION_OPTIONS, libpq "options" syntax). PostGIS
    /// functions declare high costs that tip small map queries into JIT compilation and parallel plans; off, they ran
    /// ×2–5.6 faster at 4 clients (issue 10).
    /// </summary>
    public string DatabaseSessionOptions { get; set; } = "-c jit=off -c max_parallel_workers_per_gather=0";

    /// <summary>
    /// How long GET /api/layers may serve feature counts and extents computed earlier, in seconds
    /// (env RESOURCEMAP_LAYER_SUMMARY_SECONDS, default 30; 0 computes them on every request).
    /// </summary>
    public int LayerSummarySeconds { get; set; } = 30;

    public static ResourceMapOptions FromConfiguration(IConfiguration config, string contentRoot)
    {
        var options = new ResourceMapOptions();
        options.ConnectionString = config["RESOURCEMAP_DB"] is { Length: > 0 } db ? db : options.ConnectionString;
        options.DatabaseSessionOptions = config["RESOURCEMAP_DB_SESSION_OPTIONS"] ?? options.DatabaseSessionOptions;
        options.LayerSummarySeconds = int.TryParse(config["RESOURCEMAP_LAYER_SUMMARY_SECONDS"], out var summarySeconds) && summarySeconds is >= 0 and <= 3600
            ? summarySeconds : options.LayerSummarySeconds;
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
        return options;
    }

    static bool ReadBool(string? value, bool fallback) =>
        value is null ? fallback : value.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    // Lets `dotnet run`, the tests and a published build find the repository's data/ and web folders
    // without configuration, however deep the content root is.
    static string? FindUpwards(string start, string marker, string result)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (Path.Exists(Path.Combine(dir.FullName, marker)))
                return Path.Combine(dir.FullName, result);
        }
        return null;
    }
}
