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

    /// <summary>Largest file POST /api/imports accepts, in bytes (env RESOURCEMAP_IMPORT_MAX_BYTES, default 20 MB).</summary>
    public long ImportMaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Most rows one import may hold (env RESOURCEMAP_IMPORT_MAX_ROWS, default 20000).</summary>
    public int ImportMaxRows { get; set; } = 20_000;

    /// <summary>A new team within this distance of an existing one with a similar name gets a warning (env RESOURCEMAP_SIMILAR_TEAM_RADIUS_M, default 5000).</summary>
    public int SimilarTeamRadiusM { get; set; } = 5_000;

    /// <summary>Trigram similarity (0–1) of folded names above which two teams look alike (env RESOURCEMAP_SIMILAR_TEAM_THRESHOLD, default 0.6).</summary>
    public double SimilarTeamThreshold { get; set; } = 0.6;

    public static ResourceMapOptions FromConfiguration(IConfiguration config, string contentRoot)
    {
        var options = new ResourceMapOptions();
        options.ConnectionString = config["RESOURCEMAP_DB"] is { Length: > 0 } db ? db : options.ConnectionString;
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
        options.ImportMaxBytes = ReadNumber(config, "RESOURCEMAP_IMPORT_MAX_BYTES", options.ImportMaxBytes, 1024, 512L * 1024 * 1024);
        options.ImportMaxRows = (int)ReadNumber(config, "RESOURCEMAP_IMPORT_MAX_ROWS", options.ImportMaxRows, 1, 1_000_000);
        options.SimilarTeamRadiusM = (int)ReadNumber(config, "RESOURCEMAP_SIMILAR_TEAM_RADIUS_M", options.SimilarTeamRadiusM, 0, 100_000);
        options.SimilarTeamThreshold = ReadNumber(config, "RESOURCEMAP_SIMILAR_TEAM_THRESHOLD", options.SimilarTeamThreshold, 0.05, 1.0);
        return options;
    }

    static long ReadNumber(IConfiguration config, string name, long fallback, long min, long max) =>
        config[name] is not { Length: > 0 } text ? fallback
        : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
        : throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}.");

    static double ReadNumber(IConfiguration config, string name, double fallback, double min, double max) =>
        config[name] is not { Length: > 0 } text ? fallback
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
        : throw new InvalidOperationException($"{name} must be a number from {min} to {max}.");

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
