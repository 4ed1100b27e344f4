namespace ResourceMap.Api.Teams;

public static class TeamQueries
{
    /// <summary>A team as a GeoJSON Feature; private contacts only when @private (a coordinator or the team's own lead).</summary>
    public const string FeatureById = """
        SELECT json_build_object('type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.geom, 6)::json,
            'properties', jsonb_build_object('name', t.name, 'team_type', t.team_type, 'parent_unit', t.parent_unit,
                'admin_code', t.admin_code, 'skills', t.skills, 'languages', t.languages, 'members', t.members,
                'capacity', t.capacity, 'status', t.status, 'founded_on', t.founded_on, 'description', t.description,
                'public_phone', t.public_phone, 'public_email', t.public_email, 'public_url', t.public_url,
                'service_radius_m', t.service_radius_m, 'has_service_area', t.service_area IS NOT NULL,
                'last_assigned_at', t.last_assigned_at, 'updated_at', t.updated_at,
                'availability', coalesce((SELECT jsonb_agg(jsonb_build_object('from', lower(a.period), 'to', upper(a.period) - 1) ORDER BY lower(a.period))
                                          FROM team_availability a WHERE a.team_id = t.id), '[]'::jsonb),
                'committed', coalesce((SELECT jsonb_agg(jsonb_build_object('need_id', a.need_id, 'assignment_id', a.id, 'volunteers', a.volunteers,
                                          'status', a.status, 'from', lower(a.period), 'to', upper(a.period) - 1) ORDER BY lower(a.period), a.id)
                                       FROM assignments a WHERE a.team_id = t.id AND a.status IN ('proposed', 'accepted')), '[]'::jsonb),
                'source_id', t.source_id, 'is_sample', t.is_sample,
                'external_id', t.external_id, 'location_approximate', t.location_approximate)
            || CASE WHEN @private THEN jsonb_build_object('private_contact_name', t.private_contact_name,
                        'private_phone', t.private_phone, 'private_email', t.private_email) ELSE '{}'::jsonb END
        )::text
        FROM teams t WHERE t.id = @id
        """;

    public const string LockTeam = "SELECT id FROM teams WHERE id = @id FOR UPDATE";

    public const string DeleteAvailability = "DELETE FROM team_availability WHERE team_id = @id";

    public const string InsertAvailability = """
        INSERT INTO team_availability (team_id, period)
        SELECT @id, daterange(f, t, '[]') FROM unnest(@froms::date[], @tos::date[]) AS p(f, t)
        """;

    public const string Touch = "UPDATE teams SET updated_at = now() WHERE id = @id";

    public const string UnknownSkills = """
        SELECT coalesce(array_agg(s ORDER BY s), '{}') FROM unnest(@skills::text[]) s
        WHERE NOT EXISTS (SELECT 1 FROM skills k WHERE k.code = s)
        """;

    /// <summary>
    /// The columns PATCH /api/teams/{id} may set. The UPDATE is assembled from these fixed names only;
    /// every value is a bound parameter.
    /// </summary>
    public static readonly IReadOnlyList<string> Editable =
    [
        "capacity", "members", "status", "skills", "service_radius_m", "description",
        "public_phone", "public_email", "public_url", "private_contact_name", "private_phone", "private_email",
        // registry (issue 9)
        "name", "team_type", "parent_unit", "languages", "founded_on", "location", "service_area", "external_id",
    ];

    /// <summary>location and service_area arrive as EWKB; a moved team takes the admin unit it now lies in.</summary>
    public static string Update(IEnumerable<string> columns) =>
        $"UPDATE teams SET {string.Join(", ", columns.Select(c => c switch
        {
            "location" => "geom = ST_GeomFromEWKB(@location), admin_code = coalesce(rm_lowest_admin_code(ST_GeomFromEWKB(@location), rm_today()), admin_code), location_approximate = false",
            "service_area" => "service_area = ST_GeomFromEWKB(@service_area)",
            _ => $"{c} = @{c}",
        }))}, updated_at = now() WHERE id = @id";
}
