namespace ResourceMap.Api.Layers;

/// <summary>
/// SQL for viewport aggregation. Points are binned on a square grid in Web Mercator (EPSG:3857), whose
/// cell is a fixed number of screen pixels at the requested zoom, so clusters look the same size at every zoom.
/// Statements use only LayerCatalog fragments; every client value is a bound parameter.
/// </summary>
public static class ClusterQueries
{
    /// <summary>How many of the layer's features the selection holds, counting at most @cap + 1 (cheap on the GiST index).</summary>
    public static string CountUpTo(LayerDefinition layer, LayerQueries.FeatureQuery query) => $"""
        SELECT count(*) FROM (SELECT 1 FROM {layer.Table} t WHERE {LayerQueries.Conditions(query)} LIMIT @cap + 1) s
        """;

    /// <summary>
    /// The selection as individual features (id order), at most @limit, returned as one FeatureCollection text.
    /// </summary>
    public static string Features(LayerDefinition layer, LayerQueries.FeatureQuery query) => $"""
        WITH f AS (
            SELECT {LayerQueries.FeatureJson(layer)}::json AS feature
            FROM {layer.Table} t
            WHERE {LayerQueries.Conditions(query)}
            ORDER BY t.id
            LIMIT @limit
        )
        SELECT json_build_object('type', 'FeatureCollection',
            'features', coalesce((SELECT json_agg(feature) FROM f), '[]'::json))::text
        """;

    /// <summary>
    /// Grid clusters: count, mean position and extent per cell. A cell holding a single feature returns that
    /// feature itself, so a lone marker is clickable like any other. The largest @max_cells cells are kept.
    /// Web Mercator x/y are computed by formula rather than ST_Transform: over 100,000 points the projection
    /// library call is most of the cost. Polygon layers (border areas) are binned by ST_PointOnSurface.
    /// </summary>
    public static string Clusters(LayerDefinition layer, LayerQueries.FeatureQuery query)
    {
        var point = layer.GeometryType == "Point" ? "t.geom" : "ST_PointOnSurface(t.geom)";
        return $"""
        WITH src AS (
            SELECT t.id, ST_X({point}) AS lon, ST_Y({point}) AS lat
            FROM {layer.Table} t
            WHERE {LayerQueries.Conditions(query)}
        ),
        cells AS (
            SELECT floor(6378137 * radians(lon) / @cell) AS cx,
                   floor(6378137 * ln(tan(pi() / 4 + radians(greatest(least(lat, 85.05), -85.05)) / 2)) / @cell) AS cy,
                   count(*) AS n, avg(lon) AS lon, avg(lat) AS lat,
                   min(lon) AS min_lon, min(lat) AS min_lat, max(lon) AS max_lon, max(lat) AS max_lat, min(id) AS first_id,
                   sum(count(*)) OVER () AS total, count(*) OVER () AS cells
            FROM src
            GROUP BY 1, 2
            ORDER BY n DESC, cx, cy
            LIMIT @max_cells
        ),
        f AS (
            SELECT CASE WHEN c.n = 1 THEN (SELECT {LayerQueries.FeatureJson(layer)} FROM {layer.Table} t WHERE t.id = c.first_id)::json
                   ELSE json_build_object('type', 'Feature', 'id', 'c' || c.cx::bigint || '_' || c.cy::bigint,
                        'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(round(c.lon::numeric, 6), round(c.lat::numeric, 6))),
                        'properties', json_build_object('cluster', true, 'count', c.n, 'layer', @layer_id::text,
                            'bbox', json_build_array(round(c.min_lon::numeric, 6), round(c.min_lat::numeric, 6),
                                                     round(c.max_lon::numeric, 6), round(c.max_lat::numeric, 6))))
                   END AS feature,
                   c.total, c.cells
            FROM cells c
        )
        SELECT json_build_object('type', 'FeatureCollection',
            'features', coalesce(json_agg(feature), '[]'::json),
            'numberMatched', coalesce(max(total), 0),
            'cells', coalesce(max(cells), 0))::text
        FROM f
        """;
    }
}
