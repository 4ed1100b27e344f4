using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Search;

/// <summary>
/// The SQL behind /api/search. Each group (admin units, then one per layer) is one statement that returns the whole
/// group as one JSON object: its total, whether the total is a lower bound, its best tier and one page of results.
/// Ranking tiers (0095_ranked_search.sql): 0 exact name, 1 name prefix, 2 every word starts a word of the name,
/// 3 lies in an admin unit the query names, 4 matched through other text (place names, description).
/// Only the statement's fixed fragments come from LayerCatalog; the query, page and caps are bound parameters.
/// </summary>
public static class SearchQueries
{
    /// <summary>At most this many candidates per source and group are ranked: work stays bounded at national scale.</summary>
    public const int CandidateCap = 1000;

    /// <summary>
    /// The first records (by id) read before the trigram indexes are asked: when they already hold <see cref="CandidateCap"/>
    /// matches, the query's words are in most records ("tình nguyện", "đội") and they are the candidates. The trigram
    /// index would gather every record holding such words before the cap (385 ms per source at a million teams).
    /// </summary>
    public const int WalkRows = 4000;

    /// <summary>The bound parameters of every search statement (the query, caps and page), in one place.</summary>
    public static (string, object?)[] Parameters(string q, int offset, int limit, string groupId) =>
        [("q", q), ("cap", CandidateCap), ("walk", WalkRows), ("offset", offset), ("limit", limit), ("layer_id", groupId)];

    /// <summary>Records whose <paramref name="key"/> is the query or starts with it, walked in byte order through the
    /// COLLATE "C" btree of migration 0103 (chr(123), '{', sorts after z, 9 and the space that keys are made of).
    /// LATERAL, so the bounds are index conditions: planned as a plain join, the query's key was only a filter on a
    /// walk of the whole index in order (1.2 s per search at 100,000 teams).</summary>
    static string NameStarts(string cte, string key, string table) => $"""
        {cte} AS (
                SELECT s.id FROM key CROSS JOIN LATERAL (
                    SELECT t.id FROM {table} t
                    WHERE {key} COLLATE "C" >= key.q AND {key} COLLATE "C" < key.q || chr(123)
                    ORDER BY {key} COLLATE "C" LIMIT @cap) s
                WHERE key.q <> '')
        """;

    /// <summary>
    /// <paramref name="text"/> holds every word of <paramref name="words"/> (an rm_like_words array). Indexes answer LIKE ANY
    /// but never LIKE ALL, so the four longest words are spelled out for the trigram index to intersect; LIKE ALL checks
    /// the rest.
    /// </summary>
    public static string LikeEveryWord(string text, string words) =>
        $"{text} LIKE ({words})[1] AND {text} LIKE ({words})[2] AND {text} LIKE ({words})[3] AND {text} LIKE ({words})[4]" +
        $" AND {text} LIKE ALL ({words})";

    const string Key = """
        key AS MATERIALIZED (SELECT k.*, length(k.words[1]) >= 5 AS indexable
                             FROM (SELECT rm_search_key(@q) AS q, rm_fold(@q) AS folded, rm_like_words(@q) AS words) k)
        """;

    const string MatchLabel = """
        CASE r.tier WHEN 0 THEN 'exact' WHEN 1 THEN 'prefix' WHEN 2 THEN 'words' WHEN 3 THEN 'in_unit' ELSE 'text' END
        """;

    const string Extent = """
        'center', CASE WHEN r.geom IS NULL THEN NULL ELSE json_build_array(
                round(ST_X(ST_PointOnSurface(r.geom))::numeric, 6), round(ST_Y(ST_PointOnSurface(r.geom))::numeric, 6)) END,
            'bbox', CASE WHEN r.geom IS NULL THEN NULL ELSE json_build_array(
                round(ST_XMin(r.geom)::numeric, 6), round(ST_YMin(r.geom)::numeric, 6),
                round(ST_XMax(r.geom)::numeric, 6), round(ST_YMax(r.geom)::numeric, 6)) END
        """;

    /// <summary>
    /// Admin units of every era (plans written before the 2025 reorganisation name old districts): units in force
    /// first, then provinces before districts before communes.
    /// </summary>
    public static readonly string AdminUnits = $"""
        WITH {Key},
        hits AS (
            SELECT a.id, a.code, a.level, a.name, a.parent_code, a.valid_from, a.valid_to, a.is_sample, a.geom,
                   least(rm_search_tier(a.name, key.q), rm_search_tier(a.name_en, key.q)) AS tier,
                   similarity(a.search_text, key.folded) AS sim
            FROM admin_units a, key
            WHERE a.level <> 'country' AND {LikeEveryWord("a.search_text", "key.words")}
              AND (least(rm_search_tier(a.name, key.q), rm_search_tier(a.name_en, key.q)) < 4
                   OR rm_words_start(rm_search_key(a.search_text), key.q))
            LIMIT @cap),
        page AS (
            SELECT * FROM hits r
            ORDER BY r.tier, r.valid_to IS NOT NULL, array_position(ARRAY['province', 'district', 'commune'], r.level),
                     r.sim DESC, r.name, r.id
            OFFSET @offset LIMIT @limit)
        SELECT json_build_object(
            'total', (SELECT count(*) FROM hits),
            'total_is_lower_bound', (SELECT count(*) FROM hits) >= @cap,
            'best_tier', (SELECT min(tier) FROM hits),
            'results', coalesce((
                SELECT json_agg(json_build_object(
                    'code', r.code, 'level', r.level, 'name', r.name, 'match', {MatchLabel},
                    'place', rm_place_label(r.parent_code), 'valid_from', r.valid_from, 'valid_to', r.valid_to,
                    {Extent}, 'is_sample', r.is_sample)
                    ORDER BY r.tier, r.valid_to IS NOT NULL, array_position(ARRAY['province', 'district', 'commune'], r.level),
                             r.sim DESC, r.name, r.id)
                FROM page r), '[]'::json))::text
        """;

    /// <summary>
    /// One layer's results. Candidates come from index-driven sources, each capped: names holding every word,
    /// records inside the units the query names (matching the query's other words), records whose search text
    /// holds every word, and names that are the query or start with it (in key order, so never crowded out).
    /// Names and texts are searched only when a word has three letters or more: shorter words
    /// have no trigrams, and "ha gi" read every name of a million teams (4.7 s); such a query still finds the units it
    /// names and what lies in them.
    /// </summary>
    public static string Layer(LayerDefinition layer)
    {
        var name = layer.NameSql;
        return $"""
            WITH {Key},
            units AS MATERIALIZED (
                SELECT a.geom, a.code, btrim(replace(' ' || key.q || ' ', ' ' || u.phrase || ' ', ' ')) AS rest
                FROM key CROSS JOIN LATERAL rm_search_units(key.q) u JOIN admin_units a ON a.id = u.id),
            -- The first @walk records by id, with whether their name and text hold every word (the name's key is part of
            -- its text: a name holding the words has a text holding them). Each word source below takes them when they
            -- reach the cap, and only otherwise asks its trigram index (a one-time filter: the index scan never starts).
            walked AS MATERIALIZED (
                SELECT w.id, rm_fold(w.name) LIKE ALL (key.words) AS in_name
                FROM key CROSS JOIN LATERAL (SELECT t.id, {name} AS name, t.search_text FROM {layer.Table} t ORDER BY t.id LIMIT @walk) w
                WHERE key.indexable AND w.search_text LIKE ALL (key.words)),
            common AS MATERIALIZED (
                SELECT count(*) FILTER (WHERE in_name) >= @cap AS in_names, count(*) >= @cap AS in_texts FROM walked),
            by_name AS (
                (SELECT id FROM walked WHERE in_name AND (SELECT in_names FROM common) ORDER BY id LIMIT @cap)
                UNION ALL
                (SELECT t.id FROM {layer.Table} t, key
                 WHERE key.indexable AND NOT (SELECT in_names FROM common) AND {LikeEveryWord($"rm_fold({name})", "key.words")} LIMIT @cap)),
            in_units AS (
                (SELECT t.id FROM units u JOIN {layer.Table} t ON ST_Intersects(t.geom, u.geom)
                 WHERE u.geom IS NOT NULL AND t.search_text LIKE ALL (rm_like_patterns(u.rest))
                 LIMIT @cap)
                UNION ALL
                -- A unit without a polygon (a commune since July 2025 before its boundary is imported) holds the records naming its code.
                (SELECT t.id FROM units u JOIN {layer.Table} t ON t.admin_code = u.code
                 WHERE u.geom IS NULL AND t.search_text LIKE ALL (rm_like_patterns(u.rest))
                 LIMIT @cap)),
            by_text AS (
                (SELECT id FROM walked WHERE (SELECT in_texts FROM common) ORDER BY id LIMIT @cap)
                UNION ALL
                (SELECT t.id FROM {layer.Table} t, key
                 WHERE key.indexable AND NOT (SELECT in_texts FROM common) AND {LikeEveryWord("t.search_text", "key.words")} LIMIT @cap)),
            -- Names that are the query or start with it (tiers 0 and 1), in key order through the byte-order btrees (0103):
            -- complete however many records the word sources above hold.
            {NameStarts("by_key", $"rm_search_key({name})", layer.Table)},
            {NameStarts("by_core", $"rm_name_core({name})", layer.Table)},
            candidates AS (
                SELECT c.id, bool_or(c.in_unit) AS in_unit
                FROM (SELECT id, false AS in_unit FROM by_name
                      UNION ALL SELECT id, true FROM in_units
                      UNION ALL SELECT id, false FROM by_text
                      UNION ALL SELECT id, false FROM by_key
                      UNION ALL SELECT id, false FROM by_core) c
                GROUP BY c.id),
            ranked AS (
                SELECT t.id, {name} AS name, t.geom, t.admin_code, t.is_sample,
                       CASE WHEN n.tier < 3 THEN n.tier WHEN c.in_unit THEN 3 ELSE 4 END AS tier,
                       ' ' || n.text_key || ' ' LIKE '% ' || key.q || ' %' AS phrase,
                       similarity(rm_fold({name}), key.folded) AS sim
                FROM candidates c JOIN {layer.Table} t ON t.id = c.id CROSS JOIN key
                CROSS JOIN LATERAL (SELECT rm_search_tier({name}, key.q) AS tier, rm_search_key(t.search_text) AS text_key) n
                -- Matched through other text only: each word must start a word there ("hoi an" is not "Ngày hội ... Bến Tre").
                WHERE n.tier < 3 OR c.in_unit OR rm_words_start(n.text_key, key.q)),
            page AS (
                SELECT * FROM ranked r ORDER BY r.tier, r.phrase DESC, r.sim DESC, length(r.name), r.id OFFSET @offset LIMIT @limit)
            SELECT json_build_object(
                'total', (SELECT count(*) FROM ranked),
                'total_is_lower_bound', (SELECT count(*) FROM by_name) >= @cap OR (SELECT count(*) FROM by_text) >= @cap
                    OR (SELECT count(*) FROM in_units) >= @cap
                    OR (SELECT count(*) FROM by_key) >= @cap OR (SELECT count(*) FROM by_core) >= @cap,
                'best_tier', (SELECT min(tier) FROM ranked),
                'results', coalesce((
                    SELECT json_agg(json_build_object(
                        'id', r.id, 'layer', @layer_id::text, 'name', r.name, 'match', {MatchLabel},
                        'place', rm_place_label(r.admin_code), {Extent}, 'is_sample', r.is_sample)
                        ORDER BY r.tier, r.phrase DESC, r.sim DESC, length(r.name), r.id)
                    FROM page r), '[]'::json))::text
            """;
    }

    public sealed record SearchGroup(string Id, string TitleVi, string TitleEn, string Sql);

    /// <summary>Every group's statement, built once (not per request): admin units, then the layers in catalogue order.</summary>
    public static readonly IReadOnlyList<SearchGroup> Groups =
    [
        new(SearchApi.AdminGroup, "Đơn vị hành chính", "Admin units", AdminUnits),
        .. LayerCatalog.All.Select(l => new SearchGroup(l.Id, l.TitleVi, l.TitleEn, Layer(l))),
    ];
}
