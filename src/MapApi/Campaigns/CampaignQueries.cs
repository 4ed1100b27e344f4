namespace ResourceMap.Api.Campaigns;

public static class CampaignQueries
{
    /// <summary>Whether a unit code names an admin unit (any version).</summary>
    public const string UnitExists = "SELECT EXISTS (SELECT 1 FROM admin_units WHERE code = @code)";

    /// <summary>Whether unit @code (its version in force today, else latest) lies inside the coordinator's scope unit.</summary>
    public const string UnitInScope = """
        SELECT EXISTS (SELECT 1 FROM admin_units s, admin_units u
                       WHERE s.id = rm_admin_unit_version(@scope, rm_today()) AND u.id = rm_admin_unit_version(@code, rm_today())
                         AND ST_Covers(s.geom, ST_PointOnSurface(u.geom)))
        """;
}
