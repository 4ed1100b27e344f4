using System.Text;
using System.Text.Json;
using Npgsql;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Streams a FeatureCollection whose features PostGIS already rendered as JSON text
/// (ST_AsGeoJSON inside json_build_object): no geometry is parsed or re-serialised here.
/// The query returns (id bigint, feature text); one row more than the page size signals a next page.
/// </summary>
public sealed class GeoJsonResult(NpgsqlDataReader reader, NpgsqlConnection connection, int pageSize, Func<long, string>? nextLink) : IResult, IAsyncDisposable
{
    /// <summary>OGC API – Features extras: numberMatched and links besides 'next' (self, alternate, collection), as JSON objects.</summary>
    public long? NumberMatched { get; set; }
    public IReadOnlyList<string> ExtraLinks { get; set; } = [];

    public const string ContentType = "application/geo+json; charset=utf-8";
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs the query before the response starts, so a failing query still becomes a problem response.</summary>
    public static async Task<GeoJsonResult> ExecuteAsync(NpgsqlDataSource dataSource, string sql, IEnumerable<NpgsqlParameter> parameters,
        int pageSize, Func<long, string>? nextLink, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var command = conn.Command(sql);
            command.Parameters.AddRange(parameters.ToArray());
            var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            return new GeoJsonResult(reader, conn, pageSize, nextLink);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async Task ExecuteAsync(HttpContext http)
    {
        await using var _ = this;
        var ct = http.RequestAborted;
        http.Response.ContentType = ContentType;
        await using var writer = new StreamWriter(http.Response.Body, Utf8, bufferSize: 16 * 1024);
        await writer.WriteAsync("{\"type\":\"FeatureCollection\",\"features\":[");
        var returned = 0;
        long lastId = 0;
        var hasMore = false;
        while (await reader.ReadAsync(ct))
        {
            if (returned == pageSize) { hasMore = true; break; }
            lastId = reader.GetInt64(0);
            if (returned > 0) await writer.WriteAsync(',');
            using (var text = await reader.GetTextReaderAsync(1, ct))
                await writer.WriteAsync(await text.ReadToEndAsync(ct));
            returned++;
            if (returned % 200 == 0) await writer.FlushAsync(ct);
        }
        if (NumberMatched is { } matched)
            await writer.WriteAsync("],\"numberMatched\":" + matched.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"numberReturned\":");
        else
            await writer.WriteAsync("],\"numberReturned\":");
        await writer.WriteAsync(returned.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await writer.WriteAsync(",\"timeStamp\":");
        await writer.WriteAsync(JsonSerializer.Serialize(DateTimeOffset.UtcNow));
        await writer.WriteAsync(",\"links\":[");
        await writer.WriteAsync(string.Join(',', ExtraLinks));
        if (hasMore && nextLink is not null)
            await writer.WriteAsync((ExtraLinks.Count > 0 ? "," : "") + $"{{\"rel\":\"next\",\"type\":\"application/geo+json\",\"href\":{JsonSerializer.Serialize(nextLink(lastId))}}}");
        await writer.WriteAsync("]}");
    }

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await connection.DisposeAsync();
    }
}
