-- Accounts that change take effect at once, and no sign-in state lives in one API process only
-- (several instances can share this database).

-- account_version rises whenever what a token vouches for changes (role, team, scope, password, disabled);
-- every request compares the token's version with this column, so an old token stops working at once.
ALTER TABLE users
    ADD COLUMN account_version integer NOT NULL DEFAULT 1,
    ADD COLUMN disabled_at     timestamptz,
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();

-- One sign-in (a username/password exchange) and the chain of refresh tokens rotated from it.
-- Revoking the session ends the chain and the access tokens issued in it (they carry its id as "sid").
CREATE TABLE auth_sessions (
    id               uuid PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_version  integer NOT NULL,            -- the version the session was opened at
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz,
    revoked_reason   text CHECK (revoked_reason IN ('logout', 'reuse', 'account-changed', 'expired'))
);
CREATE INDEX auth_sessions_user_ix ON auth_sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens are 256 random bits given to the client once; only their SHA-256 is stored.
-- A token is used once: refreshing marks it used and issues its successor in the same session.
-- Presenting a used token again means it was copied: the whole session is revoked.
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    session_id  uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session_ix ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_expires_ix ON refresh_tokens (expires_at);

CREATE OR REPLACE FUNCTION rm_users_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role IS DISTINCT FROM OLD.role
       OR NEW.team_id IS DISTINCT FROM OLD.team_id
       OR NEW.admin_scope_code IS DISTINCT FROM OLD.admin_scope_code
       OR NEW.password_hash IS DISTINCT FROM OLD.password_hash
       OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at
       OR NEW.username IS DISTINCT FROM OLD.username THEN
        NEW.account_version := OLD.account_version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

-- Whatever code path changes an account (the CLI, SQL by hand, a future admin API), its sessions end.
CREATE OR REPLACE FUNCTION rm_users_revoke_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'account-changed'
    WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER users_bump_version BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION rm_users_bump_version();
CREATE TRIGGER users_revoke_sessions AFTER UPDATE ON users
    FOR EACH ROW WHEN (NEW.account_version IS DISTINCT FROM OLD.account_version)
    EXECUTE FUNCTION rm_users_revoke_sessions();

-- Sign-in throttling counters shared by every API instance: a fixed window per client address
-- (attempts) and per account name (failures; also for names that do not exist, so a 429 reveals nothing).
CREATE TABLE login_attempts (
    scope         text NOT NULL CHECK (scope IN ('address', 'account')),
    key           text NOT NULL,
    window_start  timestamptz NOT NULL,
    attempts      integer NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX login_attempts_window_ix ON login_attempts (window_start);

-- The token signing key when RESOURCEMAP_JWT_KEY is not set: generated once by whichever instance
-- starts first, then shared by all instances and restarts.
CREATE TABLE signing_keys (
    id          text PRIMARY KEY,
    key         bytea NOT NULL CHECK (length(key) >= 32),
    created_at  timestamptz NOT NULL DEFAULT now()
);
