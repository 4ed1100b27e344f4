-- A club's logo or group photo (issue 9, registry): one per team, public like the team's name. The files live in the
-- photo store (IPhotoStore) as re-encoded copies without EXIF; this row says where and what.
CREATE TABLE team_logos (
    team_id       bigint PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    storage_key   text NOT NULL,
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    sha256        text NOT NULL,
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

ALTER TABLE team_history DROP CONSTRAINT team_history_action_check;
ALTER TABLE team_history ADD CONSTRAINT team_history_action_check
    CHECK (action IN ('created', 'updated', 'deactivated', 'reactivated', 'imported', 'logo'));
