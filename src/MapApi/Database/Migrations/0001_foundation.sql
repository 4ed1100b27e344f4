-- Foundation schema: versioned admin units and the map's layers.
-- All geometry is WGS84 (EPSG:4326); distances are computed on geography, never in degrees.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Folds case and Vietnamese diacritics so "quang nam" matches "Quảng Nam".
-- unaccent() is only STABLE (it reads a dictionary), so an IMMUTABLE wrapper with an explicit
-- dictionary is needed before it can back an index or a generated column.
CREATE OR REPLACE FUNCTION rm_fold(input text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate(input, 'đĐ', 'dD'))) $$;

-- Where every record comes from. Sample records point at a source whose is_sample is true.
CREATE TABLE data_sources (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    licence     text NOT NULL,
    url         text,
    accuracy    text NOT NULL,
    is_sample   boolean NOT NULL
);

CREATE TABLE admin_units (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL,                 -- official GSO code where known (province "49" = Quảng Nam)
    level        text NOT NULL CHECK (level IN ('country', 'province', 'district', 'commune')),
    parent_code  text,                          -- code of the parent valid at the same time
    name         text NOT NULL,
    name_en      text,
    valid_from   date NOT NULL,
    valid_to     date,                          -- exclusive; NULL = still in force
    geom         geometry(MultiPolygon, 4326) NOT NULL,
    source_id    text NOT NULL REFERENCES data_sources(id),
    is_sample    boolean NOT NULL DEFAULT false,
    search_text  text GENERATED ALWAYS AS (rm_fold(name || ' ' || coalesce(name_en, '') || ' ' || code)) STORED,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    UNIQUE (level, code, valid_from)
);
CREATE INDEX admin_units_geom_gix ON admin_units USING gist (geom);
CREATE INDEX admin_units_level_code_ix ON admin_units (level, code);
CREATE INDEX admin_units_parent_ix ON admin_units (parent_code);
CREATE INDEX admin_units_search_trgm ON admin_units USING gin (search_text gin_trgm_ops);

-- Controlled vocabulary of the kinds of work the plans name.
CREATE TABLE skills (
    code      text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]*$'),
    label_vi  text NOT NULL,
    label_en  text NOT NULL
);

CREATE TABLE teams (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text NOT NULL,
    team_type            text NOT NULL CHECK (team_type IN ('club', 'team', 'group', 'specialist')),
    parent_unit          text NOT NULL,          -- the Youth Union unit the team belongs to
    admin_code           text,                   -- lowest admin unit (code) the team sits in, as of its record
    skills               text[] NOT NULL DEFAULT '{}',
    languages            text[] NOT NULL DEFAULT '{vi}',
    members              integer NOT NULL DEFAULT 0 CHECK (members >= 0),
    capacity             integer NOT NULL DEFAULT 0 CHECK (capacity >= 0),   -- volunteers it can send at once
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    founded_on           date,
    description          text,
    public_phone         text,
    public_email         text,
    public_url           text,
    private_contact_name text,                   -- never shown to anonymous users
    private_phone        text,
    private_email        text,
    service_radius_m     integer CHECK (service_radius_m IS NULL OR service_radius_m BETWEEN 100 AND 500000),
    service_area         geometry(MultiPolygon, 4326),
    last_assigned_at     timestamptz,
    geom                 geometry(Point, 4326) NOT NULL,
    source_id            text NOT NULL REFERENCES data_sources(id),
    is_sample            boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text          text GENERATED ALWAYS AS (rm_fold(name || ' ' || parent_unit || ' ' || coalesce(description, '') || ' ' || coalesce(admin_names, ''))) STORED
);
CREATE INDEX teams_geom_gix ON teams USING gist (geom);
CREATE INDEX teams_geog_gix ON teams USING gist ((geom::geography));
CREATE INDEX teams_skills_gin ON teams USING gin (skills);
CREATE INDEX teams_admin_ix ON teams (admin_code);
CREATE INDEX teams_search_trgm ON teams USING gin (search_text gin_trgm_ops);

-- Availability windows a team lead declares (matching reads these).
CREATE TABLE team_availability (
    team_id  bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    period   daterange NOT NULL,
    PRIMARY KEY (team_id, period)
);

CREATE TABLE red_sites (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text NOT NULL,
    relic_type       text NOT NULL CHECK (relic_type IN ('historical', 'revolutionary', 'architectural', 'archaeological', 'memorial', 'scenic')),
    rank             text NOT NULL CHECK (rank IN ('special-national', 'national', 'provincial', 'unranked')),
    recognised_year  integer CHECK (recognised_year BETWEEN 1945 AND 2100),
    story            text,
    visiting_info    text,
    address          text,
    admin_code       text,
    geom             geometry(Point, 4326) NOT NULL,
    source_id        text NOT NULL REFERENCES data_sources(id),
    is_sample        boolean NOT NULL DEFAULT false,
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text      text GENERATED ALWAYS AS (rm_fold(name || ' ' || coalesce(address, '') || ' ' || coalesce(story, '') || ' ' || coalesce(admin_names, ''))) STORED
);
CREATE INDEX red_sites_geom_gix ON red_sites USING gist (geom);
CREATE INDEX red_sites_admin_ix ON red_sites (admin_code);
CREATE INDEX red_sites_search_trgm ON red_sites USING gin (search_text gin_trgm_ops);

CREATE TABLE hardship_villages (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                      text NOT NULL,
    admin_code                text,
    poverty_rate              numeric(5,2) CHECK (poverty_rate BETWEEN 0 AND 100),   -- % of households
    households                integer CHECK (households >= 0),
    population                integer CHECK (population >= 0),
    ethnic_groups             text[] NOT NULL DEFAULT '{}',
    extremely_difficult       boolean NOT NULL DEFAULT true,     -- thôn đặc biệt khó khăn (Decision 861/QĐ-TTg list)
    new_rural_criteria_met    integer CHECK (new_rural_criteria_met BETWEEN 0 AND 19),
    new_rural_criteria_total  integer NOT NULL DEFAULT 19,
    last_served_on            date,
    geom                      geometry(Point, 4326) NOT NULL,
    area                      geometry(MultiPolygon, 4326),
    source_id                 text NOT NULL REFERENCES data_sources(id),
    is_sample                 boolean NOT NULL DEFAULT false,
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text               text GENERATED ALWAYS AS (rm_fold(name || ' ' || coalesce(admin_names, ''))) STORED
);
CREATE INDEX hardship_villages_geom_gix ON hardship_villages USING gist (geom);
CREATE INDEX hardship_villages_admin_ix ON hardship_villages (admin_code);
CREATE INDEX hardship_villages_search_trgm ON hardship_villages USING gin (search_text gin_trgm_ops);

CREATE TABLE border_areas (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('border-commune', 'border-belt')),
    admin_code          text,
    neighbour_country   text NOT NULL,           -- ISO 3166-1 alpha-2, e.g. LA, KH, CN
    neighbour_province  text,                    -- e.g. Sê Kông
    geom                geometry(MultiPolygon, 4326) NOT NULL,
    source_id           text NOT NULL REFERENCES data_sources(id),
    is_sample           boolean NOT NULL DEFAULT false,
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text         text GENERATED ALWAYS AS (rm_fold(name || ' ' || coalesce(neighbour_province, '') || ' ' || coalesce(admin_names, ''))) STORED
);
CREATE INDEX border_areas_geom_gix ON border_areas USING gist (geom);
CREATE INDEX border_areas_admin_ix ON border_areas (admin_code);

CREATE TABLE border_markers (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    marker_number      text NOT NULL,            -- e.g. "652" or "652/1" (cọc dấu)
    marker_type        text NOT NULL CHECK (marker_type IN ('main', 'secondary', 'stake')),  -- mốc chính, mốc phụ, cọc dấu
    neighbour_country  text NOT NULL,
    border_area_id     bigint REFERENCES border_areas(id),
    admin_code         text,
    geom               geometry(Point, 4326) NOT NULL,
    source_id          text NOT NULL REFERENCES data_sources(id),
    is_sample          boolean NOT NULL DEFAULT false,
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text        text GENERATED ALWAYS AS (rm_fold('moc ' || marker_number || ' ' || marker_number || ' ' || coalesce(admin_names, ''))) STORED,
    UNIQUE (neighbour_country, marker_number)
);
CREATE INDEX border_markers_geom_gix ON border_markers USING gist (geom);
CREATE INDEX border_markers_admin_ix ON border_markers (admin_code);

-- Needs and activities: tables now; their behaviour arrives with the needs/matching work.
CREATE TABLE needs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title             text NOT NULL,
    category          text NOT NULL,
    required_skills   text[] NOT NULL DEFAULT '{}',
    volunteers_needed integer NOT NULL CHECK (volunteers_needed > 0),
    window_start      date NOT NULL,
    window_end        date NOT NULL,
    priority          text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'proposed', 'accepted', 'in-progress', 'done', 'declined', 'cancelled')),
    public_summary    text NOT NULL,
    restricted_details jsonb,                    -- beneficiary names, phones: never sent to anonymous users
    village_id        bigint REFERENCES hardship_villages(id),
    admin_code        text,
    geom              geometry(Point, 4326) NOT NULL,
    created_by        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_id         text NOT NULL REFERENCES data_sources(id),
    is_sample         boolean NOT NULL DEFAULT false,
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text       text GENERATED ALWAYS AS (rm_fold(title || ' ' || category || ' ' || public_summary || ' ' || coalesce(admin_names, ''))) STORED,
    CHECK (window_end >= window_start)
);
CREATE INDEX needs_geom_gix ON needs USING gist (geom);
CREATE INDEX needs_geog_gix ON needs USING gist ((geom::geography));
CREATE INDEX needs_status_ix ON needs (status);
CREATE INDEX needs_admin_ix ON needs (admin_code);

CREATE TABLE activities (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL,
    campaign       text,                          -- e.g. Tháng Thanh niên, Chủ nhật xanh
    started_on     date NOT NULL,
    ended_on       date,
    participants   integer CHECK (participants >= 0),
    volunteer_hours numeric(10,1) CHECK (volunteer_hours >= 0),
    beneficiaries  integer CHECK (beneficiaries >= 0),
    outputs        jsonb NOT NULL DEFAULT '{}',   -- e.g. {"trees_planted": 500, "houses_repaired": 2}
    team_id        bigint REFERENCES teams(id),
    need_id        bigint REFERENCES needs(id),
    admin_code     text,
    geom           geometry(Point, 4326) NOT NULL,
    source_id      text NOT NULL REFERENCES data_sources(id),
    is_sample      boolean NOT NULL DEFAULT false,
    admin_names          text,                   -- names of the admin units (all versions) containing it; kept by trigger
    search_text    text GENERATED ALWAYS AS (rm_fold(name || ' ' || coalesce(campaign, '') || ' ' || coalesce(admin_names, ''))) STORED
);
CREATE INDEX activities_geom_gix ON activities USING gist (geom);
CREATE INDEX activities_admin_ix ON activities (admin_code);

-- Place names make "quang nam" find the teams, sites and villages located in Quảng Nam (and, since
-- the 2025 merger, in Đà Nẵng), not only records whose own name mentions it. A BEFORE trigger runs
-- before generated columns are computed, so search_text picks the names up.
CREATE OR REPLACE FUNCTION rm_set_admin_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.admin_names := (
        SELECT string_agg(DISTINCT a.name, ' ')
        FROM admin_units a
        WHERE a.level <> 'country' AND ST_Intersects(a.geom, NEW.geom));
    RETURN NEW;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['teams', 'red_sites', 'hardship_villages', 'border_areas', 'border_markers', 'needs', 'activities'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF geom ON %I FOR EACH ROW EXECUTE FUNCTION rm_set_admin_names()', t || '_admin_names', t);
    END LOOP;
END $$;

-- Re-derives place names after admin units are loaded or changed.
CREATE OR REPLACE FUNCTION rm_refresh_admin_names() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['teams', 'red_sites', 'hardship_villages', 'border_areas', 'border_markers', 'needs', 'activities'] LOOP
        EXECUTE format('UPDATE %I x SET admin_names = (SELECT string_agg(DISTINCT a.name, '' '') FROM admin_units a WHERE a.level <> ''country'' AND ST_Intersects(a.geom, x.geom))', t);
    END LOOP;
END $$;

-- Each word of a search becomes one LIKE pattern over the folded text, so word order does not
-- matter ("nam tra my clb" finds "CLB ... Nam Trà My"). LIKE wildcards in the input are escaped.
CREATE OR REPLACE FUNCTION rm_like_patterns(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT coalesce(array_agg('%' || replace(replace(replace(w, '\', '\\'), '%', '\%'), '_', '\_') || '%'), '{}')
    FROM regexp_split_to_table(rm_fold(query), '\s+') AS w
    WHERE w <> ''
$$;
