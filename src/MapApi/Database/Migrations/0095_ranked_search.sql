-- Ranked search (/api/search). search_text answers "does it match at all"; ranking needs the name on its own,
-- folded to plain words, so that "hoi an" equals "Thành phố Hội An" and "lung pu" starts "Thôn Lũng Pù, tỉnh Hà Giang".

-- Both feed generated columns, so their bodies name the schema: pg_restore runs with an empty search_path.
-- Folded, lower-case, only [a-z0-9] words separated by single spaces: "Thôn Ch'ơm" -> "thon ch om".
CREATE OR REPLACE FUNCTION rm_search_key(input text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT trim(regexp_replace(public.rm_fold(input), '[^a-z0-9]+', ' ', 'g')) $$;

-- The name proper: the part before the first comma (", tỉnh Hà Giang" only says where), without the word for
-- its kind of place or body ("Huyện", "Thôn", "CLB"), which people leave out when they search.
CREATE OR REPLACE FUNCTION rm_name_core(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT regexp_replace(public.rm_search_key(split_part(name, ',', 1)),
        '^(tinh|thanh pho|tp|huyen|quan|thi xa|thi tran|xa|phuong|dac khu|thon|ban|xom|ap|lang|buon|bon|plei|khu pho|to dan pho|cau lac bo|clb) ', '')
$$;

-- Every word of the query starts a word of the text (both search keys): "an" starts "an", not the end of "nam".
CREATE OR REPLACE FUNCTION rm_words_start(text_key text, query_key text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM regexp_split_to_table(query_key, ' ') AS w
        WHERE ' ' || text_key NOT LIKE '% ' || w || '%')
$$;

-- How well a name answers a query, best first: 0 the name (or its core) is the query, 1 it starts with it,
-- 2 every word of the query starts a word of the name, 4 otherwise (the record matched through its other text).
-- The caller keeps a tier-4 record only when every word starts a word of its search text.
-- 3 is left for "lies in an admin unit the query names", which needs geometry and is decided by the caller.
CREATE OR REPLACE FUNCTION rm_search_tier(name text, query_key text) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN name IS NULL OR query_key IS NULL OR query_key = '' THEN 4
        WHEN rm_search_key(name) = query_key OR rm_name_core(name) = query_key THEN 0
        WHEN rm_search_key(name) LIKE query_key || '%' OR rm_name_core(name) LIKE query_key || '%' THEN 1
        WHEN rm_words_start(rm_search_key(name), query_key) THEN 2
        ELSE 4
    END
$$;

-- Admin units keep their keys: every search compares the query with every unit's name (3,500 rows nationally).
ALTER TABLE admin_units
    ADD COLUMN name_key  text GENERATED ALWAYS AS (rm_search_key(name)) STORED,
    ADD COLUMN name_core text GENERATED ALWAYS AS (rm_name_core(name)) STORED;

-- The admin units a query names: a unit whose core name (at least 3 letters, so "Quận 1" needs its full name)
-- or full name appears in the query as whole words. Only the longest such names count: "nam tra my" names the
-- district Nam Trà My, not a unit called "Trà My".
CREATE OR REPLACE FUNCTION rm_search_units(query_key text) RETURNS TABLE (id bigint, phrase text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    WITH named AS (
        SELECT a.id,
               CASE WHEN ' ' || query_key || ' ' LIKE '% ' || a.name_key || ' %' THEN a.name_key ELSE a.name_core END AS phrase
        FROM admin_units a
        WHERE a.level <> 'country'
          AND (' ' || query_key || ' ' LIKE '% ' || a.name_key || ' %'
               OR (length(a.name_core) >= 3 AND ' ' || query_key || ' ' LIKE '% ' || a.name_core || ' %')))
    SELECT id, phrase FROM named
    WHERE length(phrase) = (SELECT max(length(phrase)) FROM named)
$$;

-- Names are matched on their own (tier 0–2 candidates) through a trigram index, like search_text.
CREATE INDEX IF NOT EXISTS red_sites_name_fold_trgm ON red_sites USING gin (rm_fold(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS hardship_villages_name_fold_trgm ON hardship_villages USING gin (rm_fold(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS border_areas_name_fold_trgm ON border_areas USING gin (rm_fold(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS needs_title_fold_trgm ON needs USING gin (rm_fold(title) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS activities_name_fold_trgm ON activities USING gin (rm_fold(name) gin_trgm_ops);

-- Where a record lies, for a person reading a result list: "Huyện Nam Trà My, Quảng Nam". A code names the version
-- in force if there is one, else its latest; the parent is looked up the same way.
CREATE OR REPLACE FUNCTION rm_place_label(code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE STRICT
AS $$
    SELECT concat_ws(', ', a.name, (
            SELECT p.name FROM admin_units p
            WHERE p.code = a.parent_code AND p.level <> 'country'
            ORDER BY p.valid_to IS NOT NULL, p.valid_from DESC LIMIT 1))
    FROM admin_units a
    WHERE a.code = rm_place_label.code AND a.level <> 'country'
    ORDER BY a.valid_to IS NOT NULL, a.valid_from DESC
    LIMIT 1
$$;
