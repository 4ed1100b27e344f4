using System.Globalization;
using System.Reflection;
using ResourceMap.Api.Web;

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

    /// <summary>
    /// HS256 key (≥ 32 bytes) signing bearer tokens (env RESOURCEMAP_JWT_KEY). Unset: a key generated once and kept
    /// in the database (table signing_keys), shared by every instance and restart.
    /// </summary>
    public string? JwtKey { get; set; }

    /// <summary>
    /// Connection string of a read replica (env RESOURCEMAP_DB_READ), e.g. a PostgreSQL streaming standby; anonymous
    /// feature and skill reads go there (<see cref="ReadDb"/>). Unset: the primary serves them.
    /// </summary>
    public string? ReadConnectionString { get; set; }

    /// <summary>Limits on every list, body, tile and search; each bound from its own RESOURCEMAP_* variable.</summary>
    public ApiLimits Limits { get; set; } = new();

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

    // ---- coordination portal (issue 8) ----

    /// <summary>Folder of activity photos (env RESOURCEMAP_PHOTO_DIR); default .local/photos of the checkout, outside git.</summary>
    public string PhotoDirectory { get; set; } = "";

    /// <summary>Largest photo upload in bytes (env RESOURCEMAP_PHOTO_MAX_BYTES, default 15 MB, 100 KB–50 MB).</summary>
    public long PhotoMaxBytes { get; set; } = 15 * 1024 * 1024;

    /// <summary>Largest photo in pixels, width × height (env RESOURCEMAP_PHOTO_MAX_PIXELS, default 50 megapixels).</summary>
    public long PhotoMaxPixels { get; set; } = 50_000_000;

    /// <summary>Photos per activity (env RESOURCEMAP_PHOTOS_PER_ACTIVITY, default 20).</summary>
    public int PhotosPerActivity { get; set; } = 20;

    /// <summary>Longest side of the served full-size copy and of the thumbnail, in pixels.</summary>
    public int PhotoFullSide { get; set; } = 1600;
    public int PhotoThumbSide { get; set; } = 320;

    /// <summary>Weekly report deadline, Vietnam time (env RESOURCEMAP_WEEKLY_DEADLINE, "Friday 16:00").</summary>
    public DayOfWeek WeeklyDeadlineDay { get; set; } = DayOfWeek.Friday;
    public TimeOnly WeeklyDeadlineTime { get; set; } = new(16, 0);

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
        options.JwtKey = config["RESOURCEMAP_JWT_KEY"] is { Length: > 0 } key ? key : null;
        if (options.JwtKey is not null && System.Text.Encoding.UTF8.GetByteCount(options.JwtKey) < 32)
            throw new InvalidOperationException("RESOURCEMAP_JWT_KEY must be at least 32 bytes (HS256); leave it unset to use a key kept in the database.");
        options.ReadConnectionString = config["RESOURCEMAP_DB_READ"] is { Length: > 0 } read ? read : null;
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
        WebConfig.ReadBasemap(config, options);


        options.PhotoDirectory = config["RESOURCEMAP_PHOTO_DIR"] is { Length: > 0 } photos ? photos
            : Path.Combine(FindUpwards(contentRoot, "ResourceMap.sln", ".local") ?? Path.Combine(contentRoot, ".local"), "photos");
        options.PhotoMaxBytes = ReadLong(config["RESOURCEMAP_PHOTO_MAX_BYTES"], options.PhotoMaxBytes, 100 * 1024, 50L * 1024 * 1024, "RESOURCEMAP_PHOTO_MAX_BYTES");
        options.PhotoMaxPixels = ReadLong(config["RESOURCEMAP_PHOTO_MAX_PIXELS"], options.PhotoMaxPixels, 1_000_000, 200_000_000, "RESOURCEMAP_PHOTO_MAX_PIXELS");
        options.PhotosPerActivity = (int)ReadLong(config["RESOURCEMAP_PHOTOS_PER_ACTIVITY"], options.PhotosPerActivity, 1, 200, "RESOURCEMAP_PHOTOS_PER_ACTIVITY");
        if (config["RESOURCEMAP_WEEKLY_DEADLINE"] is { Length: > 0 } deadline)
        {
            var parts = deadline.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !Enum.TryParse<DayOfWeek>(parts[0], true, out var day) || !Enum.IsDefined(day)
                || !TimeOnly.TryParseExact(parts[1], "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
                throw new InvalidOperationException("RESOURCEMAP_WEEKLY_DEADLINE must look like 'Friday 16:00' (English day name, 24-hour Vietnam time).");
            (options.WeeklyDeadlineDay, options.WeeklyDeadlineTime) = (day, time);
        }
        return options;
    }

    static long ReadLong(string? value, long fallback, long min, long max, string name)
    {
        if (value is null) return fallback;
        if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}.");
        return n;
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
    /// <summary>Lifetime of an access token, in minutes; clients renew it with their refresh token.</summary>
    public int AccessTokenMinutes { get; init; } = 15;
    /// <summary>Lifetime of a refresh token, in hours; each refresh issues a new one.</summary>
    public int RefreshTokenHours { get; init; } = 12;
    /// <summary>Sign-in attempts allowed per client address per minute.</summary>
    public int LoginPerMinute { get; init; } = 10;
    /// <summary>Failed sign-ins allowed per username (existing or not) per window, then 429.</summary>
    public int LoginAccountFailures { get; init; } = 5;
    /// <summary>The window of LoginAccountFailures, in minutes.</summary>
    public int LoginAccountWindowMinutes { get; init; } = 15;
    /// <summary>How long one instance trusts what it read of an account (version, disabled, session), in milliseconds (at most 10,000).</summary>
    public int AccountCacheMilliseconds { get; init; } = 2000;
    /// <summary>Longest URL (path and query) the web server accepts, in bytes.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;
    /// <summary>Largest total of request headers, in bytes.</summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;
    /// <summary>OGC API – Features items per page when the client names no limit.</summary>
    public int OgcDefaultLimit { get; init; } = 100;
    /// <summary>Most OGC API – Features items per page; a larger limit is clamped to it, as the standard asks.</summary>
    public int OgcMaxLimit { get; init; } = 1000;
    /// <summary>Most rows one layer export may hold; a larger selection is refused with 400.</summary>
    public int ExportMaxRows { get; init; } = 100_000;
    /// <summary>Largest file POST /api/imports accepts (this upload only may exceed MaxRequestBodyBytes).</summary>
    public long MaxImportUploadBytes { get; init; } = 20 * 1024 * 1024;
    /// <summary>Most rows one import (API, page or command line) may hold.</summary>
    public int MaxImportRows { get; init; } = 20_000;
    /// <summary>Seconds an anonymous request's SQL statement may run before it is cancelled (503).</summary>
    public int AnonymousStatementSeconds { get; init; } = 5;
    /// <summary>Heavy anonymous reads (clusters, planning, exports, OGC items, tiles, indicators, reports) running at once per instance.</summary>
    public int AnonymousHeavyConcurrency { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);
    /// <summary>Heavy anonymous reads waiting for a slot; beyond this, 503 with Retry-After.</summary>
    public int AnonymousHeavyQueue { get; init; } = 64;
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
        if (result.OgcDefaultLimit > result.OgcMaxLimit)
            throw new InvalidOperationException("RESOURCEMAP_OGC_DEFAULT_LIMIT may not exceed RESOURCEMAP_OGC_MAX_LIMIT.");
        if (result.AccountCacheMilliseconds > 10_000)
            throw new InvalidOperationException("RESOURCEMAP_ACCOUNT_CACHE_MILLISECONDS may be at most 10000: a changed account must lose its rights within seconds.");
        if (result.AccessTokenMinutes > 24 * 60 || result.RefreshTokenHours > 30 * 24)
            throw new InvalidOperationException("RESOURCEMAP_ACCESS_TOKEN_MINUTES may be at most 1440 and RESOURCEMAP_REFRESH_TOKEN_HOURS at most 720.");
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
