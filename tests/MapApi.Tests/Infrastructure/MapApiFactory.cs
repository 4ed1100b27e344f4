using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace ResourceMap.Tests.Infrastructure;

/// <summary>The real application, in process, against its own copy of the seeded PostGIS database.</summary>
public class MapApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string DatabaseName { get; private set; } = "";
    public NpgsqlDataSource Sql { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DatabaseName = await TestDatabase.CreateSeededCopyAsync();
        Sql = NpgsqlDataSource.Create(TestDatabase.ConnectionString(DatabaseName));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RESOURCEMAP_DB", TestDatabase.ConnectionString(DatabaseName));
        builder.UseSetting("RESOURCEMAP_SEED", "false");
        builder.UseSetting("RESOURCEMAP_DATA_DIR", TestDatabase.DataDirectory);
        // Tests sign in far more often than a person would; LoginRateLimitTests checks the real limit.
        builder.UseSetting("RESOURCEMAP_LOGIN_PER_MINUTE", "100000");
        // Warnings and errors only: a request log per test call buries the failures in CI output.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseEnvironment("Testing");
        ConfigureSettings(builder);
    }

    /// <summary>Settings a derived fixture changes (applied after the defaults above).</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder) { }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Sql.DisposeAsync();
        await base.DisposeAsync();
        await TestDatabase.DropAsync(DatabaseName);
    }
}
