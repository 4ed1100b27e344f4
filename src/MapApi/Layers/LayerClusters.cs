using System.Globalization;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Layers;

/// <summary>
/// Viewport loading for the web map: grid clusters when the view holds many features, the features themselves
/// when it holds few or the zoom is close. Keeps a map over 100,000 points to a few hundred objects per request.
/// </summary>
public static class LayerClusters
{
    public const int MinZoom = 0, MaxZoom = 22;
    /// <summary>Zoom from which individual features are always returned (a street-level view).</summary>
    public const int FeaturesFromZoom = 15;
    /// <summary>Cell edge in screen pixels (256-px tiles).</summary>
    public const double CellPixels = 64;
    // Web Mercator metres per pixel at zoom 0 for 256-px tiles: 2πR / 256.
    const double MetresPerPixelZ0 = 2 * Math.PI * 6378137 / 256;

    public static double CellSizeMetres(int zoom) => MetresPerPixelZ0 * CellPixels / Math.Pow(2, zoom);

    public static IEndpointRouteBuilder MapLayerClustersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/layers/{layer}/clusters", GetClusters)
            .WithTags("Layers")
            .WithName("GetLayerClusters")
            .WithSummary("A viewport of a layer: grid clusters (count, centroid, extent per cell) or, when few, the features")
            .WithDescription($"bbox=minLon,minLat,maxLon,maxLat (required) and zoom ({MinZoom}–{MaxZoom}, required). Cells are {CellPixels} px " +
                             $"in EPSG:3857 at that zoom; at most {ApiLimits.Current.MaxClusterCells} cells. At zoom ≥ {FeaturesFromZoom}, or when the view holds at most " +
                             $"{ApiLimits.Current.MaxClusterFeatures} features, the features themselves are returned (mode=features). Takes the same q, admin, " +
                             "near/radius_m and layer filters as /features. Cluster features have properties.cluster=true, count and bbox.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> GetClusters(
        string layer, NpgsqlDataSource db, HttpRequest request, CancellationToken ct,
        string? bbox = null, string? zoom = null, string? q = null, string? admin = null, DateOnly? date = null,
        string? near = null, double? radius_m = null)
    {
        if (LayerCatalog.Find(layer) is not { } definition)
            return Problems.NotFound($"There is no layer '{layer}'. Layers: {string.Join(", ", LayerCatalog.All.Select(l => l.Id))}.");
        if (string.IsNullOrWhiteSpace(bbox)) return Problems.BadRequest("bbox=minLon,minLat,maxLon,maxLat is required.");
        if (!int.TryParse(zoom, NumberStyles.None, CultureInfo.InvariantCulture, out var z) || z < MinZoom || z > MaxZoom)
            return Problems.BadRequest($"zoom is required and must be a whole number from {MinZoom} to {MaxZoom}.");
        var (selection, error) = await LayersApi.BindSelectionAsync(definition, db, request, bbox, q, admin, date, near, radius_m, ct);
        if (error is not null) return error;

        var viewport = await QueryViewportAsync(db, definition, selection!.Query, selection.Parameters, z, ct);
        return TypedResults.Text(Body(viewport, z), GeoJsonResult.ContentType);
    }

    /// <summary>
    /// PostGIS's FeatureCollection with the endpoint's members added after its own (a payload of 300 KB was parsed into a
    /// DOM and written out again for them: ×2 over the SQL at 4 clients on 2 cores).
    /// </summary>
    static string Body(Viewport viewport, int z)
    {
        var cap = ApiLimits.Current;
        var members = viewport.Individual
            ? string.Create(CultureInfo.InvariantCulture,
                $", \"mode\" : \"features\", \"zoom\" : {z}, \"numberReturned\" : {viewport.Returned}, " +
                $"\"numberMatched\" : {(viewport.InView <= cap.MaxClusterFeatures ? viewport.InView : "null")}, " +
                $"\"truncated\" : {(viewport.Returned >= cap.MaxPageSize ? "true" : "false")}}}")
            : string.Create(CultureInfo.InvariantCulture,
                $", \"mode\" : \"clusters\", \"zoom\" : {z}, \"numberReturned\" : {viewport.Returned}, " +
                $"\"cell_size_m\" : {Math.Round(CellSizeMetres(z), 2)}, \"truncated\" : {(viewport.Cells > cap.MaxClusterCells ? "true" : "false")}}}");
        // The text is one JSON object: its closing brace is its last character.
        return string.Concat(viewport.Json.AsSpan(0, viewport.Json.LastIndexOf('}')), members);
    }

    /// <summary>
    /// The database side of a clusters request: PostGIS's FeatureCollection text, its mode, the capped count in view, the
    /// features (or clusters) in the text and, for clusters, the cells before the cap.
    /// </summary>
    public sealed record Viewport(string Json, bool Individual, long InView, long Returned, long Cells);

    /// <summary>One row of the statements of ClusterQueries: the text, the features in it, the points matched, the cells.</summary>
    static async Task<(string Json, long Returned, long Matched, long Cells)> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var r = await command.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? 0 : r.GetInt64(2), r.IsDBNull(3) ? 0 : r.GetInt64(3));
    }

    /// <summary>
    /// Everything the clusters endpoint asks PostGIS for one viewport (count in view, then clusters or features),
    /// given the bound selection parameters. Public so bench/MatchingBench times exactly these statements.
    /// </summary>
    public static async Task<Viewport> QueryViewportAsync(NpgsqlDataSource db, LayerDefinition definition,
        LayerQueries.FeatureQuery query, IReadOnlyCollection<NpgsqlParameter> selectionParameters, int z, CancellationToken ct)
    {
        // No transaction: JIT (whose compilation took longer than a national aggregation) is already off for every session
        // (ResourceMapOptions.DatabaseSessionOptions), and round trips matter at a few ms.
        var cap = ApiLimits.Current.MaxClusterFeatures;
        // A view the pyramid serves is clustered first: its numberMatched is the exact count in view, so the capped count
        // costs nothing (for a faceted filter that count was a GIN scan of every point carrying the value: 45 ms at 1M).
        var facet = z >= FeaturesFromZoom ? null : ClusterQueries.PyramidFacet(definition, query, selectionParameters, z);
        // Any other view reads and aggregates the points: an anonymous request takes a heavy slot for it (AnonymousCostCaps),
        // before it holds a connection, so that the requests queued for a slot hold none. (A pyramid view, faceted or
        // not, costs 1–3 ms at 1,000,000 teams.)
        if (facet is null) await AnonymousCostCaps.EnterHeavyAsync(ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        if (facet is not null)
        {
            // The pyramid's plan costs more than its run, so the statement is prepared, and its generic plan is forced
            // (at 1,000,000 teams in psql, the country at z6 5.4–5.9 → 1.4–1.8 ms, province views at z9 6.6–17 → 3.8–11 ms).
            await using var command = conn.Command(
                Database.WithGenericPlan(ClusterQueries.PyramidClusters(definition, query.Filters.SingleOrDefault())));
            command.Parameters.AddRange(Clone(selectionParameters));
            command.Parameters.AddWithValue("z", z);
            command.Parameters.AddWithValue("facet", facet);
            command.Parameters.AddWithValue("max_cells", ApiLimits.Current.MaxClusterCells);
            await command.PrepareWithinTimeoutAsync(ct);
            var clusters = await ReadAsync(command, ct);
            if (clusters.Matched > cap) return new Viewport(clusters.Json, false, Math.Min(clusters.Matched, cap + 1), clusters.Returned, clusters.Cells);
            return await FeaturesAsync(conn, definition, query, selectionParameters, clusters.Matched, ct);
        }

        long inView;
        await using (var count = conn.Command(ClusterQueries.CountUpTo(definition, query)))
        {
            count.Parameters.AddRange(Clone(selectionParameters));
            count.Parameters.AddWithValue("cap", cap);
            inView = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        if (z >= FeaturesFromZoom || inView <= cap)
            return await FeaturesAsync(conn, definition, query, selectionParameters, inView, ct);

        // conn.Command: an anonymous view is cancelled after the anonymous statement timeout (AnonymousCostCaps).
        await using var aggregate = conn.Command(ClusterQueries.Clusters(definition, query));
        aggregate.Parameters.AddRange(Clone(selectionParameters));
        aggregate.Parameters.AddWithValue("cell", CellSizeMetres(z));
        aggregate.Parameters.AddWithValue("max_cells", ApiLimits.Current.MaxClusterCells);
        var cells = await ReadAsync(aggregate, ct);
        return new Viewport(cells.Json, false, inView, cells.Returned, cells.Cells);
    }

    /// <summary>The selection's features themselves (a street-level view, or one that holds few).</summary>
    static async Task<Viewport> FeaturesAsync(NpgsqlConnection conn, LayerDefinition definition, LayerQueries.FeatureQuery query,
        IReadOnlyCollection<NpgsqlParameter> selectionParameters, long inView, CancellationToken ct)
    {
        await using var command = conn.Command(ClusterQueries.Features(definition, query));
        command.Parameters.AddRange(Clone(selectionParameters));
        // At street level a view rarely holds more; the cap keeps a dense block from costing seconds.
        command.Parameters.AddWithValue("limit", ApiLimits.Current.MaxPageSize);
        var features = await ReadAsync(command, ct);
        return new Viewport(features.Json, true, inView, features.Returned, 0);
    }

    static NpgsqlParameter[] Clone(IEnumerable<NpgsqlParameter> parameters) => parameters.Select(p => p.Clone()).ToArray();
}
