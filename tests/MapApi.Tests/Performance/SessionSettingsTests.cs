using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

public sealed class SessionSettingsTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Fact]
    public async Task App_connections_run_without_jit_and_parallel_workers()
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var conn = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')", conn);
        await using var r = await command.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("off", r.GetString(0));
        Assert.Equal("0", r.GetString(1));

        // The test's own connection (no session options) shows the server defaults differ, so the assertion can fail.
        await using var plain = await app.Sql.OpenConnectionAsync();
        Assert.Equal("on", (string)(await new NpgsqlCommand("SELECT current_setting('jit')", plain).ExecuteScalarAsync())!);
    }
}
