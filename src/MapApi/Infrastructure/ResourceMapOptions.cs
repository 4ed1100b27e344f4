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

    /// <summary>Optional connection string of a read replica for anonymous reads (env RESOURCEMAP_DB_READ); unset = the primary.</summary>
    public string? ReadConnectionString { get; set; }

    /// <summary>HS256 key signing access tokens (env RESOURCEMAP_JWT_KEY, ≥ 32 bytes); unset = a key generated once and kept in the database.</summary>
    public string? JwtKey { get; set; }

    /// <summary>Lifetime of an access token (env RESOURCEMAP_ACCESS_TOKEN_MINUTES, default 15, 1–1440).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of a refresh token; each refresh issues a new one (env RESOURCEMAP_REFRESH_TOKEN_HOURS, default 12, 1–720).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-in attempts per client address per minute (env RESOURCEMAP_LOGIN_PER_MINUTE, default 10).</summary>
    public int LoginAttemptsPerAddressPerMinute { get; set; } = 10;

    /// <summary>Failed sign-ins per account name per window (env RESOURCEMAP_LOGIN_ACCOUNT_FAILURES, default 5).</summary>
    public int LoginFailuresPerAccount { get; set; } = 5;

    /// <summary>The per-account window (env RESOURCEMAP_LOGIN_ACCOUNT_WINDOW_MINUTES, default 15).</summary>
    public TimeSpan LoginAccountWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one instance trusts what it read of an account (version, disabled) (env RESOURCEMAP_ACCOUNT_CACHE_SECONDS, default 2, 0–10).</summary>
    public TimeSpan AccountCacheLifetime { get; set; } = TimeSpan.FromSeconds(2);

    public static ResourceMapOptions FromConfiguration(IConfiguration config, string contentRoot)
    {
        var options = new ResourceMapOptions();
        options.ConnectionString = config["RESOURCEMAP_DB"] is { Length: > 0 } db ? db : options.ConnectionString;
        options.MigrateOnStartup = ReadBool(config["RESOURCEMAP_MIGRATE"], options.MigrateOnStartup);
        options.SeedOnStartup = ReadBool(config["RESOURCEMAP_SEED"], options.SeedOnStartup);
        options.DataDirectory = config["RESOURCEMAP_DATA_DIR"] ?? FindUpwards(contentRoot, "data/manifest.json", "data");
        options.WebRoot = config["RESOURCEMAP_WEB_ROOT"] ?? FindUpwards(contentRoot, "src/MapWeb/wwwroot", "src/MapWeb");
        options.ReadConnectionString = config["RESOURCEMAP_DB_READ"] is { Length: > 0 } read ? read : null;
        options.JwtKey = config["RESOURCEMAP_JWT_KEY"] is { Length: > 0 } key ? key : null;
        if (options.JwtKey is not null && System.Text.Encoding.UTF8.GetByteCount(options.JwtKey) < 32)
            throw new InvalidOperationException("RESOURCEMAP_JWT_KEY must be at least 32 bytes (HS256).");
        options.AccessTokenLifetime = TimeSpan.FromMinutes(ReadInt(config, "RESOURCEMAP_ACCESS_TOKEN_MINUTES", 15, 1, 1440));
        options.RefreshTokenLifetime = TimeSpan.FromHours(ReadInt(config, "RESOURCEMAP_REFRESH_TOKEN_HOURS", 12, 1, 720));
        options.LoginAttemptsPerAddressPerMinute = ReadInt(config, "RESOURCEMAP_LOGIN_PER_MINUTE", 10, 1, 1_000_000);
        options.LoginFailuresPerAccount = ReadInt(config, "RESOURCEMAP_LOGIN_ACCOUNT_FAILURES", 5, 1, 1_000_000);
        options.LoginAccountWindow = TimeSpan.FromMinutes(ReadInt(config, "RESOURCEMAP_LOGIN_ACCOUNT_WINDOW_MINUTES", 15, 1, 1440));
        options.AccountCacheLifetime = TimeSpan.FromSeconds(ReadInt(config, "RESOURCEMAP_ACCOUNT_CACHE_SECONDS", 2, 0, 10));
        return options;
    }

    static int ReadInt(IConfiguration config, string name, int fallback, int min, int max)
    {
        if (config[name] is not { Length: > 0 } text) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}; it is '{text}'.");
        return value;
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
