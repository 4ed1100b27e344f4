using System.Text;

namespace ResourceMap.Api.Layers;

/// <summary>
/// The SQL behind the layer endpoints. Statements are assembled only from the fixed fragments of
/// LayerCatalog; every value a client sends is a bound parameter.
/// </summary>
public static class LayerQueries
{
    /// <summary>
    /// One GeoJSON Feature as text (alias t): the row's stored text where the layer keeps it (StoredFeatures), else built.
    /// A stored text is missing only between the migration that adds the column and the API filling it.
    /// </summary>
    public static string FeatureJson(LayerDefinition layer) => layer.StoresFeature
        ? $"coalesce(t.feature_text, {BuiltFeatureJson(layer, "@layer_id::text")})"
        : BuiltFeatureJson(layer, "@layer_id::text");

    /// <summary>
    /// A Feature built from the row's columns. Written out rather than json_build_object(…, ST_AsGeoJSON(…)::json, …), which
    /// parses each geometry back into json and prints every member again; the text is byte for byte what json_build_object
    /// printed (FeaturesEquivalenceTests). Parenthesised: callers cast it (::json), which binds tighter than ||.
    /// </summary>
    public static string BuiltFeatureJson(LayerDefinition layer, string layerIdSql) => $$"""
        ('{"type" : "Feature", "id" : ' || t.id || ', "geometry" : ' || ST_AsGeoJSON(t.geom, 6)
            || ', "properties" : ' || ({{layer.PropertiesSql.Trim()}} || jsonb_build_object('layer', {{layerIdSql}}))::text || '}')
        """;

    public sealed record FeatureQuery(
        bool Bbox, bool Search, bool AdminUnit, bool After, IReadOnlyList<LayerFilter> Filters, bool Near = false);

    /// <summary>The WHERE conditions shared by the features and clusters endpoints (alias t).</summary>
    public static string Conditions(FeatureQuery query)
    {
        var sql = new StringBuilder("TRUE");
        if (query.Bbox)
            // The index's && compares single-precision boxes rounded outwards (it may keep a point a metre outside the box):
            // ST_Intersects is the exact test. Spelling && out lets the planner see the bbox's real selectivity and answer
            // it from the covering (geom) INCLUDE (id, geom) index alone. (ST_X/ST_Y BETWEEN is exact for points and a
            // third of the cost, but the planner then guesses 0.005² of the rows and picks a GIN scan for a capped count.)
            // The exact test is needed only near the edges: a geometry whose single-precision box lies within the box
            // shrunk by 0.0001° lies within the box (a float's rounding error is under 0.000016° up to 180°), so only
            // the rest pay for ST_Intersects (29,504 teams in a province box at 1,000,000: 14.5 → 7.9 ms for a page of
            // ids). A CASE, not an OR: the planner would turn an OR into two bitmap scans and read the heap.
            sql.Append("\n  AND t.geom && ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, @max_lat, 4326)")
               .Append("\n  AND CASE WHEN @max_lon - @min_lon > 0.0002 AND @max_lat - @min_lat > 0.0002")
               .Append("\n                AND t.geom @ ST_MakeEnvelope(@min_lon + 0.0001, @min_lat + 0.0001, @max_lon - 0.0001, @max_lat - 0.0001, 4326) THEN true")
               .Append("\n           ELSE ST_Intersects(t.geom, ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, @max_lat, 4326)) END");
        if (query.Near)
            // Metres on the spheroid; the form matches the (geom::geography) GiST indexes on teams and needs.
            sql.Append("\n  AND ST_DWithin(t.geom::geography, ST_SetSRID(ST_MakePoint(@near_lon, @near_lat), 4326)::geography, @radius_m)");
        if (query.Search)
            // A page answers it by walking ids, then the trigram index (PageIds).
            sql.Append("\n  AND ").Append(SearchCondition);
        if (query.AdminUnit)
            // A unit without a polygon (a commune since July 2025 before its boundary is imported) matches the records naming its code.
            sql.Append("\n  AND (ST_Intersects(t.geom, (SELECT a.geom FROM admin_units a WHERE a.id = @admin_unit_id))" +
                       " OR t.admin_code = (SELECT a.code FROM admin_units a WHERE a.id = @admin_unit_id AND a.geom IS NULL))");
        foreach (var filter in query.Filters)
            sql.Append("\n  AND ").Append(filter.Sql);
        return sql.ToString();
    }

    /// <summary>Every word of @q, folded, somewhere in the row's search text (names, units, places; no diacritics).</summary>
    const string SearchCondition = "t.search_text LIKE ALL (rm_like_patterns(@q))";

    /// <summary>
    /// One page of features in id order (keyset paging), plus one row to tell whether a next page exists. The ids are
    /// chosen first (for a bbox, an index-only scan of the covering GiST index); JSON is built for the page's rows only.
    /// A search page is prepared with its generic plan (<see cref="PrepareFeatures"/>).
    /// </summary>
    public static string Features(LayerDefinition layer, FeatureQuery query)
    {
        var sql = $"WITH {PageIds(layer, query, "@limit + 1")}\nSELECT t.id, {FeatureJson(layer)}\nFROM page p JOIN {layer.Table} t ON t.id = p.id\nORDER BY t.id";
        return PrepareFeatures(query) ? WalkingIdsWhenSearching(query, Infrastructure.Database.WithGenericPlan(sql)) : sql;
    }

    /// <summary>
    /// Whether <see cref="Features"/> is run prepared: a search page's plan is the same for every query (its words are
    /// read once, from the `words` CTE), and planning its walk, index fallback and bounds each time cost more than
    /// running it (pgbench at 1,000,000 teams, the bench's six place names: 4.9 ms a page planned each time, 2.8
    /// prepared, 2.45 for the unbounded walk this replaced). Other pages are planned per request: how big the box is
    /// decides their plan.
    /// </summary>
    public static bool PrepareFeatures(FeatureQuery query) => query.Search;

    /// <summary>
    /// The rows a search page walks in id order before it asks the trigram index, for a page of `limit` rows: 2.4·√(limit
    /// × the table's rows), at least 1,000. Walking costs ~0.55 µs a row and the index ~3 µs a matching row (at 1,000,000
    /// teams), so walking fills a page more cheaply unless fewer than limit / this many rows match; rarer words go to the
    /// index. For 101 rows: ~24,000 at 1,000,000 teams, ~7,600 at 100,000; a small table is walked whole.
    /// </summary>
    static string DefaultWalk(LayerDefinition layer, string limit) =>
        $"(SELECT greatest(1000, round(2.4 * sqrt(({limit}) * greatest(c.reltuples, 0))))::int FROM pg_class c WHERE c.oid = '{layer.Table}'::regclass)";

    /// <summary>
    /// CTEs ending in `page`: the ids of the selection's first `limit` rows in id order (after @after if query.After).
    /// No index yields a text search's matches in id order. Walking ids and testing LIKE ALL fills a page of 101 for a
    /// place name in thousands of rows within ~6,000 rows (2–5 ms at 1,000,000 teams, where the trigram index costs
    /// 37–81 ms to find and sort every match), but a rare word walks the whole table (0.6–2.2 s at a million for
    /// "quang nma"). So the walk reads at most `walk` rows (<see cref="DefaultWalk"/>); if the page is not full by then,
    /// the trigram index finds the matches beyond the last row walked (SearchQueries.LikeEveryWord), and they complete
    /// the page: a typo costs 20 ms through the API instead of 0.56 s. The one-time filter leaves the index unread, and
    /// the last walked id unlooked-for, when the walk filled the page. The words are read once, in `words`, so that a prepared plan serves any
    /// query. FeaturesEquivalenceTests compares every walk length with the plain walk.
    /// </summary>
    public static string PageIds(LayerDefinition layer, FeatureQuery query, string limit, string? walk = null)
    {
        var after = query.After ? "\n  AND t.id > @after" : "";
        if (!query.Search)
            return $"page AS MATERIALIZED (\nSELECT t.id FROM {layer.Table} t\nWHERE {Conditions(query)}{after}\nORDER BY t.id\nLIMIT {limit})";
        var others = Conditions(query with { Search = false }) + after;
        return $"""
            walk AS MATERIALIZED (SELECT greatest(1, {walk ?? DefaultWalk(layer, limit)}) AS n),
            words AS MATERIALIZED (SELECT rm_like_patterns(@q) AS every, rm_like_words(@q) AS longest),
            walked AS MATERIALIZED (
                SELECT t.id FROM (SELECT t.id, t.search_text FROM {layer.Table} t WHERE {others}
                                  ORDER BY t.id LIMIT (SELECT n FROM walk)) t
                WHERE t.search_text LIKE ALL ((SELECT every FROM words)::text[])
                LIMIT {limit}),
            beyond AS MATERIALIZED (
                SELECT t.id FROM {layer.Table} t
                WHERE (SELECT count(*) FROM walked) < {limit}
                  AND t.id > (SELECT t.id FROM {layer.Table} t WHERE {others} ORDER BY t.id OFFSET (SELECT n FROM walk) - 1 LIMIT 1)
                  AND {others}
                  AND {Search.SearchQueries.LikeEveryWord("t.search_text", "(SELECT longest FROM words)::text[]")}),
            page AS MATERIALIZED (SELECT id FROM walked UNION ALL SELECT id FROM beyond ORDER BY id LIMIT {limit})
            """;
    }

    /// <summary>
    /// A search page's walk (PageIds) must walk ids in order: the planner multiplies the words' frequencies as if they were
    /// independent ("quang" and "nam" together: 163 rows expected of 100,000 teams, 1,786 found), so at 100,000 teams it
    /// would read the whole table and sort instead (30–47 ms against 2–4 ms in psql for the bench's six place names).
    /// </summary>
    public static string WalkingIdsWhenSearching(FeatureQuery query, string sql) =>
        query.Search ? Infrastructure.Database.WithSetting("enable_seqscan", "off", sql) : sql;

    public static string FeatureById(LayerDefinition layer) =>
        $"SELECT t.id, {FeatureJson(layer)}\nFROM {layer.Table} t\nWHERE t.id = @id";

    /// <summary>Feature count and extent of every layer in one round trip.</summary>
    public static string Summaries() => string.Join("\nUNION ALL\n", LayerCatalog.All.Select(l => $"""
        SELECT '{l.Id}' AS id, count(*) AS features,
               ST_XMin(ST_Extent(geom)) AS min_lon, ST_YMin(ST_Extent(geom)) AS min_lat,
               ST_XMax(ST_Extent(geom)) AS max_lon, ST_YMax(ST_Extent(geom)) AS max_lat
        FROM {l.Table}
        """));

    /// <summary>
    /// The version of an admin unit code to filter by: the one in force on @date if any, else the latest.
    /// Codes are versioned because the 2025 reorganisation merged provinces.
    /// </summary>
    public const string ResolveAdminUnit = "SELECT rm_admin_unit_version(@code, @date)";
}
