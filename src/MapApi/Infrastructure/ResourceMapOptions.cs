using System.Globalization;
using System.Reflection;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Every setting and limit of the API, in one place: read from environment variables (or any configuration
/// source) at start-up and validated there, so a wrong value stops the start with a sentence instead of
/// surfacing on some later request.
/// </summary>
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
    /// The address clients reach the API at, e.g. https://bando.doanthanhnien.vn (env RESOURCEMAP_PUBLIC_URL).
    /// Links in responses are built from it; without it, from the request of a trusted host only.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Host names the API answers to, separated by ';' (env RESOURCEMAP_ALLOWED_HOSTS; default any loopback name).</summary>
    public string[] AllowedHosts { get; set; } = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Addresses of reverse proxies whose X-Forwarded-* headers are believed (env RESOURCEMAP_TRUSTED_PROXIES, ';'-separated).</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>HS256 key (≥ 32 bytes) signing bearer tokens (env RESOURCEMAP_JWT_KEY).</summary>
    public string? JwtKey { get; set; }

    /// <summary>Limits on every list, body, tile and search; each bound from its own RESOURCEMAP_* variable.</summary>
    public ApiLimits Limits { get; set; } = new();

    public static ResourceMapOptions FromConfiguration(IConfiguration config, string contentRoot)
    {
        var options = new ResourceMapOptions();
        options.ConnectionString = config["RESOURCEMAP_DB"] is { Length: > 0 } db ? db : options.ConnectionString;
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
        options.JwtKey = config["RESOURCEMAP_JWT_KEY"] is { Length: > 0 } key ? key : null;
        if (config["RESOURCEMAP_PUBLIC_URL"] is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
                throw new InvalidOperationException($"RESOURCEMAP_PUBLIC_URL must be an absolute http(s) address without a query, e.g. https://map.example.vn; got '{url}'.");
            options.PublicBaseUrl = uri;
        }
        if (ReadList(config["RESOURCEMAP_ALLOWED_HOSTS"]) is { } hosts) options.AllowedHosts = hosts;
        if (ReadList(config["RESOURCEMAP_TRUSTED_PROXIES"]) is { } proxies)
        {
            if (proxies.FirstOrDefault(p => !System.Net.IPAddress.TryParse(p, out _)) is { } bad)
                throw new InvalidOperationException($"RESOURCEMAP_TRUSTED_PROXIES holds '{bad}', which is not an IP address.");
            options.TrustedProxies = proxies;
        }
        options.Limits = ApiLimits.FromConfiguration(config);
        return options;
    }

    static bool ReadBool(string? value, bool fallback) =>
        value is null ? fallback : value.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    static string[]? ReadList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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

/// <summary>
/// The limits the API enforces. Each property is bound from RESOURCEMAP_ + its name in upper snake case
/// (MaxPageSize ← RESOURCEMAP_MAX_PAGE_SIZE) and must be positive.
/// </summary>
public sealed record ApiLimits
{
    /// <summary>Features per page when no limit is given.</summary>
    public int DefaultPageSize { get; init; } = 100;
    /// <summary>Most features (or rows) per page of any list.</summary>
    public int MaxPageSize { get; init; } = 1000;
    /// <summary>Widest bbox side in degrees; wider views page through the whole layer instead.</summary>
    public double MaxBboxSpanDegrees { get; init; } = 60;
    /// <summary>Longest search text.</summary>
    public int MaxSearchLength { get; init; } = 100;
    /// <summary>Largest radius of near= filters.</summary>
    public double MaxNearRadiusMetres { get; init; } = 500_000;
    /// <summary>Most features in one vector tile.</summary>
    public int MaxFeaturesPerTile { get; init; } = 5000;
    /// <summary>Most cells in one clusters response (a 4K screen at 64-px cells needs about 2,000).</summary>
    public int MaxClusterCells { get; init; } = 2000;
    /// <summary>A view holding at most this many features gets them individually instead of clusters.</summary>
    public int MaxClusterFeatures { get; init; } = 500;
    /// <summary>Ranked teams (or needs) returned by matching when no limit is given.</summary>
    public int DefaultMatches { get; init; } = 10;
    /// <summary>Most ranked teams (or needs) matching returns.</summary>
    public int MaxMatches { get; init; } = 100;
    /// <summary>Largest JSON body of a write.</summary>
    public int MaxJsonBodyBytes { get; init; } = 64 * 1024;
    /// <summary>Largest request body of any kind (uploads included), enforced by the web server.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;
    /// <summary>Largest data file the command-line loader reads.</summary>
    public long MaxImportFileBytes { get; init; } = 64 * 1024 * 1024;
    /// <summary>Most availability periods a team may declare.</summary>
    public int MaxAvailabilityPeriods { get; init; } = 50;
    /// <summary>Longest window of a need, in days.</summary>
    public int MaxNeedWindowDays { get; init; } = 366;
    /// <summary>Largest restricted_details object of a need.</summary>
    public int MaxRestrictedDetailsBytes { get; init; } = 8 * 1024;
    /// <summary>Lifetime of an access token, in minutes.</summary>
    public int AccessTokenMinutes { get; init; } = 480;
    /// <summary>Sign-in attempts allowed per client address per minute.</summary>
    public int LoginPerMinute { get; init; } = 10;
    /// <summary>Longest URL (path and query) the web server accepts, in bytes.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;
    /// <summary>Largest total of request headers, in bytes.</summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;
    /// <summary>Largest file POST /api/imports accepts (this upload only may exceed MaxRequestBodyBytes).</summary>
    public long MaxImportUploadBytes { get; init; } = 20 * 1024 * 1024;
    /// <summary>Most rows one import (API, page or command line) may hold.</summary>
    public int MaxImportRows { get; init; } = 20_000;
    /// <summary>A new team within this distance of an existing team with a similar name gets a warning.</summary>
    public int SimilarTeamRadiusMetres { get; init; } = 5_000;
    /// <summary>Trigram similarity (0–1] of folded names from which two teams look alike.</summary>
    public double SimilarTeamThreshold { get; init; } = 0.6;

    /// <summary>
    /// The limits in force. The query parsers are static and run on every request, so they read this
    /// snapshot, set once at start-up from the validated configuration and never changed afterwards.
    /// </summary>
    public static ApiLimits Current { get; private set; } = new();

    internal static void Activate(ApiLimits limits) => Current = limits;

    public static ApiLimits FromConfiguration(IConfiguration config)
    {
        object limits = new ApiLimits();
        foreach (var property in typeof(ApiLimits).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var variable = EnvironmentName(property.Name);
            if (config[variable] is not { Length: > 0 } text) continue;
            object? value = property.PropertyType == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i > 0 ? i
                : property.PropertyType == typeof(long) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l > 0 ? l
                : property.PropertyType == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && d > 0 ? d
                : null;
            if (value is null) throw new InvalidOperationException($"{variable} must be a positive number; got '{text}'.");
            property.SetValue(limits, value);
        }
        var result = (ApiLimits)limits;
        if (result.DefaultPageSize > result.MaxPageSize)
            throw new InvalidOperationException("RESOURCEMAP_DEFAULT_PAGE_SIZE may not exceed RESOURCEMAP_MAX_PAGE_SIZE.");
        if (result.DefaultMatches > result.MaxMatches)
            throw new InvalidOperationException("RESOURCEMAP_DEFAULT_MATCHES may not exceed RESOURCEMAP_MAX_MATCHES.");
        if (result.SimilarTeamThreshold > 1)
            throw new InvalidOperationException("RESOURCEMAP_SIMILAR_TEAM_THRESHOLD must be a similarity from 0 to 1.");
        if (result.MaxBboxSpanDegrees > 360)
            throw new InvalidOperationException("RESOURCEMAP_MAX_BBOX_SPAN_DEGREES may be at most 360.");
        return result;
    }

    /// <summary>MaxPageSize → RESOURCEMAP_MAX_PAGE_SIZE.</summary>
    public static string EnvironmentName(string property) =>
        "RESOURCEMAP_" + System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(property);
}
