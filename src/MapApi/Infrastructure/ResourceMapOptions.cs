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

    /// <summary>OGC API – Features: items per page when the client names no limit (env RESOURCEMAP_OGC_DEFAULT_LIMIT, default 100).</summary>
    public int OgcDefaultLimit { get; set; } = 100;

    /// <summary>OGC API – Features: most items per page; a larger limit is clamped to it, as the standard asks (env RESOURCEMAP_OGC_MAX_LIMIT, default 1000).</summary>
    public int OgcMaxLimit { get; set; } = 1000;

    /// <summary>Most rows one layer export may hold (env RESOURCEMAP_EXPORT_MAX_ROWS, default 100000); a larger selection is refused with 400.</summary>
    public int ExportMaxRows { get; set; } = 100_000;

    public static ResourceMapOptions FromConfiguration(IConfiguration config, string contentRoot)
    {
        var options = new ResourceMapOptions();
        options.ConnectionString = config["RESOURCEMAP_DB"] is { Length: > 0 } db ? db : options.ConnectionString;
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
        options.OgcDefaultLimit = ReadInt(config["RESOURCEMAP_OGC_DEFAULT_LIMIT"], options.OgcDefaultLimit, 1, 10_000, "RESOURCEMAP_OGC_DEFAULT_LIMIT");
        options.OgcMaxLimit = ReadInt(config["RESOURCEMAP_OGC_MAX_LIMIT"], options.OgcMaxLimit, 1, 10_000, "RESOURCEMAP_OGC_MAX_LIMIT");
        if (options.OgcDefaultLimit > options.OgcMaxLimit)
            throw new InvalidOperationException("RESOURCEMAP_OGC_DEFAULT_LIMIT may not exceed RESOURCEMAP_OGC_MAX_LIMIT.");
        options.ExportMaxRows = ReadInt(config["RESOURCEMAP_EXPORT_MAX_ROWS"], options.ExportMaxRows, 1, 1_000_000, "RESOURCEMAP_EXPORT_MAX_ROWS");
        return options;
    }

    static int ReadInt(string? value, int fallback, int min, int max, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (!int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}.");
        return n;
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
