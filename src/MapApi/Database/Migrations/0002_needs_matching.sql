-- Needs lifecycle, assignments and the people who act on them (issue 3: "find, rank and assign the
-- volunteer teams that can serve a need").

-- Accounts of coordinators and team leads. Reads stay public; every write names one of these users.
CREATE TABLE users (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username          text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name      text NOT NULL,
    role              text NOT NULL CHECK (role IN ('coordinator', 'team-lead')),
    team_id           bigint REFERENCES teams(id) ON DELETE SET NULL,
    admin_scope_code  text,                       -- optional: the admin unit a coordinator works for
    password_hash     text NOT NULL,              -- "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'team-lead' OR team_id IS NOT NULL)
);

-- The status machine of a need, as data: the API validates every change against this table and
-- the need's Feature lists the manual next steps from it. "manual" edges are what
-- POST /api/needs/{id}/transitions accepts; the others follow from assignments:
--   open → proposed         when a team is proposed
--   proposed → open         when every proposal was declined
--   proposed → accepted     when accepted volunteers cover volunteers_needed
CREATE TABLE need_transitions (
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    manual       boolean NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO need_transitions (from_status, to_status, manual) VALUES
    ('open',        'proposed',    false),
    ('open',        'declined',    true),   -- the union decides not to take it on
    ('open',        'cancelled',   true),   -- the requester withdrew it
    ('proposed',    'open',        false),
    ('proposed',    'accepted',    false),
    ('proposed',    'declined',    true),
    ('proposed',    'cancelled',   true),
    ('accepted',    'in-progress', true),
    ('accepted',    'cancelled',   true),
    ('in-progress', 'done',        true),
    ('in-progress', 'cancelled',   true),
    ('declined',    'open',        true);   -- reopened; done and cancelled are final

-- Every change of a need's status: who, when, from, to and why. from_status NULL = created.
CREATE TABLE need_status_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    need_id      bigint NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    changed_by   text NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    note         text
);
CREATE INDEX need_status_history_need_ix ON need_status_history (need_id, changed_at, id);

-- A team proposed for (and then accepting or declining) a need. Proposed and accepted assignments
-- hold the team's places over the need's window: that is what "free capacity" subtracts.
CREATE TABLE assignments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    need_id      bigint NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    team_id      bigint NOT NULL REFERENCES teams(id),
    volunteers   integer NOT NULL CHECK (volunteers BETWEEN 1 AND 1000),
    period       daterange NOT NULL,              -- the need's window when proposed, [start, end]
    status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined', 'withdrawn')),
    proposed_by  text NOT NULL,
    proposed_at  timestamptz NOT NULL DEFAULT now(),
    decided_by   text,
    decided_at   timestamptz,
    note         text
);
CREATE INDEX assignments_need_ix ON assignments (need_id);
CREATE INDEX assignments_team_active_ix ON assignments (team_id, status) WHERE status IN ('proposed', 'accepted');
-- One live proposal per team and need.
CREATE UNIQUE INDEX assignments_one_live_per_team ON assignments (need_id, team_id) WHERE status IN ('proposed', 'accepted');

-- Matching reads these often.
CREATE INDEX teams_service_area_gix ON teams USING gist (service_area) WHERE service_area IS NOT NULL;
CREATE INDEX teams_active_radius_ix ON teams (service_radius_m) WHERE status = 'active';
CREATE INDEX team_availability_period_gix ON team_availability USING gist (period);
