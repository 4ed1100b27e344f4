namespace ResourceMap.Api.AdminUnits;

/// <summary>SQL for versioned admin units. Validity is [valid_from, valid_to): valid_to is the first day it no longer applies.</summary>
public static class AdminUnitQueries
{
    // Geometry detail is a fixed choice, not client text: none, simplified (~100 m, for maps) or full.
    static string Geometry(string detail) => detail switch
    {
        "none" => "NULL::json",
        "full" => "ST_AsGeoJSON(a.geom, 6)::json",
        _ => "ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(a.geom, 0.001)), 5)::json",
    };

    static string FeatureJson(string detail) => $"""
        json_build_object('type', 'Feature', 'id', a.id, 'geometry', {Geometry(detail)},
            'properties', json_build_object('code', a.code, 'level', a.level, 'parent_code', a.parent_code,
                'name', a.name, 'name_en', a.name_en, 'valid_from', a.valid_from, 'valid_to', a.valid_to,
                'source_id', a.source_id, 'is_sample', a.is_sample))::text
        """;

    const string InForce = "a.valid_from <= @date AND (a.valid_to IS NULL OR a.valid_to > @date)";

    public static string List(string detail, bool level, bool parent, bool search, bool after) =>
        $"""
        SELECT a.id, {FeatureJson(detail)}
        FROM admin_units a
        WHERE {InForce}
          {(level ? "AND a.level = @level" : "")}
          {(parent ? "AND a.parent_code = @parent" : "")}
          {(search ? "AND a.search_text LIKE ALL (rm_like_patterns(@q))" : "")}
          {(after ? "AND a.id > @after" : "")}
        ORDER BY a.id
        LIMIT @limit + 1
        """;

    /// <summary>Every unit, at every level, whose polygon holds the point on that date (smallest last).</summary>
    public static string At(string detail) => $"""
        SELECT a.id, {FeatureJson(detail)}
        FROM admin_units a
        WHERE {InForce}
          AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326))
        ORDER BY array_position(ARRAY['country', 'province', 'district', 'commune'], a.level)
        LIMIT @limit + 1
        """;

    /// <summary>
    /// What a code means on @date: the units in force then (country → commune) that hold a point inside the code's own
    /// version (ST_PointOnSurface), e.g. 51601 (Trà Mai, 2008–2025) → Việt Nam, 48 Đà Nẵng. A unit without a polygon
    /// (a commune since July 2025) resolves to itself and its parent by code. Records keep the code in force when made.
    /// </summary>
    public static string InForceFor(string detail) => $"""
        WITH u AS (SELECT a.code, a.parent_code, a.geom FROM admin_units a WHERE a.id = rm_admin_unit_version(@code, @date)),
             p AS (SELECT ST_PointOnSurface(u.geom) AS pt FROM u WHERE u.geom IS NOT NULL)
        SELECT a.id, {FeatureJson(detail)}
        FROM admin_units a
        WHERE {InForce}
          AND (ST_Intersects(a.geom, (SELECT pt FROM p))
               OR (EXISTS (SELECT 1 FROM u) AND NOT EXISTS (SELECT 1 FROM p)
                   AND (a.code IN (SELECT code FROM u UNION ALL SELECT parent_code FROM u) OR a.level = 'country')))
        ORDER BY array_position(ARRAY['country', 'province', 'district', 'commune'], a.level), a.id
        LIMIT @limit + 1
        """;

    /// <summary>One code: the version in force on @date if there is one, otherwise the latest version.</summary>
    public static string ByCode(string detail) => $"""
        SELECT a.id, {FeatureJson(detail)}
        FROM admin_units a
        WHERE a.code = @code
        ORDER BY ({InForce}) DESC, a.valid_from DESC
        LIMIT 1
        """;

}
