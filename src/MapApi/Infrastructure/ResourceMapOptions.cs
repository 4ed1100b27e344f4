using ResourceMap.Api.Web;

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

    /// <summary>The detailed (street-level) basemap's XYZ tile template (env RESOURCEMAP_BASEMAP_URL, http(s) with
    /// {z}, {x} and {y}); OpenStreetMap's standard tiles by default, "none" for no online source. The page falls back
    /// to the shipped offline basemap, with a notice, when the source does not answer.</summary>
    public string? BasemapUrl { get; set; } = WebConfig.OpenStreetMapTiles;

    /// <summary>Attribution shown for BasemapUrl (env RESOURCEMAP_BASEMAP_ATTRIBUTION); OpenStreetMap's by default.</summary>
    public string BasemapAttribution { get; set; } = WebConfig.OpenStreetMapAttribution;

    /// <summary>Highest zoom BasemapUrl serves (env RESOURCEMAP_BASEMAP_MAX_ZOOM, 1–22, default 19).</summary>
    public int BasemapMaxZoom { get; set; } = 19;

    /// <summary>A PMTiles basemap (env RESOURCEMAP_BASEMAP_PMTILES: a path, or a file name in data/basemap; by
    /// default data/basemap/basemap.pmtiles when present), served at /basemap/detail.pmtiles with range requests.</summary>
    public string? BasemapPmtiles { get; set; }

    /// <summary>Attribution shown for the PMTiles basemap (env RESOURCEMAP_BASEMAP_PMTILES_ATTRIBUTION).</summary>
    public string BasemapPmtilesAttribution { get; set; } = WebConfig.OpenStreetMapAttribution;

    public static ResourceMapOptions FromConfiguration(IConfiguration config, string contentRoot)
    {
        var options = new ResourceMapOptions();
        options.ConnectionString = config["RESOURCEMAP_DB"] is { Length: > 0 } db ? db : options.ConnectionString;
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
        WebConfig.ReadBasemap(config, options);
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
