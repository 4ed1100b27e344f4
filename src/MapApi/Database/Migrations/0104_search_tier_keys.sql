-- The search tier of a name computed from its two keys, each computed once. rm_search_tier (0095) is inlined into the
-- statement, where PostgreSQL computes every call of rm_search_key(name) and rm_name_core(name) anew: five folds
-- (unaccent) and seven regexp_replace per candidate, over up to a thousand candidates per source at national scale.
-- A PL/pgSQL function is never inlined, so the keys given to it are computed once. The rules are 0095's, unchanged.
CREATE OR REPLACE FUNCTION rm_search_tier_of(name_key text, name_core text, query_key text) RETURNS int
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF name_key IS NULL OR query_key IS NULL OR query_key = '' THEN RETURN 4; END IF;
    IF name_key = query_key OR name_core = query_key THEN RETURN 0; END IF;
    IF name_key LIKE query_key || '%' OR name_core LIKE query_key || '%' THEN RETURN 1; END IF;
    IF rm_words_start(name_key, query_key) THEN RETURN 2; END IF;
    RETURN 4;
END $$;

CREATE OR REPLACE FUNCTION rm_search_tier(name text, query_key text) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT rm_search_tier_of(rm_search_key(name), rm_name_core(name), query_key) $$;
