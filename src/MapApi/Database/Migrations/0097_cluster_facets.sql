-- Filtered cluster views from the pyramid (issue 10). A viewport with one value of one layer filter ("teams with
-- first-aid", "needs in progress") aggregated every matching point: 0.8 s over the ~330,000 first-aid teams of the
-- 1,000,000-team benchmark. The pyramid now keeps, beside the unfiltered cells (facet ''), one set of cells per
-- facet, a filter value written 'name=value' with the name of the layer filter (LayerCatalog, LayerFilter.Faceted)
-- whose single value it answers. A point belongs to the '' facet and to one facet per value it carries.

-- The facets of a row of each layer's source (alias t): the same columns and tests as the layer's filters.
ALTER TABLE cluster_layers ADD COLUMN facets text NOT NULL DEFAULT $$ARRAY['']$$;
UPDATE cluster_layers SET facets = v.facets FROM (VALUES
    ('teams', $$ARRAY['', 'type=' || t.team_type, 'status=' || t.status]
               || ARRAY(SELECT DISTINCT 'skill=' || s FROM unnest(t.skills) s WHERE s IS NOT NULL)
               || ARRAY(SELECT DISTINCT 'language=' || s FROM unnest(t.languages) s WHERE s IS NOT NULL)$$),
    ('red-addresses', $$ARRAY['', 'rank=' || t.rank, 'relic_type=' || t.relic_type]$$),
    ('hardship-villages', $$ARRAY['', 'extremely_difficult=' || t.extremely_difficult]
               || ARRAY(SELECT DISTINCT 'ethnic_group=' || s FROM unnest(t.ethnic_groups) s WHERE s IS NOT NULL)$$),
    ('border-markers', $$ARRAY['', 'country=' || t.neighbour_country, 'marker_type=' || t.marker_type]$$),
    ('needs', $$ARRAY['', 'status=' || t.status, 'priority=' || t.priority, 'category=' || t.category]
               || ARRAY(SELECT DISTINCT 'skill=' || s FROM unnest(t.required_skills) s WHERE s IS NOT NULL)$$),
    ('activities', $$ARRAY['', 'campaign=' || t.campaign]$$)) v(layer, facets)
WHERE cluster_layers.layer = v.layer;

-- A null column gives a null element: no facet.
CREATE OR REPLACE FUNCTION rm_cluster_facets_sql(layer_id text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('array_remove(%s, NULL)', facets) FROM cluster_layers WHERE layer = layer_id
$$;

ALTER TABLE cluster_cells ADD COLUMN facet text NOT NULL DEFAULT '';
ALTER TABLE cluster_cells DROP CONSTRAINT cluster_cells_pkey;
DROP INDEX cluster_cells_rows;
ALTER TABLE cluster_cells ADD PRIMARY KEY (layer, facet, z, cx, cy);
CREATE INDEX cluster_cells_rows ON cluster_cells (layer, facet, z, cy, cx);

CREATE OR REPLACE FUNCTION rm_cluster_rebuild(layer_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE src regclass;
BEGIN
    SELECT source INTO STRICT src FROM cluster_layers WHERE layer = layer_id;
    DELETE FROM cluster_cells WHERE layer = layer_id;
    EXECUTE format($f$
        INSERT INTO cluster_cells (layer, facet, z, cx, cy, n, sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat, first_id)
        SELECT %L, f, rm_cluster_max_zoom(), cx, cy, count(*), sum(lon), sum(lat), min(lon), min(lat), max(lon), max(lat), min(id)
        FROM (SELECT id, lon, lat, facets, rm_cluster_cx(lon, rm_cluster_cell_m(rm_cluster_max_zoom())) AS cx,
                     rm_cluster_cy(lat, rm_cluster_cell_m(rm_cluster_max_zoom())) AS cy
              FROM (SELECT t.id, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, %s AS facets FROM %s t) p) s
        CROSS JOIN LATERAL unnest(s.facets) f
        GROUP BY f, cx, cy $f$, layer_id, rm_cluster_facets_sql(layer_id), src);
    FOR level IN REVERSE rm_cluster_max_zoom() - 1..0 LOOP
        INSERT INTO cluster_cells (layer, facet, z, cx, cy, n, sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat, first_id)
        SELECT layer_id, facet, level, cx >> 1, cy >> 1, sum(n), sum(sum_lon), sum(sum_lat),
               min(min_lon), min(min_lat), max(max_lon), max(max_lat), min(first_id)
        FROM cluster_cells WHERE layer = layer_id AND z = level + 1
        GROUP BY facet, cx >> 1, cy >> 1;
    END LOOP;
END $$;

-- Recomputes the given zoom-14 cells of the given facets (fs[i] at column xs[i], row ys[i]) from the source, then
-- their ancestors from their children.
DROP FUNCTION rm_cluster_refresh(text, bigint[], bigint[]);
CREATE OR REPLACE FUNCTION rm_cluster_refresh(layer_id text, fs text[], xs bigint[], ys bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    src regclass;
    cell float8 := rm_cluster_cell_m(rm_cluster_max_zoom());
BEGIN
    SELECT source INTO STRICT src FROM cluster_layers WHERE layer = layer_id;
    FOR level IN REVERSE rm_cluster_max_zoom()..0 LOOP
        DELETE FROM cluster_cells c USING unnest(fs, xs, ys) d(f, cx, cy)
        WHERE c.layer = layer_id AND c.facet = d.f AND c.z = level AND c.cx = d.cx AND c.cy = d.cy;
        IF level = rm_cluster_max_zoom() THEN
            -- Each dirty cell's points, found by the cell's envelope widened by a hair (to the pole where latitudes
            -- are clamped), kept by their exact cell, and counted in each dirty facet they carry.
            EXECUTE format($f$
                INSERT INTO cluster_cells (layer, facet, z, cx, cy, n, sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat, first_id)
                SELECT %L, d.f, rm_cluster_max_zoom(), d.cx, d.cy, count(*), sum(s.lon), sum(s.lat),
                       min(s.lon), min(s.lat), max(s.lon), max(s.lat), min(s.id)
                FROM (SELECT c.cx, c.cy, array_agg(c.f) AS fs FROM unnest($2, $3, $4) c(f, cx, cy) GROUP BY c.cx, c.cy) k
                CROSS JOIN LATERAL (
                    SELECT degrees(k.cx * $1 / 6378137) - 1e-9 AS lon0, degrees((k.cx + 1) * $1 / 6378137) + 1e-9 AS lon1,
                           degrees(2 * atan(exp(k.cy * $1 / 6378137)) - pi() / 2) - 1e-9 AS lat0,
                           degrees(2 * atan(exp((k.cy + 1) * $1 / 6378137)) - pi() / 2) + 1e-9 AS lat1) e
                CROSS JOIN LATERAL (
                    SELECT t.id, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, %s AS facets
                    FROM %s t
                    WHERE t.geom && ST_MakeEnvelope(e.lon0, CASE WHEN e.lat0 <= -85 THEN -90 ELSE e.lat0 END,
                                                    e.lon1, CASE WHEN e.lat1 >= 85 THEN 90 ELSE e.lat1 END, 4326)
                      AND rm_cluster_cx(ST_X(t.geom), $1) = k.cx AND rm_cluster_cy(ST_Y(t.geom), $1) = k.cy) s
                CROSS JOIN LATERAL (SELECT k.cx, k.cy, f FROM unnest(s.facets) f WHERE f = ANY(k.fs)) d
                GROUP BY d.f, d.cx, d.cy $f$, layer_id, rm_cluster_facets_sql(layer_id), src) USING cell, fs, xs, ys;
        ELSE
            INSERT INTO cluster_cells (layer, facet, z, cx, cy, n, sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat, first_id)
            SELECT layer_id, d.f, level, d.cx, d.cy, sum(c.n), sum(c.sum_lon), sum(c.sum_lat),
                   min(c.min_lon), min(c.min_lat), max(c.max_lon), max(c.max_lat), min(c.first_id)
            FROM unnest(fs, xs, ys) d(f, cx, cy)
            JOIN cluster_cells c ON c.layer = layer_id AND c.facet = d.f AND c.z = level + 1
                                AND c.cx BETWEEN d.cx * 2 AND d.cx * 2 + 1 AND c.cy BETWEEN d.cy * 2 AND d.cy * 2 + 1
            GROUP BY d.f, d.cx, d.cy;
        END IF;
        -- The next level's dirty cells are the parents of this level's.
        SELECT array_agg(pf), array_agg(px), array_agg(py) INTO fs, xs, ys
        FROM (SELECT DISTINCT f AS pf, cx >> 1 AS px, cy >> 1 AS py FROM unnest(fs, xs, ys) d(f, cx, cy)) p;
    END LOOP;
END $$;

-- Writers to one layer take its pyramid lock (class 21581) in turn, so each recomputes cells from a snapshot that
-- holds every earlier writer's committed rows. Dirty are the facets of each written row at its old and new cell;
-- a row that stays put dirties only the facets it gained or lost. Above a few thousand cells (a bulk load) one
-- rebuild is cheaper.
CREATE OR REPLACE FUNCTION rm_cluster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    layer_id text := TG_ARGV[0];
    whole_rows boolean := TG_ARGV[1] = 'filtered';  -- a view's filter may depend on any column
    cell float8 := rm_cluster_cell_m(rm_cluster_max_zoom());
    facets text := rm_cluster_facets_sql(layer_id);
    fs text[];
    xs bigint[];
    ys bigint[];
    cells bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(21581, hashtext(layer_id));
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM rm_cluster_rebuild(layer_id);
        RETURN NULL;
    END IF;
    EXECUTE format($f$
        WITH o AS (SELECT t.id, t.geom, %1$s AS facets FROM %2$s t),
             n AS (SELECT t.id, t.geom, %1$s AS facets FROM %3$s t),
             touched AS (
                 SELECT o.geom, f FROM o LEFT JOIN n ON n.id = o.id, unnest(o.facets) f
                 WHERE n.id IS NULL OR $2 OR o.geom IS DISTINCT FROM n.geom OR NOT f = ANY(n.facets)
                 UNION ALL
                 SELECT n.geom, f FROM n LEFT JOIN o ON o.id = n.id, unnest(n.facets) f
                 WHERE o.id IS NULL OR $2 OR o.geom IS DISTINCT FROM n.geom OR NOT f = ANY(o.facets)),
             dirty AS (SELECT DISTINCT f, rm_cluster_cx(ST_X(geom), $1) AS cx, rm_cluster_cy(ST_Y(geom), $1) AS cy FROM touched)
        SELECT array_agg(f), array_agg(cx), array_agg(cy), count(DISTINCT (cx, cy)) FROM dirty $f$,
        facets,
        CASE WHEN TG_OP = 'INSERT' THEN '(SELECT * FROM new_rows LIMIT 0)' ELSE 'old_rows' END,
        CASE WHEN TG_OP = 'DELETE' THEN '(SELECT * FROM old_rows LIMIT 0)' ELSE 'new_rows' END)
    INTO fs, xs, ys, cells USING cell, whole_rows;
    IF fs IS NULL THEN
        RETURN NULL;
    ELSIF cells > 5000 THEN
        PERFORM rm_cluster_rebuild(layer_id);
    ELSE
        PERFORM rm_cluster_refresh(layer_id, fs, xs, ys);
    END IF;
    RETURN NULL;
END $$;

SELECT rm_cluster_rebuild(layer) FROM cluster_layers;
