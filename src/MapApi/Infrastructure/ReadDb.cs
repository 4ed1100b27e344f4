using Npgsql;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Where anonymous reads go: a PostgreSQL streaming replica when RESOURCEMAP_DB_READ is set, else the primary
/// (the same pooled data source). Writes, sign-in and anything that must see its own writes use the primary
/// <see cref="NpgsqlDataSource"/>. A replica lags the primary by a moment; only endpoints that can show slightly
/// older data take this type (today GET /api/layers/{layer}/features and GET /api/skills).
/// </summary>
public sealed class ReadDb : IAsyncDisposable
{
    readonly bool ownsSource;

    public NpgsqlDataSource Source { get; }

    /// <summary>True when reads go to a separate server (RESOURCEMAP_DB_READ).</summary>
    public bool IsReplica => ownsSource;

    ReadDb(NpgsqlDataSource source, bool ownsSource) => (Source, this.ownsSource) = (source, ownsSource);

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct = default) => Source.OpenConnectionAsync(ct);

    public static IServiceCollection AddReadDatabase(IServiceCollection services, ResourceMapOptions options) =>
        services.AddSingleton(sp =>
        {
            if (options.ReadConnectionString is not { } read) return new ReadDb(sp.GetRequiredService<NpgsqlDataSource>(), ownsSource: false);
            var builder = new NpgsqlDataSourceBuilder(read);
            builder.ConnectionStringBuilder.ApplicationName ??= "ResourceMap (reads)";
            // The replica serves the same small map queries: the same session settings (no JIT, no parallel workers).
            if (!string.IsNullOrWhiteSpace(options.DatabaseSessionOptions))
                builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} {options.DatabaseSessionOptions}".Trim();
            return new ReadDb(builder.Build(), ownsSource: true);
        });

    public ValueTask DisposeAsync() => ownsSource ? Source.DisposeAsync() : ValueTask.CompletedTask;
}
