using System.Data;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;

namespace ResourceMap.Bench;

/// <summary>
/// The public read endpoints of the teams layer, each timed through HTTP and as the production SQL sent straight
/// to PostGIS (LayerQueries.Features, LayerClusters.QueryViewportAsync, LayerTiles.TileSql — never a copied string),
/// plus the bbox query with the spatial index switched off as the naive comparison.
/// </summary>
public static class LayersBench
{
    static readonly LayerDefinition Teams = LayerCatalog.Find("teams")!;
    static readonly LayerQueries.FeatureQuery BboxQuery = new(Bbox: true, Search: false, AdminUnit: false, After: false, Filters: []);
    static readonly LayerQueries.FeatureQuery SearchQuery = new(Bbox: false, Search: true, AdminUnit: false, After: false, Filters: []);

    public sealed record Box(double MinLon, double MinLat, double MaxLon, double MaxLat)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{MinLon},{MinLat},{MaxLon},{MaxLat}");
    }

    public sealed record Tile(int Z, int X, int Y);

    // A province-sized view (1.2° × 1°, about Quảng Nam's extent) around each generated province centre.
    static readonly List<Box> ProvinceBoxes = Generator.ProvinceCentres
        .Select(p => new Box(Math.Round(p.Lon - 0.6, 4), Math.Round(p.Lat - 0.5, 4), Math.Round(p.Lon + 0.6, 4), Math.Round(p.Lat + 0.5, 4)))
        .ToList();
    static readonly List<Box> CountryBox = [new(102.1, 8.4, 109.6, 23.4)];
    // Typed without diacritics, as users do; the team's parent unit ("Tỉnh đoàn Quảng Nam") holds the name.
    static readonly List<string> Searches = ["quang nam", "ha noi", "can tho", "thanh hoa", "lao cai", "binh dinh"];
    // Typed wrong: found in no row, so no page fills by walking ids (LayerQueries.PageIds then asks the trigram index).
    static readonly List<string> Typos = ["quang nma", "ha noii", "thnah hoa"];

    /// <summary>The tile at zoom z holding each province centre: the generated teams are densest there.</summary>
    static List<Tile> CentreTiles(int z) => Generator.ProvinceCentres.Select(p =>
    {
        var n = 1 << z;
        var lat = p.Lat * Math.PI / 180;
        return new Tile(z, (int)Math.Floor((p.Lon + 180) / 360 * n),
            (int)Math.Floor((1 - Math.Log(Math.Tan(lat) + 1 / Math.Cos(lat)) / Math.PI) / 2 * n));
    }).Distinct().ToList();

    static List<NpgsqlParameter> BboxParameters(Box b, int limit) =>
        [new("layer_id", Teams.Id), new("min_lon", b.MinLon), new("min_lat", b.MinLat), new("max_lon", b.MaxLon), new("max_lat", b.MaxLat), new("limit", limit)];

    static List<NpgsqlParameter> SearchParameters(string q, int limit) => [new("layer_id", Teams.Id), new("q", q), new("limit", limit)];

    /// <summary>Runs the features statement the way GeoJsonResult does (ids and feature text, read sequentially).</summary>
    static async Task<List<long>> FeaturesSqlAsync(NpgsqlDataSource db, LayerQueries.FeatureQuery query, List<NpgsqlParameter> parameters)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(LayerQueries.Features(Teams, query), conn);
        command.Parameters.AddRange(parameters.ToArray());
        if (LayerQueries.PrepareFeatures(query)) await command.PrepareAsync();
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
            // Read as the API reads it (GeoJsonResult): the feature's UTF-8 bytes, not decoded.
            await using var feature = await reader.GetStreamAsync(1);
            await feature.CopyToAsync(Stream.Null);
        }
        return ids;
    }

    static Task<LayerClusters.Viewport> ClustersSqlAsync(NpgsqlDataSource db, Box b, int zoom) =>
        LayerClusters.QueryViewportAsync(db, Teams, BboxQuery,
            [new("layer_id", Teams.Id), new("min_lon", b.MinLon), new("min_lat", b.MinLat), new("max_lon", b.MaxLon), new("max_lat", b.MaxLat)],
            zoom, default);

    static readonly LayerQueries.FeatureQuery SkillQuery = BboxQuery with { Filters = [Teams.Filters.Single(f => f.Name == "skill")] };

    /// <summary>A filtered viewport: the pyramid cannot serve it, so PostGIS aggregates the matching points.</summary>
    static Task<LayerClusters.Viewport> FilteredClustersSqlAsync(NpgsqlDataSource db, Box b, int zoom) =>
        LayerClusters.QueryViewportAsync(db, Teams, SkillQuery,
            [new("layer_id", Teams.Id), new("min_lon", b.MinLon), new("min_lat", b.MinLat), new("max_lon", b.MaxLon), new("max_lat", b.MaxLat),
             new("skill", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = new[] { FilterSkill } }],
            zoom, default);

    /// <summary>The aggregation over the points that served every viewport before the pyramid, for scale.</summary>
    static async Task AggregatedClustersSqlAsync(NpgsqlDataSource db, Box b, int zoom)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var command = conn.Command(ClusterQueries.Clusters(Teams, BboxQuery), ("layer_id", Teams.Id), ("min_lon", b.MinLon),
            ("min_lat", b.MinLat), ("max_lon", b.MaxLon), ("max_lat", b.MaxLat), ("cell", LayerClusters.CellSizeMetres(zoom)),
            ("max_cells", ApiLimits.Current.MaxClusterCells));
        await command.ExecuteScalarAsync();
    }

    const string FilterSkill = "first-aid";
    static string FilteredClustersUrl(Box b, int zoom) => $"/api/layers/teams/clusters?bbox={b}&zoom={zoom}&skill={FilterSkill}";

    static async Task<byte[]> TileSqlAsync(NpgsqlDataSource db, Tile t)
    {
        await using var conn = await db.OpenConnectionAsync();
        return (byte[]?)await conn.Command(await LayerTiles.TileSqlAsync(conn, Teams), ("z", t.Z), ("x", t.X), ("y", t.Y), ("layer_id", Teams.Id))
            .ExecuteScalarAsync() ?? [];
    }

    static string FeaturesUrl(Box b, int limit) => $"/api/layers/teams/features?bbox={b}&limit={limit}";
    static string SearchUrl(string q, int limit) => $"/api/layers/teams/features?q={Uri.EscapeDataString(q)}&limit={limit}";
    static string ClustersUrl(Box b, int zoom) => $"/api/layers/teams/clusters?bbox={b}&zoom={zoom}";
    static string TileUrl(Tile t) => $"/api/layers/teams/tiles/{t.Z}/{t.X}/{t.Y}.mvt";

    static async Task<byte[]> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>A tile requested as a browser requests it: the bytes as sent (a cached tile gzip-compressed), not decompressed.</summary>
    static async Task<byte[]> GetTileAsync(HttpClient http, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    static int JsonCount(byte[] body, string member) => JsonDocument.Parse(body).RootElement.GetProperty(member).GetArrayLength();
    static int JsonCount(string body, string member) => JsonDocument.Parse(body).RootElement.GetProperty(member).GetArrayLength();

    /// <summary>Checks that HTTP and SQL answer alike, and the naive scan like the indexed one, then shows both plans.</summary>
    public static async Task CheckAsync(HttpClient http, NpgsqlDataSource db, NpgsqlDataSource noIndex)
    {
        void Same(string what, long api, long sql)
        {
            if (api != sql) throw new InvalidOperationException($"{what}: HTTP returned {api}, SQL {sql}");
        }

        var box = ProvinceBoxes[25]; // Quảng Nam
        var indexed = await FeaturesSqlAsync(db, BboxQuery, BboxParameters(box, 1000));
        var naive = await FeaturesSqlAsync(noIndex, BboxQuery, BboxParameters(box, 1000));
        if (!indexed.SequenceEqual(naive)) throw new InvalidOperationException("the bbox query returns other rows without the index");
        Same("features bbox", JsonCount(await GetAsync(http, FeaturesUrl(box, 1000)), "features"), Math.Min(indexed.Count, 1000));
        var found = await FeaturesSqlAsync(db, SearchQuery, SearchParameters("quang nam", 100));
        Same("features q", JsonCount(await GetAsync(http, SearchUrl("quang nam", 100)), "features"), Math.Min(found.Count, 100));
        if (found.Count == 0) throw new InvalidOperationException("q=quang nam found nothing");
        foreach (var (b, z) in new[] { (CountryBox[0], 6), (box, 9) })
        {
            var viewport = await ClustersSqlAsync(db, b, z);
            if (viewport.Individual) Console.WriteLine($"  note: zoom {z} returned features, not clusters (too few teams)");
            var body = await GetAsync(http, ClustersUrl(b, z));
            Same($"clusters z{z}", JsonCount(body, "features"), JsonCount(viewport.Json, "features"));
            Console.WriteLine($"  clusters z{z} payload: {body.Length / 1024.0:F0} KB before compression");
        }
        foreach (var t in new[] { CentreTiles(8)[0], CentreTiles(12)[0] })
            Same($"tile z{t.Z} bytes", (await GetAsync(http, TileUrl(t))).Length, (await TileSqlAsync(db, t)).Length);
        Console.WriteLine($"HTTP and SQL agree (bbox {Math.Min(indexed.Count, 1000)} features, q {Math.Min(found.Count, 100)}); " +
                          "the bbox query returns the same rows with and without the spatial index.");
        Console.WriteLine($"  bbox plan, indexed: {await PlanAsync(db, box)}");
        Console.WriteLine($"  bbox plan, naive:   {await PlanAsync(noIndex, box)}");
    }

    static async Task<string> PlanAsync(NpgsqlDataSource db, Box box)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("EXPLAIN ANALYZE " + LayerQueries.Features(Teams, BboxQuery), conn);
        command.Parameters.AddRange(BboxParameters(box, 1000).ToArray());
        var nodes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var line = reader.GetString(0).Trim().TrimStart('-', '>', ' ');
            var cost = line.IndexOf("  (", StringComparison.Ordinal);
            if (line.StartsWith("Execution Time")) nodes.Add(line);
            else if (line.Contains("Scan on") || line.StartsWith("Sort  ") || line.StartsWith("Limit"))
                nodes.Add(cost > 0 ? line[..cost] : line);
        }
        return string.Join(" → ", nodes);
    }

    public static async Task<List<Result>> RunAsync(Settings s, HttpClient http, NpgsqlDataSource db, NpgsqlDataSource noIndex)
    {
        var (n, c, budget) = (s.LayerRequests, s.Concurrency, TimeSpan.FromSeconds(s.LayerSeconds));
        var results = new List<Result>();
        async Task Pair<T>(string group, IReadOnlyList<T> inputs, Func<T, string> url, Func<T, Task> sql, bool tile = false)
        {
            results.Add(await Measure.RunAsync(group, "HTTP", n, c, inputs,
                async x => await (tile ? GetTileAsync(http, url(x)) : GetAsync(http, url(x))), budget));
            results.Add(await Measure.RunAsync(group, "SQL", n, c, inputs, sql, budget));
        }

        await Pair("features bbox, limit 1000", ProvinceBoxes, b => FeaturesUrl(b, 1000),
            b => FeaturesSqlAsync(db, BboxQuery, BboxParameters(b, 1000)));
        results.Add(await Measure.RunAsync("features bbox, limit 1000", "SQL, no spatial index", n, c, ProvinceBoxes,
            b => FeaturesSqlAsync(noIndex, BboxQuery, BboxParameters(b, 1000)), budget));
        await Pair("features q= (no diacritics), limit 100", Searches, q => SearchUrl(q, 100),
            q => FeaturesSqlAsync(db, SearchQuery, SearchParameters(q, 100)));
        await Pair("features q= (typo, found nowhere), limit 100", Typos, q => SearchUrl(q, 100),
            q => FeaturesSqlAsync(db, SearchQuery, SearchParameters(q, 100)));
        await Pair("clusters z6, whole country", CountryBox, b => ClustersUrl(b, 6), b => ClustersSqlAsync(db, b, 6));
        results.Add(await Measure.RunAsync("clusters z6, whole country", "SQL, aggregated (before the pyramid)", n, c, CountryBox,
            b => AggregatedClustersSqlAsync(db, b, 6), budget));
        await Pair("clusters z9, province view", ProvinceBoxes, b => ClustersUrl(b, 9), b => ClustersSqlAsync(db, b, 9));
        results.Add(await Measure.RunAsync("clusters z9, province view", "SQL, aggregated (before the pyramid)", n, c, ProvinceBoxes,
            b => AggregatedClustersSqlAsync(db, b, 9), budget));
        await Pair($"clusters z6 filtered (skill={FilterSkill})", CountryBox, b => FilteredClustersUrl(b, 6), b => FilteredClustersSqlAsync(db, b, 6));
        await Pair($"clusters z9 filtered (skill={FilterSkill})", ProvinceBoxes, b => FilteredClustersUrl(b, 9), b => FilteredClustersSqlAsync(db, b, 9));
        await Pair("MVT tile z8, dense area", CentreTiles(8), TileUrl, async t =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await LayerTiles.CachedOrRenderedAsync(conn, Teams, t.Z, t.X, t.Y, default);
        }, tile: true);
        results.Add(await Measure.RunAsync("MVT tile z8, dense area", "render, no cache", n, c, CentreTiles(8), t => TileSqlAsync(db, t), budget));
        await Pair("MVT tile z12", CentreTiles(12), TileUrl, t => TileSqlAsync(db, t), tile: true);
        return results;
    }
}
