-- Sessions end when the account changes. A signed-in session carried the account as it was at sign-in (id, role,
-- enabled) for up to 8 hours, so a disabled admin could re-enable itself through its old session and a disabled
-- labeler kept submitting. Now every account has a session generation, which a session records at sign-in; the
-- application compares it (and enabled) with the row on every request and ends a session whose generation is old.
-- The trigger moves the generation on whenever the account is disabled, paused, given another role or a new
-- password, whichever way the row is changed (admin page, REST API or SQL).
ALTER TABLE users ADD COLUMN session_generation integer NOT NULL DEFAULT 0;

CREATE FUNCTION users_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.enabled AND NOT NEW.enabled) OR (NEW.paused AND NOT OLD.paused) OR NEW.role <> OLD.role
       OR NEW.password_hash <> OLD.password_hash THEN
        NEW.session_generation := OLD.session_generation + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_end_sessions BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_end_sessions();
