-- API tokens for integrations (an HR or payroll system calling the JSON API), and the
-- answers to creating requests sent with an Idempotency-Key.
--
-- Kept in step with ../postgres/0011_api_tokens.sql (the `schema_parity` test compares them).
--
-- A token belongs to an account, so it never grants more than that account's person holds:
-- rights still come from their posts. Only the SHA-256 of the token (hex) is kept; the
-- token itself is shown once, when it is created. `prefix` is its first characters, enough
-- for a person to tell their tokens apart in a list and useless to an attacker.

CREATE TABLE api_tokens (
    id           INTEGER NOT NULL PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    name         TEXT NOT NULL,
    -- Space-separated, sorted: `read`, or `read write`.
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
) STRICT;

CREATE INDEX api_tokens_by_account ON api_tokens (account_id);

-- One row per (account, Idempotency-Key): the request's SHA-256 and the answer given, so
-- the same key with the same body answers the same again, and with another body is refused.
CREATE TABLE idempotency_keys (
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
) STRICT;
