namespace ResourceMap.Api.Needs;

/// <summary>
/// The SQL of the needs lifecycle and of assignments. Writers lock rows in one order — the need,
/// then the team, then the assignment — so two coordinators acting at once queue instead of deadlocking,
/// and the second sees what the first committed.
/// </summary>
public static class NeedQueries
{
    /// <summary>Source row for records entered through the API (created on first use, so the seed loader still sees an empty database).</summary>
    public const string EnsureAppSource = """
        INSERT INTO data_sources (id, title, title_vi, licence, accuracy, is_sample)
        VALUES ('resourcemap-app', 'Entered by coordinators and team leads in ResourceMap',
                'Nhập bởi cán bộ điều phối và đội trưởng trên ResourceMap', 'internal', 'as reported', false)
        ON CONFLICT (id) DO NOTHING
        """;

    public const string UnknownSkills = """
        SELECT coalesce(array_agg(s ORDER BY s), '{}') FROM unnest(@skills::text[]) s
        WHERE NOT EXISTS (SELECT 1 FROM skills k WHERE k.code = s)
        """;

    public const string VillagePoint = "SELECT ST_X(geom), ST_Y(geom), admin_code FROM hardship_villages WHERE id = @id";

    /// <summary>A point surely inside the admin unit with this code as in force today (the lowest level if codes repeat).</summary>
    public const string AdminUnitPoint = """
        SELECT ST_X(p), ST_Y(p) FROM (
            SELECT ST_PointOnSurface(a.geom) AS p
            FROM admin_units a
            WHERE a.code = @code AND a.valid_from <= rm_today() AND (a.valid_to IS NULL OR a.valid_to > rm_today())
            ORDER BY array_position(ARRAY['commune', 'district', 'province', 'country'], a.level)
            LIMIT 1) x
        """;

    /// <summary>The lowest admin unit in force containing the point; no row = outside Vietnam's admin units.</summary>
    public const string ContainingAdminUnit = """
        SELECT a.code, a.level
        FROM admin_units a
        WHERE a.valid_from <= rm_today() AND (a.valid_to IS NULL OR a.valid_to > rm_today())
          AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326))
        ORDER BY array_position(ARRAY['commune', 'district', 'province', 'country'], a.level)
        LIMIT 1
        """;

    public const string Insert = """
        INSERT INTO needs (title, category, required_skills, volunteers_needed, window_start, window_end, priority,
                           public_summary, restricted_details, village_id, admin_code, geom, created_by, source_id, is_sample)
        VALUES (@title, @category, @skills, @volunteers, @window_start, @window_end, @priority,
                @public_summary, @restricted::jsonb, @village_id, @admin_code, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326),
                @by, 'resourcemap-app', false)
        RETURNING id
        """;

    public const string InsertHistory = """
        INSERT INTO need_status_history (need_id, from_status, to_status, changed_by, note)
        VALUES (@need_id, @from, @to, @by, @note)
        """;

    public const string SetStatus = "UPDATE needs SET status = @to, updated_at = now() WHERE id = @need_id";

    /// <summary>
    /// A need as a GeoJSON Feature. Beneficiary details (restricted_details) are added only when
    /// @restricted (a coordinator, inside their @scope if they have one) or when @viewer_team holds an accepted
    /// assignment on it (the team that goes there). Usernames (who recorded, proposed, decided) only for
    /// @signed_in viewers: a public list of account names would help password guessing.
    /// </summary>
    const string FeatureJson = """
        json_build_object('type', 'Feature', 'id', n.id, 'geometry', ST_AsGeoJSON(n.geom, 6)::json,
            'properties', jsonb_build_object(
                'title', n.title, 'category', n.category, 'required_skills', n.required_skills,
                'volunteers_needed', n.volunteers_needed,
                'volunteers_proposed', (SELECT coalesce(sum(a.volunteers), 0) FROM assignments a WHERE a.need_id = n.id AND a.status = 'proposed'),
                'volunteers_accepted', (SELECT coalesce(sum(a.volunteers), 0) FROM assignments a WHERE a.need_id = n.id AND a.status = 'accepted'),
                'window_start', n.window_start, 'window_end', n.window_end, 'priority', n.priority, 'status', n.status,
                'next_statuses', coalesce((SELECT jsonb_agg(x.to_status ORDER BY x.to_status) FROM need_transitions x
                                           WHERE x.from_status = n.status AND x.manual), '[]'::jsonb),
                'public_summary', n.public_summary, 'village_id', n.village_id, 'admin_code', n.admin_code,
                'created_by', CASE WHEN @signed_in THEN n.created_by END, 'created_at', n.created_at, 'updated_at', n.updated_at,
                'source_id', n.source_id, 'is_sample', n.is_sample,
                'status_history', coalesce((SELECT jsonb_agg(jsonb_build_object('from', h.from_status, 'to', h.to_status,
                        'by', CASE WHEN @signed_in THEN h.changed_by END, 'at', h.changed_at, 'note', h.note) ORDER BY h.changed_at, h.id)
                    FROM need_status_history h WHERE h.need_id = n.id), '[]'::jsonb),
                'assignments', coalesce((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'team_id', a.team_id, 'team_name', t.name,
                        'volunteers', a.volunteers, 'status', a.status, 'proposed_by', CASE WHEN @signed_in THEN a.proposed_by END, 'proposed_at', a.proposed_at,
                        'decided_by', CASE WHEN @signed_in THEN a.decided_by END, 'decided_at', a.decided_at, 'note', a.note) ORDER BY a.id)
                    FROM assignments a JOIN teams t ON t.id = a.team_id WHERE a.need_id = n.id), '[]'::jsonb))
            || CASE WHEN (@restricted AND (@scope::text IS NULL OR EXISTS (SELECT 1 FROM admin_units s
                              WHERE s.id = rm_admin_unit_version(@scope::text, rm_today()) AND ST_Intersects(s.geom, n.geom))))
                      OR EXISTS (SELECT 1 FROM assignments a WHERE a.need_id = n.id
                                                 AND a.team_id = @viewer_team::bigint AND a.status = 'accepted')
                    THEN jsonb_build_object('restricted_details', n.restricted_details)
                    ELSE '{}'::jsonb END
        )::text
        """;

    public const string FeatureById = $"SELECT n.id, {FeatureJson} FROM needs n WHERE n.id = @id";

    /// <summary>Newest first would break keyset paging on inserts; id order is stable.</summary>
    public const string List = $"""
        SELECT n.id, {FeatureJson}
        FROM needs n
        WHERE (@statuses::text[] IS NULL OR n.status = ANY(@statuses))
          AND (@after::bigint IS NULL OR n.id > @after)
        ORDER BY n.id
        LIMIT @limit + 1
        """;

    public const string LockNeed = """
        SELECT status, volunteers_needed, window_start, window_end, title
        FROM needs WHERE id = @need_id FOR UPDATE
        """;

    public const string Transition = "SELECT manual FROM need_transitions WHERE from_status = @from AND to_status = @to";

    public const string ManualNextStatuses = "SELECT coalesce(array_agg(to_status ORDER BY to_status), '{}') FROM need_transitions WHERE from_status = @from AND manual";

    public const string TeamHasAcceptedAssignment = """
        SELECT EXISTS (SELECT 1 FROM assignments WHERE need_id = @need_id AND team_id = @team_id AND status = 'accepted')
        """;

    /// <summary>Cancelling or declining a need frees the places its live assignments held.</summary>
    public const string WithdrawLiveAssignments = """
        UPDATE assignments SET status = 'withdrawn', decided_by = @by, decided_at = now(), note = coalesce(note, @note)
        WHERE need_id = @need_id AND status IN ('proposed', 'accepted')
        """;

    /// <summary>A done need becomes one activity per accepted team (participants = its volunteers) and marks its village served.</summary>
    public const string RecordActivities = """
        WITH done AS (
            INSERT INTO activities (name, started_on, ended_on, participants, team_id, need_id, admin_code, geom, source_id, is_sample, outputs)
            SELECT n.title, n.window_start, greatest(n.window_start, least(rm_today(), n.window_end)), a.volunteers,
                   a.team_id, n.id, n.admin_code, n.geom, 'resourcemap-app', false,
                   jsonb_build_object('need_category', n.category)
            FROM needs n JOIN assignments a ON a.need_id = n.id AND a.status = 'accepted'
            WHERE n.id = @need_id
            RETURNING 1)
        UPDATE hardship_villages v SET last_served_on = rm_today()
        FROM needs n WHERE n.id = @need_id AND v.id = n.village_id
        """;

    // ---- assignments -------------------------------------------------------------------------

    public const string LockTeam = "SELECT status, capacity, name FROM teams WHERE id = @team_id FOR UPDATE";

    public const string NeedCommitted = """
        SELECT coalesce(sum(volunteers) FILTER (WHERE status IN ('proposed', 'accepted')), 0)::int AS live,
               coalesce(sum(volunteers) FILTER (WHERE status = 'accepted'), 0)::int AS accepted,
               count(*) FILTER (WHERE status IN ('proposed', 'accepted') AND team_id = @team_id)::int AS same_team
        FROM assignments WHERE need_id = @need_id
        """;

    /// <summary>Places of the team already held by live assignments whose windows overlap this one.</summary>
    public const string TeamCommitted = """
        SELECT coalesce(sum(volunteers), 0)::int FROM assignments
        WHERE team_id = @team_id AND status IN ('proposed', 'accepted') AND period && daterange(@from, @to, '[]')
        """;

    public const string InsertAssignment = """
        INSERT INTO assignments (need_id, team_id, volunteers, period, proposed_by, note)
        VALUES (@need_id, @team_id, @volunteers, daterange(@from, @to, '[]'), @by, @note)
        RETURNING id
        """;

    public const string AssignmentTeam = "SELECT team_id FROM assignments WHERE id = @id AND need_id = @need_id";

    public const string LockAssignment = "SELECT status, volunteers, team_id FROM assignments WHERE id = @id AND need_id = @need_id FOR UPDATE";

    public const string DecideAssignment = """
        UPDATE assignments SET status = @status, decided_by = @by, decided_at = now(), note = coalesce(@note, note) WHERE id = @id
        """;

    public const string MarkTeamAssigned = "UPDATE teams SET last_assigned_at = now() WHERE id = @team_id";

    public const string AssignmentJson = """
        SELECT json_build_object('id', a.id, 'need_id', a.need_id, 'team_id', a.team_id, 'team_name', t.name,
            'volunteers', a.volunteers, 'status', a.status,
            'window_start', lower(a.period), 'window_end', upper(a.period) - 1,
            'proposed_by', a.proposed_by, 'proposed_at', a.proposed_at, 'decided_by', a.decided_by, 'decided_at', a.decided_at,
            'note', a.note, 'need_status', n.status)::text
        FROM assignments a JOIN teams t ON t.id = a.team_id JOIN needs n ON n.id = a.need_id
        WHERE a.id = @id
        """;
}
