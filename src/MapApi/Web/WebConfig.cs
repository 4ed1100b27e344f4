using System.Text.RegularExpressions;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Web;

/// <summary>A basemap the page may show: an XYZ tile template or a PMTiles archive served by this API.</summary>
public sealed record BasemapSource(string Id, string Kind, string Url, string Attribution, int MaxZoom);

/// <summary>What the web map needs to know about this deployment (GET /api/config).</summary>
public sealed record WebMapConfig(IReadOnlyList<BasemapSource> Basemaps, bool SampleData);

/// <summary>
/// The deployer's basemap settings (RESOURCEMAP_BASEMAP_*), validated at start-up, and the endpoints that hand
/// them to the page: /api/config, and /basemap/detail.pmtiles with HTTP range requests (206 + Content-Range).
/// </summary>
public static partial class WebConfig
{
    public const string OpenStreetMapTiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    public const string OpenStreetMapAttribution = "© OpenStreetMap contributors";
    public const string PmtilesPath = "/basemap/detail.pmtiles";

    [GeneratedRegex(@"^https?://[^\s""'<>]+$", RegexOptions.IgnoreCase)]
    private static partial Regex HttpUrl();

    /// <summary>Reads and checks RESOURCEMAP_BASEMAP_*; a bad value stops the start with a sentence saying why.</summary>
    public static void ReadBasemap(IConfiguration config, ResourceMapOptions options)
    {
        if (config["RESOURCEMAP_BASEMAP_URL"] is { } url)
        {
            url = url.Trim();
            if (url.Length == 0 || url.Equals("none", StringComparison.OrdinalIgnoreCase) || url.Equals("off", StringComparison.OrdinalIgnoreCase))
                options.BasemapUrl = null;
            else if (!HttpUrl().IsMatch(url) || !url.Contains("{z}") || !url.Contains("{x}") || !url.Contains("{y}") || url.Length > 500)
                throw new InvalidOperationException(
                    "RESOURCEMAP_BASEMAP_URL must be an http(s) tile address with {z}, {x} and {y} (or 'none').");
            else
            {
                options.BasemapUrl = url;
                // Another server's tiles are not OpenStreetMap's unless the deployer says so.
                options.BasemapAttribution = url == OpenStreetMapTiles ? OpenStreetMapAttribution : "";
            }
        }
        if (config["RESOURCEMAP_BASEMAP_ATTRIBUTION"] is { } attribution)
            options.BasemapAttribution = CheckAttribution(attribution, "RESOURCEMAP_BASEMAP_ATTRIBUTION");
        if (config["RESOURCEMAP_BASEMAP_MAX_ZOOM"] is { } maxZoom)
        {
            if (!int.TryParse(maxZoom, out var zoom) || zoom is < 1 or > 22)
                throw new InvalidOperationException("RESOURCEMAP_BASEMAP_MAX_ZOOM must be a whole number from 1 to 22.");
            options.BasemapMaxZoom = zoom;
        }
        if (config["RESOURCEMAP_BASEMAP_PMTILES_ATTRIBUTION"] is { } pmAttribution)
            options.BasemapPmtilesAttribution = CheckAttribution(pmAttribution, "RESOURCEMAP_BASEMAP_PMTILES_ATTRIBUTION");

        var pmtiles = config["RESOURCEMAP_BASEMAP_PMTILES"];
        if (string.IsNullOrWhiteSpace(pmtiles))
        {
            var fallback = options.DataDirectory is { } data ? Path.Combine(data, "basemap", "basemap.pmtiles") : null;
            options.BasemapPmtiles = fallback is not null && File.Exists(fallback) ? fallback : null;
        }
        else
        {
            var path = Path.IsPathRooted(pmtiles) || options.DataDirectory is null
                ? pmtiles : Path.Combine(options.DataDirectory, "basemap", pmtiles);
            if (!File.Exists(path))
                throw new InvalidOperationException($"RESOURCEMAP_BASEMAP_PMTILES names a file that does not exist: {path}");
            options.BasemapPmtiles = Path.GetFullPath(path);
        }
    }

    static string CheckAttribution(string value, string name)
    {
        value = value.Trim();
        if (value.Length > 300 || value.Any(char.IsControl))
            throw new InvalidOperationException($"{name} must be one line of at most 300 characters.");
        return value;
    }

    public static IReadOnlyList<BasemapSource> Basemaps(ResourceMapOptions options)
    {
        var list = new List<BasemapSource>();
        // A PMTiles file on this server comes first: it works without the internet.
        if (options.BasemapPmtiles is not null)
            list.Add(new("pmtiles", "pmtiles", PmtilesPath, options.BasemapPmtilesAttribution, 15));
        if (options.BasemapUrl is not null)
            list.Add(new("street", "xyz", options.BasemapUrl, options.BasemapAttribution, options.BasemapMaxZoom));
        return list;
    }

    public static WebApplication MapWebConfigApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<ResourceMapOptions>();
        app.MapGet("/api/config", async (NpgsqlDataSource db, CancellationToken ct) =>
            TypedResults.Ok(new WebMapConfig(Basemaps(options), await SampleDataLoadedAsync(db, ct))))
            .WithName("GetWebMapConfig").WithTags("Web map")
            .WithSummary("What the web map needs to know about this deployment: its basemap sources and whether sample records are loaded.");

        if (options.BasemapPmtiles is { } file)
        {
            app.MapMethods(PmtilesPath, ["GET", "HEAD"], () =>
                TypedResults.PhysicalFile(file, "application/vnd.pmtiles", enableRangeProcessing: true))
                .WithName("GetBasemapPmtiles").WithTags("Web map")
                .WithSummary("The PMTiles basemap archive; supports HTTP range requests (206 Partial Content).");
        }
        return app;
    }

    /// <summary>Whether any public layer holds records marked as samples (the page then shows a badge).</summary>
    static async Task<bool> SampleDataLoadedAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        // Table names come from the layer catalogue (constants), never from input.
        var sql = "SELECT " + string.Join(" OR ", Layers.LayerCatalog.All.Select(l => $"EXISTS (SELECT 1 FROM {l.Table} WHERE is_sample)"));
        await using var command = db.CreateCommand(sql);
        return await command.ExecuteScalarAsync(ct) is true;
    }
}
