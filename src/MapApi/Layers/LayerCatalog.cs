using System.Text.RegularExpressions;
using ResourceMap.Api.Vocabularies;

namespace ResourceMap.Api.Layers;

public enum FilterKind { TextList, Number, Boolean }

/// <summary>
/// A filter a layer accepts as a query parameter. Its SQL is fixed here and reads parameter @{Name}. A faceted filter
/// with a single value is answered by the cluster pyramid's cells for facet 'name=value' (migration 0097 lists, per
/// layer, the columns behind these facets; ClusterPyramidTests compares each with the aggregation over the points).
/// </summary>
public sealed record LayerFilter(string Name, FilterKind Kind, string Sql, string Description, IReadOnlyCollection<string>? AllowedValues = null,
    bool Faceted = false);

/// <summary>
/// A map layer: which table it reads, which properties the public sees and which filters it takes.
/// PropertiesSql is a jsonb_build_object over alias t; private columns are simply never listed.
/// NameSql is what a person calls a feature (search ranks by it and lists it).
/// </summary>
public sealed partial record LayerDefinition(
    string Id, string TitleVi, string TitleEn, string Table, string GeometryType,
    string PropertiesSql, IReadOnlyList<LayerFilter> Filters, string NameSql = "t.name")
{
    /// <summary>Whether the layer's table keeps each row's Feature text (column feature_text, see StoredFeatures).</summary>
    public bool StoresFeature => StoredFeatures.Tables.Contains(Table);

    /// <summary>The public properties in the catalogue's order; each is the column of the same name ('name', t.name).</summary>
    public IReadOnlyList<string> PublicColumns { get; } = ColumnsOf(Id, PropertiesSql);

    static IReadOnlyList<string> ColumnsOf(string layer, string propertiesSql)
    {
        var pairs = PropertyPair().Matches(propertiesSql);
        if (pairs.Count != Regex.Count(propertiesSql, "'[^']*'") || pairs.Any(p => p.Groups[1].Value != p.Groups[2].Value))
            throw new InvalidOperationException($"Layer {layer}: every property must be written 'column', t.column.");
        return pairs.Select(p => p.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"'([a-z0-9_]+)',\s*t\.([a-z0-9_]+)\b")]
    private static partial Regex PropertyPair();
}

public static class LayerCatalog
{
    // Allowed filter values are the codes of the API's vocabularies (Vocabularies/Vocabulary.cs): one list per code kind.
    static readonly string[] TeamTypes = Vocabulary.TeamTypes.Codes();
    static readonly string[] TeamStatuses = Vocabulary.TeamStatuses.Codes();
    static readonly string[] SiteRanks = Vocabulary.SiteRanks.Codes();
    static readonly string[] RelicTypes = Vocabulary.RelicTypes.Codes();
    static readonly string[] NeedStatuses = Vocabulary.NeedStatuses.Codes();
    static readonly string[] Priorities = Vocabulary.Priorities.Codes();

    public static readonly IReadOnlyList<LayerDefinition> All =
    [
        new("teams", "Câu lạc bộ, đội, nhóm tình nguyện", "Volunteer teams and clubs", "teams", "Point",
            """
            jsonb_build_object('name', t.name, 'team_type', t.team_type, 'parent_unit', t.parent_unit,
                'admin_code', t.admin_code, 'skills', t.skills, 'languages', t.languages, 'members', t.members,
                'capacity', t.capacity, 'status', t.status, 'founded_on', t.founded_on, 'description', t.description,
                'public_phone', t.public_phone, 'public_email', t.public_email, 'public_url', t.public_url,
                'service_radius_m', t.service_radius_m, 'last_assigned_at', t.last_assigned_at,
                'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("skill", FilterKind.TextList, "t.skills @> @skill", "Skill codes the team must all have, comma-separated (see /api/skills).", Faceted: true),
                new("type", FilterKind.TextList, "t.team_type = ANY(@type)", "Team types, comma-separated.", TeamTypes, Faceted: true),
                new("status", FilterKind.TextList, "t.status = ANY(@status)", "active or inactive.", TeamStatuses, Faceted: true),
                new("language", FilterKind.TextList, "t.languages && @language", "ISO 639-3 language codes, any of (e.g. xdg for Xơ Đăng, kxm for Khmer).", Faceted: true),
            ]),
        new("red-addresses", "Địa chỉ đỏ, di tích", "Red-address historical sites", "red_sites", "Point",
            """
            jsonb_build_object('name', t.name, 'relic_type', t.relic_type, 'rank', t.rank,
                'recognised_year', t.recognised_year, 'story', t.story, 'visiting_info', t.visiting_info,
                'address', t.address, 'admin_code', t.admin_code, 'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("rank", FilterKind.TextList, "t.rank = ANY(@rank)", "Heritage ranks, comma-separated.", SiteRanks, Faceted: true),
                new("relic_type", FilterKind.TextList, "t.relic_type = ANY(@relic_type)", "Relic types, comma-separated.", RelicTypes, Faceted: true),
            ]),
        new("hardship-villages", "Thôn, ấp đặc biệt khó khăn", "Hardship villages", "hardship_villages", "Point",
            """
            jsonb_build_object('name', t.name, 'admin_code', t.admin_code, 'poverty_rate', t.poverty_rate,
                'households', t.households, 'population', t.population, 'ethnic_groups', t.ethnic_groups,
                'extremely_difficult', t.extremely_difficult, 'new_rural_criteria_met', t.new_rural_criteria_met,
                'new_rural_criteria_total', t.new_rural_criteria_total, 'last_served_on', t.last_served_on,
                'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("min_poverty", FilterKind.Number, "t.poverty_rate >= @min_poverty", "Minimum poverty rate, % of households."),
                new("max_new_rural", FilterKind.Number, "t.new_rural_criteria_met <= @max_new_rural", "At most this many new-rural (nông thôn mới) criteria met."),
                new("extremely_difficult", FilterKind.Boolean, "t.extremely_difficult = @extremely_difficult", "Only (or never) extremely difficult villages.", Faceted: true),
                new("ethnic_group", FilterKind.TextList, "t.ethnic_groups && @ethnic_group", "Ethnic groups, any of (e.g. Xơ Đăng, Khmer).", Faceted: true),
            ]),
        new("border-areas", "Khu vực biên giới", "Border areas", "border_areas", "MultiPolygon",
            """
            jsonb_build_object('name', t.name, 'kind', t.kind, 'admin_code', t.admin_code,
                'neighbour_country', t.neighbour_country, 'neighbour_province', t.neighbour_province,
                'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("country", FilterKind.TextList, "t.neighbour_country = ANY(@country)", "Neighbouring countries, ISO 3166-1 alpha-2 (LA, KH, CN)."),
                new("kind", FilterKind.TextList, "t.kind = ANY(@kind)", "border-commune or border-belt.", Vocabulary.BorderKinds.Codes()),
            ]),
        new("border-markers", "Cột mốc, cọc dấu biên giới", "Border markers", "border_markers", "Point",
            """
            jsonb_build_object('marker_number', t.marker_number, 'marker_type', t.marker_type,
                'neighbour_country', t.neighbour_country, 'border_area_id', t.border_area_id, 'admin_code', t.admin_code,
                'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("country", FilterKind.TextList, "t.neighbour_country = ANY(@country)", "Neighbouring countries, ISO 3166-1 alpha-2.", Faceted: true),
                new("marker_type", FilterKind.TextList, "t.marker_type = ANY(@marker_type)", "main, secondary or stake (cọc dấu).", Vocabulary.MarkerTypes.Codes(), Faceted: true),
            ],
            NameSql: "'Mốc ' || t.marker_number"),
        // Needs show their public summary only: restricted_details (beneficiaries) never leave through a layer.
        new("needs", "Nhu cầu hỗ trợ", "Needs", "needs", "Point",
            """
            jsonb_build_object('title', t.title, 'category', t.category, 'required_skills', t.required_skills,
                'volunteers_needed', t.volunteers_needed, 'window_start', t.window_start, 'window_end', t.window_end,
                'priority', t.priority, 'status', t.status, 'public_summary', t.public_summary,
                'village_id', t.village_id, 'admin_code', t.admin_code, 'created_at', t.created_at,
                'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("status", FilterKind.TextList, "t.status = ANY(@status)", "Need statuses, comma-separated.", NeedStatuses, Faceted: true),
                new("priority", FilterKind.TextList, "t.priority = ANY(@priority)", "Priorities, comma-separated.", Priorities, Faceted: true),
                new("skill", FilterKind.TextList, "t.required_skills && @skill", "Needs asking for any of these skill codes.", Faceted: true),
                new("category", FilterKind.TextList, "t.category = ANY(@category)", "Need categories, comma-separated.", Faceted: true),
            ],
            NameSql: "t.title"),
        // Reads the activities_public view (0050): approved activities only; private columns are never listed.
        new("activities", "Hoạt động, công trình thanh niên", "Volunteer activities", "activities_public", "Point",
            """
            jsonb_build_object('name', t.name, 'campaign', t.campaign, 'started_on', t.started_on, 'ended_on', t.ended_on,
                'participants', t.participants, 'volunteer_hours', t.volunteer_hours, 'beneficiaries', t.beneficiaries,
                'outputs', t.outputs, 'team_id', t.team_id, 'need_id', t.need_id, 'admin_code', t.admin_code,
                'source_id', t.source_id, 'is_sample', t.is_sample)
            """,
            [
                new("campaign", FilterKind.TextList, "t.campaign = ANY(@campaign)", "Campaign names, comma-separated (e.g. Tháng Thanh niên).", Faceted: true),
                new("team", FilterKind.Number, "t.team_id = @team", "Activities of one team (id)."),
            ]),
    ];

    public static LayerDefinition? Find(string id) => All.FirstOrDefault(l => l.Id == id);
}
