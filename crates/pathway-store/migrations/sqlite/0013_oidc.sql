-- OpenID Connect sign-in: each authority's provider, the sign-ins under way (state, nonce
-- and PKCE verifier, kept here so any server may receive the callback), and the identities
-- the provider has vouched for, linked to an account only once an administrator approves.
--
-- Kept in step with ../postgres/0013_oidc.sql (the `schema_parity` test compares them).

-- One provider per authority. The client secret is held here because the server needs it
-- to redeem codes; it is never printed or logged by Pathway, and is protected as the rest
-- of the database is (file permissions or PostgreSQL roles, encrypted backups).
CREATE TABLE oidc_providers (
    authority_id  TEXT NOT NULL PRIMARY KEY REFERENCES authorities (id),
    issuer        TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    redirect_url  TEXT NOT NULL,
    -- Microsoft Entra ID's tenant id: when set, people are matched by `oid` + `tid`, and a
    -- token from any other tenant is refused.
    tenant_id     TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- A sign-in between the redirect to the provider and the callback, found by the SHA-256 of
-- its `state`; taken (deleted) by the first callback that names it, so it is used once.
CREATE TABLE oidc_pending_sign_ins (
    state_hash    TEXT NOT NULL PRIMARY KEY,
    authority_id  TEXT NOT NULL REFERENCES authorities (id),
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;

CREATE INDEX oidc_pending_sign_ins_by_expiry ON oidc_pending_sign_ins (expires_at);

-- An identity the provider vouched for: `tid:<tid>/oid:<oid>` (Entra) or
-- `iss:<issuer>/sub:<sub>`. account_id is NULL until an administrator links it to an account.
CREATE TABLE oidc_identities (
    id            INTEGER NOT NULL PRIMARY KEY,
    authority_id  TEXT NOT NULL REFERENCES authorities (id),
    identity_key  TEXT NOT NULL,
    -- What the provider said about them at the first sign-in, to help the administrator decide.
    email         TEXT,
    name          TEXT,
    account_id    INTEGER REFERENCES accounts (id),
    first_seen_at TEXT NOT NULL,
    approved_at   TEXT,
    UNIQUE (authority_id, identity_key)
) STRICT;
