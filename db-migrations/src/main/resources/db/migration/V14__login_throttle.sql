-- Login throttling. Forty wrong passwords in six seconds, then the right one, used to sign in. Now failed sign-ins are
-- counted per account (the username as typed) and per address (the client's IP address), in the database so that
-- every application instance sees the same counts. After a few free failures each further one blocks the key for a
-- growing delay (doubling, capped: a minute for an account, so an attacker cannot lock a real user out for long; a
-- quarter of an hour for an address); a sign-in while blocked is refused without checking the password. Counts start
-- again after an hour without failures; a successful sign-in clears its account's count.
CREATE TABLE login_throttle (
    key              varchar(200) PRIMARY KEY,          -- 'account:NAME' or 'address:IP'
    failures         integer      NOT NULL,
    last_failure_at  timestamptz  NOT NULL,
    blocked_until    timestamptz,
    CONSTRAINT login_throttle_failures_ck CHECK (failures >= 1)
);
-- old entries are deleted as new failures come in
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
