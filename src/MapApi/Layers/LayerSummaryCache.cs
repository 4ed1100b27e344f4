using System.Runtime.CompilerServices;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Layers;

/// <summary>
/// Feature counts and extents of every layer for GET /api/layers, computed at most once per
/// ResourceMapOptions.LayerSummarySeconds per database (not over every table on each page load). Concurrent
/// requests on a miss share one computation.
/// </summary>
public static class LayerSummaryCache
{
    public sealed record Stats(IReadOnlyDictionary<string, (long Count, double[]? Extent)> Layers, DateTimeOffset ComputedAt);

    sealed class Entry
    {
        public Task<Stats>? Current;
        public readonly Lock Gate = new();
    }

    static readonly ConditionalWeakTable<NpgsqlDataSource, Entry> Entries = new();

    public static Task<Stats> GetAsync(NpgsqlDataSource db, TimeSpan maxAge)
    {
        var entry = Entries.GetOrCreateValue(db);
        lock (entry.Gate)
        {
            var current = entry.Current;
            var fresh = current is not null && !current.IsFaulted && !current.IsCanceled
                        && (!current.IsCompleted || DateTimeOffset.UtcNow - current.Result.ComputedAt < maxAge);
            if (!fresh) entry.Current = current = ComputeAsync(db);
            return current!;
        }
    }

    static async Task<Stats> ComputeAsync(NpgsqlDataSource db)
    {
        var stats = new Dictionary<string, (long Count, double[]? Extent)>();
        await using var conn = await db.OpenConnectionAsync();
        await using var reader = await conn.Command(LayerQueries.Summaries()).ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var extent = reader.IsDBNull(2) ? null
                : new[] { reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5) };
            stats[reader.GetString(0)] = (reader.GetInt64(1), extent);
        }
        return new Stats(stats, DateTimeOffset.UtcNow);
    }
}
