using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Export;

/// <summary>
/// The SQL behind layer exports: the layer's own public properties (LayerCatalog) and WHERE conditions
/// (LayerQueries.Conditions), plus the private fields of the rows this viewer may see. Assembled from fixed
/// fragments only; every value is a bound parameter.
/// </summary>
public static class ExportQueries
{
    /// <summary>
    /// The rows whose private fields the viewer may read, as the single-record endpoints decide it:
    /// a coordinator inside their scope (or nationwide without one), a team's own lead for the team,
    /// the lead of a team accepted on a need for that need.
    /// </summary>
    const string InScope = """
        (@coordinator AND (@scope::text IS NULL OR EXISTS (SELECT 1 FROM admin_units s
            WHERE s.id = rm_admin_unit_version(@scope::text, rm_today()) AND ST_Intersects(s.geom, t.geom))))
        """;

    public sealed record PrivateFields(IReadOnlyList<string> Names, string Sql, string Allowed);

    public static readonly IReadOnlyDictionary<string, PrivateFields> Private = new Dictionary<string, PrivateFields>
    {
        ["teams"] = new(["private_contact_name", "private_phone", "private_email"],
            "jsonb_build_object('private_contact_name', t.private_contact_name, 'private_phone', t.private_phone, 'private_email', t.private_email)",
            $"({InScope} OR t.id = @viewer_team::bigint)"),
        ["needs"] = new(["restricted_details"],
            "jsonb_build_object('restricted_details', t.restricted_details)",
            $"({InScope} OR EXISTS (SELECT 1 FROM assignments a WHERE a.need_id = t.id AND a.team_id = @viewer_team::bigint AND a.status = 'accepted'))"),
    };

    public enum Geometry { LonLat, Wkt, GeoJson, Kml }

    static string GeometrySql(Geometry g) => g switch
    {
        Geometry.LonLat => "round(ST_X(t.geom)::numeric, 6)::text, round(ST_Y(t.geom)::numeric, 6)::text",
        Geometry.Wkt => "ST_AsText(t.geom, 6), NULL::text",
        Geometry.GeoJson => "ST_AsGeoJSON(t.geom, 6), NULL::text",
        Geometry.Kml => "ST_AsKML(t.geom, 6), NULL::text",
        _ => throw new ArgumentOutOfRangeException(nameof(g)),
    };

    /// <summary>(id, properties jsonb as text, geometry 1, geometry 2) in id order, at most @cap rows.</summary>
    public static string Rows(LayerDefinition layer, LayerQueries.FeatureQuery query, Geometry geometry, bool withPrivate)
    {
        var properties = layer.PropertiesSql.Trim();
        if (withPrivate && Private.TryGetValue(layer.Id, out var p))
            properties = $"{properties} || CASE WHEN {p.Allowed} THEN {p.Sql} ELSE '{{}}'::jsonb END";
        return $"""
            SELECT t.id, ({properties})::text, {GeometrySql(geometry)}
            FROM {layer.Table} t
            WHERE {LayerQueries.Conditions(query)}
            ORDER BY t.id
            LIMIT @cap
            """;
    }

    public static string Count(LayerDefinition layer, LayerQueries.FeatureQuery query) =>
        $"SELECT count(*) FROM {layer.Table} t WHERE {LayerQueries.Conditions(query)}";
}
