-- Personal access tokens for scripts. A researcher or an admin makes one (named, with an expiry), sees its secret
-- once, and sends it as "Authorization: Bearer TOKEN" to /api/**. Only the SHA-256 of the secret (256 random bits) is
-- kept, so a copy of the database gives no usable token. A token carries its owner's role at creation and works only
-- while the owner still has that role and the account is enabled and not paused; revoking keeps the row (revoked_at).
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         varchar(100) NOT NULL,
    role         varchar(16)  NOT NULL,
    token_hash   bytea        NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    expires_at   timestamptz  NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_token_hash_uq UNIQUE (token_hash),
    CONSTRAINT api_tokens_token_hash_ck CHECK (octet_length(token_hash) = 32),
    CONSTRAINT api_tokens_role_ck CHECK (role IN ('RESEARCHER', 'ADMIN')),
    CONSTRAINT api_tokens_name_ck CHECK (length(name) BETWEEN 1 AND 100),
    CONSTRAINT api_tokens_expiry_ck CHECK (expires_at > created_at)
);

CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
