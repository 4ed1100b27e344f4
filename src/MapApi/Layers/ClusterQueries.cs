namespace ResourceMap.Api.Layers;

/// <summary>
/// SQL for viewport aggregation. Points are binned on a square grid in Web Mercator (EPSG:3857), whose
/// cell is a fixed number of screen pixels at the requested zoom, so clusters look the same size at every zoom.
/// Statements use only LayerCatalog fragments; every client value is a bound parameter.
/// </summary>
public static class ClusterQueries
{
    /// <summary>
    /// How many of the layer's features the selection holds, counting at most @cap + 1 (cheap on the GiST index). A search
    /// counts a page of ids (LayerQueries.PageIds), so a word found in few rows is not looked for in every row.
    /// </summary>
    public static string CountUpTo(LayerDefinition layer, LayerQueries.FeatureQuery query) => query.Search
        ? LayerQueries.WalkingIdsWhenSearching(query, $"WITH {LayerQueries.PageIds(layer, query, "@cap + 1")}\nSELECT count(*) FROM page")
        : $"""
        SELECT count(*) FROM (SELECT 1 FROM {layer.Table} t WHERE {LayerQueries.Conditions(query)} LIMIT @cap + 1) s
        """;

    /// <summary>
    /// The selection as individual features (id order), at most @limit, returned as one FeatureCollection text and the
    /// number of features in it (the columns of <see cref="ClusterFeatures"/>).
    /// </summary>
    public static string Features(LayerDefinition layer, LayerQueries.FeatureQuery query) => LayerQueries.WalkingIdsWhenSearching(query, $"""
        WITH {LayerQueries.PageIds(layer, query, "@limit")},
        f AS (
            SELECT t.id, {LayerQueries.FeatureJson(layer)}::json AS feature
            FROM page p JOIN {layer.Table} t ON t.id = p.id
        )
        SELECT json_build_object('type', 'FeatureCollection',
            'features', coalesce((SELECT json_agg(feature ORDER BY id) FROM f), '[]'::json))::text,
            (SELECT count(*) FROM f) AS returned, NULL::bigint AS matched, NULL::bigint AS cells
        """);

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
        {ClusterFeatures(layer)}
        """;
    }

    /// <summary>
    /// The pyramid facet (0090, 0097) that answers a selection, or null when it must be aggregated over the points:
    /// '' for a point layer's bbox alone, 'name=value' for a bbox and one value of one faceted filter.
    /// </summary>
    public static string? PyramidFacet(LayerDefinition layer, LayerQueries.FeatureQuery query, IEnumerable<Npgsql.NpgsqlParameter> parameters, int zoom)
    {
        if (layer.GeometryType != "Point" || zoom >= LayerClusters.FeaturesFromZoom
            || query is not { Bbox: true, Search: false, AdminUnit: false, Near: false, After: false } || query.Filters.Count > 1)
            return null;
        if (query.Filters.Count == 0) return "";
        var filter = query.Filters[0];
        if (!filter.Faceted) return null;
        return parameters.FirstOrDefault(p => p.ParameterName == filter.Name)?.Value switch
        {
            string[] { Length: 1 } values => $"{filter.Name}={values[0]}",
            bool flag => $"{filter.Name}={(flag ? "true" : "false")}",
            _ => null,
        };
    }

    /// <summary>
    /// The same clusters as <see cref="Clusters"/> for a bbox-only selection, from the pyramid instead of the points.
    /// The box is cut into the zoom-z cells wholly inside it, then a ring of cells one level finer on each side down
    /// to zoom 14 (each level's interior minus its parent level's), then the points of the last sliver from the
    /// layer itself. Interiors are shrunk by a millimetre so that rounding never counts a point outside the box. Pieces
    /// are merged by their zoom-z cell (column >> levels), so ids, counts, means, extents and order are the same.
    /// Each strip is read by its own index range (OFFSET 0 keeps the planner from hashing a whole level instead).
    /// Its bounds are row comparisons, which only the index in the strip's order can use: written as `cx = … AND cy BETWEEN …`
    /// the forced generic plan read columns through the rows index at 100,000 teams (z6 country 15.6 → 0.8–1.1 ms in psql;
    /// at 1,000,000 teams the comparisons cost 0.05–0.3 ms more, 0.81–0.87 → 0.90–0.97).
    /// Reads @min_lon, @min_lat, @max_lon, @max_lat, @z, @layer_id, @facet and @max_cells, and the faceted filter's
    /// own parameter for the slivers.
    /// </summary>
    public static string PyramidClusters(LayerDefinition layer, LayerFilter? facetFilter = null) => $"""
        WITH b AS (
            SELECT 6378137 * radians(@min_lon::float8) + 1e-3 AS x0, 6378137 * radians(@max_lon::float8) - 1e-3 AS x1,
                   6378137 * ln(tan(pi() / 4 + radians(greatest(least(@min_lat::float8, 85.05), -85.05)) / 2)) + 1e-3 AS y0,
                   6378137 * ln(tan(pi() / 4 + radians(greatest(least(@max_lat::float8, 85.05), -85.05)) / 2)) - 1e-3 AS y1
        ),
        interior AS (
            SELECT l, k.c, floor(b.x0 / k.c)::bigint + 1 AS ix0, floor(b.x1 / k.c)::bigint - 1 AS ix1,
                           floor(b.y0 / k.c)::bigint + 1 AS iy0, floor(b.y1 / k.c)::bigint - 1 AS iy1
            FROM b, generate_series(@z::int, rm_cluster_max_zoom()) l, LATERAL (SELECT rm_cluster_cell_m(l) AS c) k
        ),
        ring AS (
            -- hx0..hy1: the children of the coarser level's interior, already counted there (none at zoom z).
            SELECT i.l, i.ix0, i.ix1, i.iy0, i.iy1,
                   CASE WHEN p.ix0 <= p.ix1 AND p.iy0 <= p.iy1 THEN 2 * p.ix0 END AS hx0, 2 * p.ix1 + 1 AS hx1,
                   2 * p.iy0 AS hy0, 2 * p.iy1 + 1 AS hy1,
                   i.l = @z OR i.ix1 - i.ix0 <= i.iy1 - i.iy0 AS by_columns
            FROM interior i LEFT JOIN interior p ON p.l = i.l - 1
            WHERE i.ix0 <= i.ix1 AND i.iy0 <= i.iy1
        ),
        columns AS (
            SELECT r.l, s AS cx, r.iy0 AS cy0, r.iy1 AS cy1
            FROM ring r
            CROSS JOIN LATERAL (VALUES
                (r.ix0, CASE WHEN r.hx0 IS NOT NULL THEN r.hx0 - 1 WHEN r.by_columns THEN r.ix1 ELSE r.ix0 - 1 END),
                (CASE WHEN r.hx0 IS NOT NULL THEN r.hx1 + 1 ELSE r.ix1 + 1 END, r.ix1)) g(lo, hi)
            CROSS JOIN LATERAL generate_series(g.lo, g.hi) s
        ),
        rows_ AS (
            SELECT r.l, s AS cy, coalesce(r.hx0, r.ix0) AS cx0, CASE WHEN r.hx0 IS NOT NULL THEN r.hx1 ELSE r.ix1 END AS cx1
            FROM ring r
            CROSS JOIN LATERAL (VALUES
                (r.iy0, CASE WHEN r.hx0 IS NOT NULL THEN r.hy0 - 1 WHEN r.by_columns THEN r.iy0 - 1 ELSE r.iy1 END),
                (CASE WHEN r.hx0 IS NOT NULL THEN r.hy1 + 1 ELSE r.iy1 + 1 END, r.iy1)) g(lo, hi)
            CROSS JOIN LATERAL generate_series(g.lo, g.hi) s
        ),
        fine AS (
            -- The zoom-14 interior as lon/lat; when it is empty the slivers are the whole box.
            SELECT i.c, i.ix0, i.ix1, i.iy0, i.iy1, e.*
            FROM interior i
            CROSS JOIN LATERAL (SELECT i.ix0 > i.ix1 OR i.iy0 > i.iy1 AS none) x
            CROSS JOIN LATERAL (SELECT
                CASE WHEN x.none THEN @max_lon::float8 ELSE least(degrees(i.ix0 * i.c / 6378137) + 1e-9, @max_lon::float8) END AS lon_a,
                CASE WHEN x.none THEN @max_lon::float8 ELSE greatest(degrees((i.ix1 + 1) * i.c / 6378137) - 1e-9, @min_lon::float8) END AS lon_b,
                CASE WHEN x.none THEN @max_lat::float8 ELSE least(degrees(2 * atan(exp(i.iy0 * i.c / 6378137)) - pi() / 2) + 1e-9, @max_lat::float8) END AS lat_a,
                CASE WHEN x.none THEN @max_lat::float8 ELSE greatest(degrees(2 * atan(exp((i.iy1 + 1) * i.c / 6378137)) - pi() / 2) - 1e-9, @min_lat::float8) END AS lat_b) e
            WHERE i.l = rm_cluster_max_zoom()
        ),
        slivers AS (
            SELECT t.id, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
            FROM {layer.Table} t
            WHERE (t.geom && ST_MakeEnvelope(@min_lon, @min_lat, (SELECT lon_a FROM fine), @max_lat, 4326)
                OR t.geom && ST_MakeEnvelope((SELECT lon_b FROM fine), @min_lat, @max_lon, @max_lat, 4326)
                OR t.geom && ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, (SELECT lat_a FROM fine), 4326)
                OR t.geom && ST_MakeEnvelope(@min_lon, (SELECT lat_b FROM fine), @max_lon, @max_lat, 4326))
              AND ST_Intersects(t.geom, ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, @max_lat, 4326))
              AND {facetFilter?.Sql ?? "TRUE"}
        ),
        pieces AS (
            SELECT c.cx >> (c.z - @z::int) AS cx, c.cy >> (c.z - @z::int) AS cy, c.n, c.sum_lon, c.sum_lat,
                   c.min_lon, c.min_lat, c.max_lon, c.max_lat, c.first_id
            FROM columns v CROSS JOIN LATERAL (
                SELECT * FROM cluster_cells c WHERE c.layer = @layer_id AND c.facet = @facet AND c.z = v.l AND (c.cx, c.cy) >= (v.cx, v.cy0) AND (c.cx, c.cy) <= (v.cx, v.cy1)
                OFFSET 0) c
            UNION ALL
            SELECT c.cx >> (c.z - @z::int), c.cy >> (c.z - @z::int), c.n, c.sum_lon, c.sum_lat,
                   c.min_lon, c.min_lat, c.max_lon, c.max_lat, c.first_id
            FROM rows_ h CROSS JOIN LATERAL (
                SELECT * FROM cluster_cells c WHERE c.layer = @layer_id AND c.facet = @facet AND c.z = h.l AND (c.cy, c.cx) >= (h.cy, h.cx0) AND (c.cy, c.cx) <= (h.cy, h.cx1)
                OFFSET 0) c
            UNION ALL
            SELECT k.cx >> (rm_cluster_max_zoom() - @z::int), k.cy >> (rm_cluster_max_zoom() - @z::int), 1, s.lon, s.lat,
                   s.lon, s.lat, s.lon, s.lat, s.id
            FROM slivers s, fine f
            CROSS JOIN LATERAL (SELECT rm_cluster_cx(s.lon, f.c) AS cx, rm_cluster_cy(s.lat, f.c) AS cy) k
            WHERE NOT (k.cx BETWEEN f.ix0 AND f.ix1 AND k.cy BETWEEN f.iy0 AND f.iy1)
        ),
        cells AS (
            SELECT cx, cy, sum(n) AS n, sum(sum_lon) / sum(n) AS lon, sum(sum_lat) / sum(n) AS lat,
                   min(min_lon) AS min_lon, min(min_lat) AS min_lat, max(max_lon) AS max_lon, max(max_lat) AS max_lat,
                   min(first_id) AS first_id, sum(sum(n)) OVER () AS total, count(*) OVER () AS cells
            FROM pieces
            GROUP BY cx, cy
            ORDER BY n DESC, cx, cy
            LIMIT @max_cells
        ),
        {ClusterFeatures(layer)}
        """;

    /// <summary>
    /// The cells as GeoJSON (a lone feature for a cell of one) and the FeatureCollection around them, with the counts
    /// the endpoint reports beside it (features returned, matched, cells), so the text need not be parsed again.
    /// </summary>
    static string ClusterFeatures(LayerDefinition layer) => $"""
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
            'cells', coalesce(max(cells), 0))::text,
            count(*) AS returned, coalesce(max(total), 0)::bigint AS matched, coalesce(max(cells), 0)::bigint AS cells
        FROM f
        """;
}
