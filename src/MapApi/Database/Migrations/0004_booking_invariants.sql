-- Booking invariants held by the database, whatever code path writes (issue 7): a team never holds more
-- places on any day than its capacity, a need never has more volunteers proposed or accepted than it needs,
-- and a team's capacity cannot be lowered below the places it already holds. Violations raise SQLSTATE
-- RM409, which the API answers as 409 problem details with the message below.

-- The most places a team holds on one day between p_from and p_to (inclusive; NULL p_to = no end), counting
-- proposed and accepted assignments. The busiest day is p_from or the first day of some assignment.
CREATE FUNCTION rm_team_peak_load(p_team bigint, p_from date, p_to date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max((SELECT sum(b.volunteers) FROM assignments b
                         WHERE b.team_id = p_team AND b.status IN ('proposed', 'accepted') AND b.period @> d.day)), 0)::int
    FROM (SELECT greatest(lower(a.period), p_from) AS day
          FROM assignments a
          WHERE a.team_id = p_team AND a.status IN ('proposed', 'accepted')
            AND a.period && daterange(p_from, p_to, '[]')) d
$$;

CREATE FUNCTION rm_assignments_hold_places() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_needed   integer;
    v_live     integer;
    v_capacity integer;
    v_name     text;
    v_peak     integer;
BEGIN
    IF NEW.status NOT IN ('proposed', 'accepted') THEN RETURN NULL; END IF;
    -- Same lock order as the API (the need, then the team), so concurrent writers queue instead of both passing.
    SELECT volunteers_needed INTO v_needed FROM needs WHERE id = NEW.need_id FOR UPDATE;
    SELECT capacity, name INTO v_capacity, v_name FROM teams WHERE id = NEW.team_id FOR UPDATE;

    SELECT coalesce(sum(volunteers), 0) INTO v_live FROM assignments
    WHERE need_id = NEW.need_id AND status IN ('proposed', 'accepted');
    IF v_live > v_needed THEN
        RAISE EXCEPTION USING ERRCODE = 'RM409',
            MESSAGE = format('Need %s would have %s volunteers proposed or accepted; it needs %s.', NEW.need_id, v_live, v_needed);
    END IF;

    v_peak := rm_team_peak_load(NEW.team_id, lower(NEW.period), upper(NEW.period) - 1);
    IF v_peak > v_capacity THEN
        RAISE EXCEPTION USING ERRCODE = 'RM409',
            MESSAGE = format('Team %s (%s) would hold %s places on its busiest day between %s and %s; its capacity is %s.',
                             NEW.team_id, v_name, v_peak, lower(NEW.period), upper(NEW.period) - 1, v_capacity);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER assignments_hold_places
    AFTER INSERT OR UPDATE OF status, volunteers, period, team_id, need_id ON assignments
    FOR EACH ROW EXECUTE FUNCTION rm_assignments_hold_places();

CREATE FUNCTION rm_teams_capacity_covers_held() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_held integer;
BEGIN
    -- Past days are history: only what the team holds from today (Vietnam's date) on binds its capacity.
    v_held := rm_team_peak_load(NEW.id, rm_today(), NULL);
    IF v_held > NEW.capacity THEN
        RAISE EXCEPTION USING ERRCODE = 'RM409',
            MESSAGE = format('Team %s (%s) already holds %s places (proposed or accepted) on its busiest day from %s on; capacity cannot go below %s.',
                             NEW.id, NEW.name, v_held, rm_today(), v_held);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER teams_capacity_covers_held
    BEFORE UPDATE OF capacity ON teams
    FOR EACH ROW WHEN (NEW.capacity < OLD.capacity) EXECUTE FUNCTION rm_teams_capacity_covers_held();

-- The same rule on the need's side: volunteers_needed cannot drop below what is proposed or accepted.
CREATE FUNCTION rm_needs_cover_live() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_live integer;
BEGIN
    SELECT coalesce(sum(volunteers), 0) INTO v_live FROM assignments
    WHERE need_id = NEW.id AND status IN ('proposed', 'accepted');
    IF v_live > NEW.volunteers_needed THEN
        RAISE EXCEPTION USING ERRCODE = 'RM409',
            MESSAGE = format('Need %s already has %s volunteers proposed or accepted; volunteers_needed cannot go below %s.', NEW.id, v_live, v_live);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER needs_cover_live
    BEFORE UPDATE OF volunteers_needed ON needs
    FOR EACH ROW WHEN (NEW.volunteers_needed < OLD.volunteers_needed) EXECUTE FUNCTION rm_needs_cover_live();
