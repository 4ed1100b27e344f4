-- Issue 9: the team registry (create/edit/deactivate with a change history, similar-name warnings)
-- and bulk imports (external ids for re-import, approximate locations, a stored report per import).

-- A unit's own identifier for a record, so re-importing its spreadsheet updates instead of duplicating.
-- PostgreSQL's UNIQUE lets many NULLs through: records entered by hand need none.
-- location_approximate: the position is the centre of the named admin unit, not a surveyed point.
ALTER TABLE teams             ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
                              ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;
ALTER TABLE red_sites         ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
                              ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;
ALTER TABLE hardship_villages ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
                              ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;
ALTER TABLE border_markers    ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
                              ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;
ALTER TABLE needs             ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
                              ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;

-- "Does this new team look like one we already have?": trigram similarity of folded names.
CREATE INDEX teams_name_fold_trgm ON teams USING gin (rm_fold(name) gin_trgm_ops);

-- Every change to a team: who, when, and each changed field's old and new value.
CREATE TABLE team_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    action      text NOT NULL CHECK (action IN ('created', 'updated', 'deactivated', 'reactivated', 'imported')),
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    changes     jsonb NOT NULL DEFAULT '{}'   -- {"capacity": {"from": 6, "to": 9}, ...}
);
CREATE INDEX team_history_team_ix ON team_history (team_id, changed_at, id);

-- One row per import (dry run or commit) with its report: counts and every bad row.
CREATE TABLE imports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    layer        text NOT NULL,
    file_name    text NOT NULL,
    format       text NOT NULL CHECK (format IN ('xlsx', 'csv', 'geojson', 'kml', 'kmz', 'shapefile')),
    dry_run      boolean NOT NULL,
    status       text NOT NULL CHECK (status IN ('valid', 'invalid', 'committed')),
    total_rows   integer NOT NULL CHECK (total_rows >= 0),
    error_count  integer NOT NULL CHECK (error_count >= 0),
    inserted     integer NOT NULL DEFAULT 0,
    updated      integer NOT NULL DEFAULT 0,
    unchanged    integer NOT NULL DEFAULT 0,
    report       jsonb NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The code of the lowest admin unit in force on a date that contains a geometry (a new or moved
-- team, an imported record): commune, else district, else province.
CREATE OR REPLACE FUNCTION rm_lowest_admin_code(g geometry, on_date date) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT a.code FROM admin_units a
    WHERE a.level <> 'country' AND a.valid_from <= on_date AND (a.valid_to IS NULL OR a.valid_to > on_date)
      AND ST_Intersects(a.geom, g)
    ORDER BY CASE a.level WHEN 'commune' THEN 1 WHEN 'district' THEN 2 ELSE 3 END, a.valid_from DESC
    LIMIT 1
$$;
