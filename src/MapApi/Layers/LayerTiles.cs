using System.Collections.Concurrent;
using System.IO.Compression;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Layers;

/// <summary>Mapbox Vector Tiles of a layer, built entirely by PostGIS (ST_AsMVT), for clients such as MapLibre or QGIS.</summary>
public static class LayerTiles
{
    /// <summary>
    /// The tile statement (parameters @z, @x, @y, @layer_id); public so bench/MatchingBench times this exact SQL. The
    /// envelope is widened by the buffer before the index test so features just outside still render their edge.
    /// The tile's features, at most the cap (ApiLimits.MaxFeaturesPerTile, so a low-zoom tile never costs seconds), by
    /// id. A tile holding more than the cap takes the first ids from the covering index alone and reads and encodes
    /// only those rows (encoding every team in the tile before capping took 190 ms on average over the 24 z8 tiles
    /// holding the 56 province centres at a million teams; 92 ms this way). A tile under the cap reads its rows in one
    /// bitmap scan, as fetching them one by one through the id index cost more (a z12 tile of 459 teams: 9.2 against
    /// 7.0 ms). One-time filters pick the branch: the other never starts.
    /// </summary>
    public static async Task<string> TileSqlAsync(NpgsqlConnection conn, LayerDefinition layer, CancellationToken ct = default) =>
        TileSql(layer, await PropertyColumnsAsync(conn, layer, ct));

    static string TileSql(LayerDefinition layer, string propertyColumns)
    {
        var encoded = $"""
            SELECT t.id,
                   ST_AsMVTGeom(ST_Transform(t.geom, 3857), bounds.tile, 4096, 64, true) AS geom,
                   {propertyColumns}
            """;
        return $"""
        WITH bounds AS (
            SELECT ST_TileEnvelope(@z, @x, @y) AS tile,
                   ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS search
        ),
        page AS MATERIALIZED (
            SELECT t.id FROM {layer.Table} t, bounds
            WHERE t.geom && bounds.search
            ORDER BY t.id
            LIMIT {ApiLimits.Current.MaxFeaturesPerTile}
        ),
        capped AS MATERIALIZED (SELECT count(*) >= {ApiLimits.Current.MaxFeaturesPerTile} AS yes FROM page),
        features AS (
            {encoded}
            FROM page JOIN {layer.Table} t ON t.id = page.id, bounds
            WHERE (SELECT yes FROM capped)
            UNION ALL
            {encoded}
            FROM {layer.Table} t, bounds
            WHERE NOT (SELECT yes FROM capped) AND t.geom && bounds.search
            ORDER BY id
        )
        SELECT ST_AsMVT(features.*, @layer_id, 4096, 'geom', 'id') FROM features WHERE geom IS NOT NULL
        """;
    }

    /// <summary>The select list of each layer's public properties in a tile (see PropertyColumnsAsync), by layer id.</summary>
    static readonly ConcurrentDictionary<string, string> propertyColumns = new();

    /// <summary>
    /// A layer's public properties as one typed column each rather than one jsonb object: ST_AsMVT reads a typed
    /// column straight into the tile, where the object costs its building and then its parsing (a z8 tile of 5,000
    /// teams at a million: 82–90 → 52 ms). Each column encodes as its jsonb value did (TilePropertiesTests and
    /// FeaturesEquivalenceTests decode both): text, integers and booleans as they are; dates and instants as the ISO text jsonb gives them; arrays not
    /// at all, because ST_AsMVT skips a nested jsonb value; numbers of other types stay in a jsonb object, as ST_AsMVT
    /// writes a whole jsonb number as an integer and a typed double as a double. The column types come from the
    /// migrations this code ships with, so they are read once, from the first database asked.
    /// </summary>
    static async Task<string> PropertyColumnsAsync(NpgsqlConnection conn, LayerDefinition layer, CancellationToken ct)
    {
        if (propertyColumns.TryGetValue(layer.Id, out var known)) return known;
        var types = new Dictionary<string, (string Name, string Category)>();
        await using (var command = conn.Command("""
            SELECT a.attname::text, ty.typname::text, ty.typcategory::text
            FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
            WHERE a.attrelid = @table::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """, ("table", layer.Table)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) types[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));

        var typed = new List<string>();
        var inJsonb = new List<string>();
        foreach (var column in layer.PublicColumns)
        {
            switch (types[column])
            {
                case ("int2" or "int4" or "int8" or "bool", _) or (_, "S"): typed.Add($"t.{column}"); break;
                case (_, "D"): typed.Add($"to_jsonb(t.{column}) #>> '{{}}' AS {column}"); break;
                case (_, "A"): break;
                default: inJsonb.Add($"'{column}', t.{column}"); break;
            }
        }
        if (inJsonb.Count > 0) typed.Add($"jsonb_build_object({string.Join(", ", inJsonb)}) AS properties");
        return propertyColumns[layer.Id] = string.Join(",\n       ", typed);
    }

    public const string CachedTile = "SELECT mvt FROM tile_cache WHERE layer = @layer_id AND z = @z AND x = @x AND y = @y";
    public const string TryCacheLock = "SELECT pg_try_advisory_xact_lock(21580, rm_tile_cache_lock_key(@layer_id)), rm_tile_cache_max_zoom()";
    public const string StoreTile = "INSERT INTO tile_cache (layer, z, x, y, mvt) VALUES (@layer_id, @z, @x, @y, @mvt) ON CONFLICT DO NOTHING";

    /// <summary>
    /// A tile's bytes as held: the cache stores tiles gzip-compressed (compressed once when stored, as MBTiles files keep
    /// them), so a hit is sent as it is to every client that accepts gzip instead of being compressed again for each
    /// request; tiles beyond the cached zooms, and any stored raw by an earlier version, are raw. A raw tile never starts
    /// with gzip's magic bytes 1f 8b (a tile's first byte is its first layer's tag, 0x1a).
    /// </summary>
    public readonly record struct TileBytes(byte[] Bytes, bool Gzipped)
    {
        public static TileBytes Stored(byte[] bytes) => new(bytes, bytes is [0x1f, 0x8b, ..]);

        /// <summary>
        /// Fastest: compressing is paid on a cache miss, beside the render. For the densest z8 tile (469 KB raw) zlib's
        /// level 1 gives 174 KB in 4 ms and level 6 (Optimal) 159 KB in 21 ms (Python's zlib on this machine).
        /// </summary>
        public static TileBytes Compress(byte[] raw)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest)) gzip.Write(raw);
            return new(buffer.ToArray(), true);
        }

        public byte[] Raw()
        {
            if (!Gzipped) return Bytes;
            using var gzip = new GZipStream(new MemoryStream(Bytes), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gzip.CopyTo(raw);
            return raw.ToArray();
        }
    }

    /// <summary>The highest cached zoom, read once from rm_tile_cache_max_zoom() (migration 0022).</summary>
    static int? cacheMaxZoom;

    /// <summary>
    /// Tiles at z ≤ rm_tile_cache_max_zoom() come from tile_cache; a miss renders and stores the tile when it can take the
    /// layer's cache lock (no uncommitted write precedes its snapshot; see migration 0022). Public for the benchmark.
    /// </summary>
    public static async Task<TileBytes> CachedOrRenderedAsync(NpgsqlConnection conn, LayerDefinition layer, int z, int x, int y, CancellationToken ct)
    {
        (string, object?)[] key = [("z", z), ("x", x), ("y", y), ("layer_id", layer.Id)];
        if (cacheMaxZoom is { } max && z > max)
        {
            await EnterHeavyAsync(conn, ct);
            return new(await RenderAsync(conn, layer, key, ct), false);
        }
        await using (var lookup = conn.Command(CachedTile, key))
        {
            await lookup.PrepareWithinTimeoutAsync(ct);
            if (await lookup.ExecuteScalarAsync(ct) is byte[] cached)
                return TileBytes.Stored(cached);
        }
        await EnterHeavyAsync(conn, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        bool locked;
        await using (var r = await conn.Command(TryCacheLock, ("layer_id", layer.Id)).ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            locked = r.GetBoolean(0);
            cacheMaxZoom = r.GetInt32(1);
        }
        var tile = new TileBytes(await RenderAsync(conn, layer, key, ct), false);
        if (locked && z <= cacheMaxZoom)
        {
            tile = TileBytes.Compress(tile.Bytes);
            await conn.Command(StoreTile, [.. key, ("mvt", tile.Bytes)]).ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return tile;
    }

    /// <summary>
    /// A render reads and encodes up to MaxFeaturesPerTile rows: an anonymous request takes a heavy slot for it
    /// (AnonymousCostCaps), giving its connection back to the pool while it waits in the queue.
    /// </summary>
    static async Task EnterHeavyAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        if (!AnonymousCostCaps.MustTakeSlot) return;
        await conn.CloseAsync();
        await AnonymousCostCaps.EnterHeavyAsync(ct);
        await conn.OpenAsync(ct);
    }

    /// <summary>
    /// Prepared, so it is planned once per connection: the tile's envelope comes from a CTE over the parameters, so the
    /// plan is the same for every tile (a generic plan is the plan a custom one would be).
    /// </summary>
    static async Task<byte[]> RenderAsync(NpgsqlConnection conn, LayerDefinition layer, (string, object?)[] key, CancellationToken ct)
    {
        await using var render = conn.Command(await TileSqlAsync(conn, layer, ct), key);
        await render.PrepareWithinTimeoutAsync(ct);
        return (byte[]?)await render.ExecuteScalarAsync(ct) ?? [];
    }

    public static IEndpointRouteBuilder MapLayerTilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/layers/{layer}/tiles/{z:int}/{x:int}/{y:int}.mvt", GetTile)
            .WithTags("Layers")
            .WithName("GetLayerTile")
            .WithSummary("A Mapbox Vector Tile (EPSG:3857) of a layer, public properties only")
            .WithDescription($"z 0–20; at most {ApiLimits.Current.MaxFeaturesPerTile} features per tile. Tiles at the cached zooms come " +
                             "gzip-compressed (Content-Encoding: gzip) to clients whose Accept-Encoding allows gzip, as browsers' does; " +
                             "ETag and If-None-Match (304).")
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.mapbox-vector-tile")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> GetTile(string layer, int z, int x, int y, NpgsqlDataSource db, HttpRequest request, HttpResponse response,
        CancellationToken ct)
    {
        if (LayerCatalog.Find(layer) is not { } definition)
            return Problems.NotFound($"There is no layer '{layer}'.");
        if (z is < 0 or > 20) return Problems.BadRequest("z must lie between 0 and 20.");
        var size = 1 << z;
        if (x < 0 || x >= size || y < 0 || y >= size) return Problems.BadRequest($"At zoom {z}, x and y must lie between 0 and {size - 1}.");

        await using var conn = await db.OpenConnectionAsync(ct);
        var tile = await CachedOrRenderedAsync(conn, definition, z, x, y, ct);
        // Weak: the same tile is sent gzip-compressed, raw, or compressed by the middleware for clients that ask for br only.
        var etag = HttpCaching.ETagOf(tile.Bytes);
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "public, max-age=60";
        if (HttpCaching.NotModified(request, etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        if (tile.Gzipped && HttpCaching.AcceptsGzip(request))
        {
            // Content-Encoding set here keeps the compression middleware from compressing the bytes again.
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = "Accept-Encoding";
            return TypedResults.Bytes(tile.Bytes, "application/vnd.mapbox-vector-tile");
        }
        return TypedResults.Bytes(tile.Raw(), "application/vnd.mapbox-vector-tile");
    }
}
