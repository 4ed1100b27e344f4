namespace ResourceMap.Api.Activities;

/// <summary>Spatial SQL of the activities capability (parameterised; run through the EF data source, which reads geometry as NetTopologySuite).</summary>
public static class ActivityQueries
{
    /// <summary>A point inside an admin unit (its version in force on @date, else the latest).</summary>
    public const string UnitPoint = """
        SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
            SELECT ST_PointOnSurface(geom) AS p FROM admin_units WHERE id = rm_admin_unit_version(@code, @date)) s
        """;

    /// <summary>The lowest admin unit in force on @date containing the point (commune, else district, else province).</summary>
    public const string LowestUnitAt = """
        SELECT code FROM admin_units
        WHERE level <> 'country' AND valid_from <= @date AND (valid_to IS NULL OR valid_to > @date)
          AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326))
        ORDER BY CASE level WHEN 'commune' THEN 0 WHEN 'district' THEN 1 ELSE 2 END
        LIMIT 1
        """;

    /// <summary>The geometry of a unit code, its version in force on @date, else the latest (used as an EF parameter).</summary>
    public const string UnitGeometry = "SELECT geom FROM admin_units WHERE id = rm_admin_unit_version(@code, @date)";

    public const string UnitExists = "SELECT EXISTS (SELECT 1 FROM admin_units WHERE code = @code)";
    public const string TeamExists = "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @id)";
    public const string NeedExists = "SELECT EXISTS (SELECT 1 FROM needs WHERE id = @id)";
}
