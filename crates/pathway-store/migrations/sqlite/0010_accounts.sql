-- Who is signed in: accounts (each belongs to one person, a worker, in one authority),
-- their explicitly granted system roles, the server's sessions, and the sign-in events the
-- rate limit counts. Rights still come from the person's posts; an account only says who
-- is signed in.
--
-- Kept in step with ../postgres/0010_accounts.sql (the `schema_parity` test compares them).
--
-- Nothing a second server needs is kept in process memory: sessions, failure counters and
-- lock-outs are all here, so any number of `pathway serve` processes can share a database.

CREATE TABLE accounts (
    id               INTEGER NOT NULL PRIMARY KEY,
    authority_id     TEXT NOT NULL REFERENCES authorities (id),
    worker_id        INTEGER NOT NULL,
    -- Lower case, unique across every authority: a person signs in with it alone.
    username         TEXT NOT NULL UNIQUE,
    -- An Argon2id PHC string; NULL until a password is set (no local sign-in until then).
    password_hash    TEXT,
    -- The TOTP secret (raw bytes as hex) once enrolled, and the last time step a code was
    -- accepted for, so a code is never accepted twice.
    totp_secret      TEXT,
    totp_last_step   INTEGER,
    -- Consecutive failed sign-ins since the last success or unlock; locked_at is set when
    -- they reach the lock-out threshold, and cleared only by an administrator.
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
    locked_at        TEXT,
    disabled_at      TEXT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CONSTRAINT accounts_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
) STRICT;

CREATE INDEX accounts_by_authority ON accounts (authority_id, username);

CREATE TABLE account_system_roles (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    role       TEXT NOT NULL CHECK (role IN ('system-admin', 'hr-admin', 'framework-admin', 'auditor')),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
) STRICT;

-- A session is found by the SHA-256 of its id (hex): the id itself is only ever in the
-- cookie. The CSRF token is the synchroniser token for state-changing requests.
CREATE TABLE sessions (
    id_hash      TEXT NOT NULL PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Sign-ins, sign-outs and failures, until the hash-chained audit trail takes them. The
-- username is as typed (lower-cased); account_id is NULL when no account has it.
CREATE TABLE sign_in_events (
    id          INTEGER NOT NULL PRIMARY KEY,
    account_id  INTEGER REFERENCES accounts (id),
    username    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    from_addr   TEXT,
    occurred_at TEXT NOT NULL
) STRICT;

CREATE INDEX sign_in_events_by_username ON sign_in_events (username, occurred_at);
CREATE INDEX sign_in_events_by_addr ON sign_in_events (from_addr, occurred_at);
