-- A cluster pyramid for the point layers (issue 10). The web map's clusters are 64-px cells in EPSG:3857; the
-- cells at zoom z are exact integer parents of the cells at zoom 14, so per layer and zoom 0–14 a table keeps each
-- non-empty cell's count, coordinate sums, extent and first id. An unfiltered viewport is then answered from the
-- coarsest cells inside the box plus finer cells at its edges (ClusterQueries.PyramidClusters), with the same JSON
-- the aggregation over the points gives. Statement-level triggers keep it exact on every write.

-- The finest pyramid level: from LayerClusters.FeaturesFromZoom (15) the features themselves are served.
CREATE OR REPLACE FUNCTION rm_cluster_max_zoom() RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 14 $$;

-- Cell edge in metres at zoom z: 64 px of a 256-px tile, written in the same order of operations as
-- LayerClusters.CellSizeMetres so both give the same double.
CREATE OR REPLACE FUNCTION rm_cluster_cell_m(z integer) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT 2 * pi() * 6378137 / 256 * 64 / (2::float8 ^ z)
$$;

-- A point's cell column and row for cell edge `cell`: the expressions ClusterQueries.Clusters bins by.
CREATE OR REPLACE FUNCTION rm_cluster_cx(lon float8, cell float8) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT floor(6378137 * radians(lon) / cell)::bigint
$$;
CREATE OR REPLACE FUNCTION rm_cluster_cy(lat float8, cell float8) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT floor(6378137 * ln(tan(pi() / 4 + radians(greatest(least(lat, 85.05), -85.05)) / 2)) / cell)::bigint
$$;

-- Which relation each pyramid summarises (the activities layer shows approved activities only).
CREATE TABLE cluster_layers (
    layer  text PRIMARY KEY,
    source regclass NOT NULL
);
INSERT INTO cluster_layers VALUES ('teams', 'teams'), ('red-addresses', 'red_sites'), ('hardship-villages', 'hardship_villages'),
                                  ('border-markers', 'border_markers'), ('needs', 'needs'), ('activities', 'activities_public');

CREATE TABLE cluster_cells (
    layer    text NOT NULL,
    z        smallint NOT NULL,
    cx       bigint NOT NULL,
    cy       bigint NOT NULL,
    n        integer NOT NULL CHECK (n > 0),
    sum_lon  float8 NOT NULL,
    sum_lat  float8 NOT NULL,
    min_lon  float8 NOT NULL,
    min_lat  float8 NOT NULL,
    max_lon  float8 NOT NULL,
    max_lat  float8 NOT NULL,
    first_id bigint NOT NULL,
    PRIMARY KEY (layer, z, cx, cy)
);
-- The viewport reads columns (cx fixed, cy range) through the key and rows (cy fixed, cx range) through this.
CREATE INDEX cluster_cells_rows ON cluster_cells (layer, z, cy, cx);

-- Rebuilds one layer's pyramid from its source: zoom 14 from the points, each coarser zoom from its children.
CREATE OR REPLACE FUNCTION rm_cluster_rebuild(layer_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE src regclass;
BEGIN
    SELECT source INTO STRICT src FROM cluster_layers WHERE layer = layer_id;
    DELETE FROM cluster_cells WHERE layer = layer_id;
    EXECUTE format($f$
        INSERT INTO cluster_cells
        SELECT %L, rm_cluster_max_zoom(), cx, cy, count(*), sum(lon), sum(lat), min(lon), min(lat), max(lon), max(lat), min(id)
        FROM (SELECT id, lon, lat, rm_cluster_cx(lon, rm_cluster_cell_m(rm_cluster_max_zoom())) AS cx,
                     rm_cluster_cy(lat, rm_cluster_cell_m(rm_cluster_max_zoom())) AS cy
              FROM (SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM %s) p) s
        GROUP BY cx, cy $f$, layer_id, src);
    FOR level IN REVERSE rm_cluster_max_zoom() - 1..0 LOOP
        INSERT INTO cluster_cells
        SELECT layer_id, level, cx >> 1, cy >> 1, sum(n), sum(sum_lon), sum(sum_lat),
               min(min_lon), min(min_lat), max(max_lon), max(max_lat), min(first_id)
        FROM cluster_cells WHERE layer = layer_id AND z = level + 1
        GROUP BY cx >> 1, cy >> 1;
    END LOOP;
END $$;

-- Recomputes the given zoom-14 cells (columns xs, rows ys) from the source, then their ancestors from their children.
CREATE OR REPLACE FUNCTION rm_cluster_refresh(layer_id text, xs bigint[], ys bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    src regclass;
    cell float8 := rm_cluster_cell_m(rm_cluster_max_zoom());
BEGIN
    SELECT source INTO STRICT src FROM cluster_layers WHERE layer = layer_id;
    FOR level IN REVERSE rm_cluster_max_zoom()..0 LOOP
        DELETE FROM cluster_cells c USING unnest(xs, ys) d(cx, cy)
        WHERE c.layer = layer_id AND c.z = level AND c.cx = d.cx AND c.cy = d.cy;
        IF level = rm_cluster_max_zoom() THEN
            -- Each dirty cell's points, found by the cell's envelope widened by a hair (to the pole where latitudes
            -- are clamped) and kept by their exact cell.
            EXECUTE format($f$
                INSERT INTO cluster_cells
                SELECT %L, rm_cluster_max_zoom(), s.cx, s.cy, count(*), sum(s.lon), sum(s.lat),
                       min(s.lon), min(s.lat), max(s.lon), max(s.lat), min(s.id)
                FROM unnest($2, $3) d(cx, cy)
                CROSS JOIN LATERAL (
                    SELECT degrees(d.cx * $1 / 6378137) - 1e-9 AS lon0, degrees((d.cx + 1) * $1 / 6378137) + 1e-9 AS lon1,
                           degrees(2 * atan(exp(d.cy * $1 / 6378137)) - pi() / 2) - 1e-9 AS lat0,
                           degrees(2 * atan(exp((d.cy + 1) * $1 / 6378137)) - pi() / 2) + 1e-9 AS lat1) e
                CROSS JOIN LATERAL (
                    SELECT t.id, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, d.cx, d.cy
                    FROM %s t
                    WHERE t.geom && ST_MakeEnvelope(e.lon0, CASE WHEN e.lat0 <= -85 THEN -90 ELSE e.lat0 END,
                                                    e.lon1, CASE WHEN e.lat1 >= 85 THEN 90 ELSE e.lat1 END, 4326)
                      AND rm_cluster_cx(ST_X(t.geom), $1) = d.cx AND rm_cluster_cy(ST_Y(t.geom), $1) = d.cy) s
                GROUP BY s.cx, s.cy $f$, layer_id, src) USING cell, xs, ys;
        ELSE
            INSERT INTO cluster_cells
            SELECT layer_id, level, d.cx, d.cy, sum(c.n), sum(c.sum_lon), sum(c.sum_lat),
                   min(c.min_lon), min(c.min_lat), max(c.max_lon), max(c.max_lat), min(c.first_id)
            FROM unnest(xs, ys) d(cx, cy)
            JOIN cluster_cells c ON c.layer = layer_id AND c.z = level + 1
                                AND c.cx BETWEEN d.cx * 2 AND d.cx * 2 + 1 AND c.cy BETWEEN d.cy * 2 AND d.cy * 2 + 1
            GROUP BY d.cx, d.cy;
        END IF;
        -- The next level's dirty cells are the parents of this level's.
        SELECT array_agg(px), array_agg(py) INTO xs, ys
        FROM (SELECT DISTINCT cx >> 1 AS px, cy >> 1 AS py FROM unnest(xs, ys) d(cx, cy)) p;
    END LOOP;
END $$;

-- Writers to one layer take its pyramid lock (class 21581) in turn, so each recomputes cells from a snapshot that
-- holds every earlier writer's committed rows. Above a few thousand cells (a bulk load) one rebuild is cheaper.
CREATE OR REPLACE FUNCTION rm_cluster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    layer_id text := TG_ARGV[0];
    whole_rows boolean := TG_ARGV[1] = 'filtered';  -- a view's filter may depend on any column
    cell float8 := rm_cluster_cell_m(rm_cluster_max_zoom());
    xs bigint[];
    ys bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(21581, hashtext(layer_id));
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM rm_cluster_rebuild(layer_id);
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(cx), array_agg(cy) INTO xs, ys FROM (
            SELECT DISTINCT rm_cluster_cx(ST_X(geom), cell) AS cx, rm_cluster_cy(ST_Y(geom), cell) AS cy FROM new_rows) k;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(cx), array_agg(cy) INTO xs, ys FROM (
            SELECT DISTINCT rm_cluster_cx(ST_X(geom), cell) AS cx, rm_cluster_cy(ST_Y(geom), cell) AS cy FROM old_rows) k;
    ELSE
        SELECT array_agg(cx), array_agg(cy) INTO xs, ys FROM (
            SELECT DISTINCT rm_cluster_cx(ST_X(g), cell) AS cx, rm_cluster_cy(ST_Y(g), cell) AS cy
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.geom), (n.geom)) v(g)
            WHERE whole_rows OR o.geom IS DISTINCT FROM n.geom) k;
    END IF;
    IF xs IS NULL THEN
        RETURN NULL;
    ELSIF cardinality(xs) > 5000 THEN
        PERFORM rm_cluster_rebuild(layer_id);
    ELSE
        PERFORM rm_cluster_refresh(layer_id, xs, ys);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE l record;
BEGIN
    FOR l IN SELECT * FROM (VALUES ('teams', 'teams', 'geometry'), ('red-addresses', 'red_sites', 'geometry'),
                                   ('hardship-villages', 'hardship_villages', 'geometry'), ('border-markers', 'border_markers', 'geometry'),
                                   ('needs', 'needs', 'geometry'), ('activities', 'activities', 'filtered')) v(layer, tbl, kind) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_cluster_changed(%L, %L)',
                       l.tbl || '_clusters_inserted', l.tbl, l.layer, l.kind);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_cluster_changed(%L, %L)',
                       l.tbl || '_clusters_updated', l.tbl, l.layer, l.kind);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_cluster_changed(%L, %L)',
                       l.tbl || '_clusters_deleted', l.tbl, l.layer, l.kind);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION rm_cluster_changed(%L, %L)',
                       l.tbl || '_clusters_truncated', l.tbl, l.layer, l.kind);
    END LOOP;
END $$;

SELECT rm_cluster_rebuild(layer) FROM cluster_layers;
