-- A query's words as LIKE patterns, longest first, always at least four (the first repeated). PostgreSQL's indexes
-- answer `x LIKE ANY (array)` but never `x LIKE ALL (array)`, so "every word" ran as a sequential scan: at 100,000
-- teams one search group took 300–470 ms whatever the words. LayerQueries.LikeEveryWord spells the four longest out
-- as ANDed LIKEs, whose trigrams the GIN index intersects, and keeps LIKE ALL over the array for a fifth word on.
CREATE FUNCTION rm_like_words(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT CASE WHEN cardinality(w) = 0 THEN ARRAY['%', '%', '%', '%']
                ELSE w || array_fill(w[1], ARRAY[greatest(0, 4 - cardinality(w))]) END
    FROM (SELECT ARRAY(SELECT p FROM unnest(rm_like_patterns(query)) p ORDER BY length(p) DESC, p) AS w) s
$$;
