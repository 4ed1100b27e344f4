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
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
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
