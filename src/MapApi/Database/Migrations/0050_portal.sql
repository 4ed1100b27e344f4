-- Coordination portal (issue 8): campaigns with indicator targets, the activity workflow
-- (draft → submitted → approved | returned) with history, photos, and the public activities view.

-- Youth Union levels a campaign can be organised at (cấp Trung ương, tỉnh, huyện, cơ sở).
CREATE TABLE campaigns (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    unit_code    text NOT NULL,                 -- organising admin unit (its code; versions resolved by date)
    union_level  text NOT NULL CHECK (union_level IN ('central', 'province', 'district', 'commune', 'grassroots')),
    description  text,
    created_by   bigint REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);

-- What a campaign counts and how much: code is an activity output (outputs->>code) or one of the
-- activity measures participants, volunteer_hours, beneficiaries, money_vnd, activities.
CREATE TABLE campaign_indicators (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    code         text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    label        text NOT NULL,
    measure_unit text NOT NULL,                 -- cây, công trình, lượt, người, VND, lớp, thôn…
    target       numeric(18,2) NOT NULL CHECK (target >= 0),
    UNIQUE (campaign_id, code)
);

-- Activities recorded before the portal (seed, done needs) stay public: they default to approved.
ALTER TABLE activities
    ADD COLUMN status          text NOT NULL DEFAULT 'approved' CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    ADD COLUMN campaign_id     bigint REFERENCES campaigns(id),
    ADD COLUMN unit_code       text,            -- the reporting unit (admin unit code)
    ADD COLUMN description     text,
    ADD COLUMN money_vnd       numeric(18,0) CHECK (money_vnd >= 0),
    ADD COLUMN in_kind         text,
    ADD COLUMN sponsors        jsonb NOT NULL DEFAULT '[]',   -- [{name, amount_vnd, public}]: private names never public
    ADD COLUMN private_notes   text,                          -- never public
    ADD COLUMN recorded_via    text NOT NULL DEFAULT 'import' CHECK (recorded_via IN ('import', 'portal')),
    ADD COLUMN created_by      bigint REFERENCES users(id),
    ADD COLUMN idempotency_key text,
    ADD COLUMN created_at      timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN submitted_at    timestamptz,
    ADD COLUMN approved_at     timestamptz;
CREATE UNIQUE INDEX activities_idempotency_ux ON activities (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX activities_campaign_ix ON activities (campaign_id);
CREATE INDEX activities_status_ix ON activities (status);
CREATE INDEX activities_geog_gix ON activities USING gist ((geom::geography));

CREATE TABLE activity_transitions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id  bigint NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    note         text,
    by_user      bigint REFERENCES users(id),
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_transitions_activity_ix ON activity_transitions (activity_id);

-- Photos: the bytes live in the photo store (storage_key); only re-encoded copies without EXIF are kept.
-- exif_lon/exif_lat/taken_at are what the camera said: private, used to pre-fill the report.
CREATE TABLE activity_photos (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id     bigint NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    storage_key     text NOT NULL UNIQUE,
    content_type    text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width           integer NOT NULL CHECK (width > 0),
    height          integer NOT NULL CHECK (height > 0),
    bytes           bigint NOT NULL CHECK (bytes > 0),
    sha256          text NOT NULL,
    original_name   text,
    taken_at        timestamptz,
    exif_lon        double precision,
    exif_lat        double precision,
    idempotency_key text,
    created_by      bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_photos_activity_ix ON activity_photos (activity_id);
CREATE UNIQUE INDEX activity_photos_idempotency_ux ON activity_photos (activity_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The public map layer reads this view: approved activities only (the layer lists the public columns).
CREATE VIEW activities_public AS SELECT * FROM activities WHERE status = 'approved';
