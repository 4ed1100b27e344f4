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
            // Not the trigram index (SearchQueries.LikeEveryWord): a page in id order is answered by walking ids until
            // it is full, 2–3 ms at a million teams for a place name in thousands of rows, where the index costs 37–81 ms
            // (a rare word walks the whole table instead: 0.6 s).
            sql.Append("\n  AND t.search_text LIKE ALL (rm_like_patterns(@q))");
        if (query.AdminUnit)
            // A unit without a polygon (a commune since July 2025 before its boundary is imported) matches the records naming its code.
            sql.Append("\n  AND (ST_Intersects(t.geom, (SELECT a.geom FROM admin_units a WHERE a.id = @admin_unit_id))" +
                       " OR t.admin_code = (SELECT a.code FROM admin_units a WHERE a.id = @admin_unit_id AND a.geom IS NULL))");
        foreach (var filter in query.Filters)
            sql.Append("\n  AND ").Append(filter.Sql);
        return sql.ToString();
    }

    /// <summary>
    /// One page of features in id order (keyset paging), plus one row to tell whether a next page exists. The ids are
    /// chosen first (for a bbox, an index-only scan of the covering GiST index); JSON is built for the page's rows only.
    /// </summary>
    public static string Features(LayerDefinition layer, FeatureQuery query)
    {
        var sql = new StringBuilder($"WITH page AS MATERIALIZED (\nSELECT t.id FROM {layer.Table} t\nWHERE {Conditions(query)}");
        if (query.After)
            sql.Append("\n  AND t.id > @after");
        sql.Append($"\nORDER BY t.id\nLIMIT @limit + 1)\nSELECT t.id, {FeatureJson(layer)}\nFROM page p JOIN {layer.Table} t ON t.id = p.id\nORDER BY t.id");
        return WalkingIdsWhenSearching(query, sql.ToString());
    }

    /// <summary>
    /// A page of a text search (<see cref="Conditions"/>: LIKE ALL, which no index answers) walks ids until it is full.
    /// The planner multiplies the words' frequencies as if they were independent ("quang" and "nam" together: 163 rows
    /// expected of 100,000 teams, 1,786 found), so at 100,000 teams it reads the whole table and sorts instead (30–47 ms
    /// against 2–4 ms in psql for the bench's six place names). A word found nowhere reads every row either way.
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
