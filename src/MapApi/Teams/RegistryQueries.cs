namespace ResourceMap.Api.Teams;

/// <summary>SQL of the team registry (the CRUD itself goes through EF Core, see RegistryDb).</summary>
public static class RegistryQueries
{
    /// <summary>The editable state of a team as jsonb text, compared before and after an edit for the history.</summary>
    public const string Snapshot = """
        SELECT (to_jsonb(t) - 'geom' - 'service_area' - 'search_text' - 'admin_names' - 'updated_at' - 'created_at' - 'last_assigned_at' - 'feature_text'
                || jsonb_build_object('location', ST_AsGeoJSON(t.geom, 6)::jsonb, 'service_area', ST_AsGeoJSON(t.service_area, 6)::jsonb))::text
        FROM teams t WHERE t.id = @id
        """;

    public const string InsertHistory = """
        INSERT INTO team_history (team_id, action, changed_by, changes) VALUES (@team_id, @action, @changed_by, @changes::jsonb)
        """;

    /// <summary>Teams within @radius_m of a point whose folded name is trigram-similar to @name (the index on rm_fold(name) serves %).</summary>
    public const string Similar = """
        SELECT t.id, t.name, t.status,
               round(ST_Distance(t.geom::geography, p.g::geography)::numeric, 0)::float8 AS distance_m,
               round(similarity(rm_fold(t.name), rm_fold(@name))::numeric, 2)::float8 AS similarity
        FROM (SELECT ST_SetSRID(ST_MakePoint(@lon, @lat), 4326) AS g) p
        JOIN teams t ON ST_DWithin(t.geom::geography, p.g::geography, @radius_m)
        WHERE t.id <> @exclude AND similarity(rm_fold(t.name), rm_fold(@name)) >= @threshold
        ORDER BY similarity DESC, distance_m, t.id
        LIMIT 5
        """;

    /// <summary>Records created in the registry or by an import cite this source (real data entered by units, not a sample).</summary>
    public const string EnsureSource = """
        INSERT INTO data_sources (id, title, title_vi, licence, accuracy, is_sample)
        VALUES (@id, @title, @title_vi, 'Youth Union internal records', @accuracy, false)
        ON CONFLICT (id) DO NOTHING
        """;

    public const string RegistrySource = "registry";
    public const string ImportSource = "unit-import";

    public static readonly (string Id, string Title, string TitleVi, string Accuracy)[] Sources =
    [
        (RegistrySource, "Entered in the ResourceMap registry by Youth Union coordinators and team leads",
            "Sổ đăng ký đội trên ResourceMap, do cán bộ Đoàn và đội trưởng nhập",
            "As entered by the unit; the position was clicked on the map or typed as coordinates."),
        (ImportSource, "Imported by Youth Union units from their own lists (POST /api/imports)",
            "Danh sách do các đơn vị Đoàn nhập vào (POST /api/imports)",
            "As supplied by the unit; rows located only by an admin unit name sit at that unit's centre (location_approximate = true)."),
    ];
}
