-- The CLI as a named operator account, "entered by ... on behalf of ...", and sign-ins,
-- views and set-up commands in the hash-chained audit trail (issue 12).
--
-- * `entered_by`: the account that typed an entry in on the actor's behalf (the CLI's
--   operator acting `--as` a person). NULL when the actor entered it themselves; the chain's
--   canonical form writes it as a trailing field only when present, so chains written
--   before this step still check.
-- * `actor_id` may be NULL: a set-up command run by the operator account, or a sign-in by
--   an account, has no person acting in a role behind it. The foreign key to workers stays.
-- * The CHECK on `entity_kind` goes: the kinds are pathway-store's `EntityKind`, which reads
--   back only kinds it knows, and every new one would otherwise mean rebuilding this table.
--
-- SQLite cannot drop a CHECK or a NOT NULL in place, so the table is rebuilt with every
-- column of the one it replaces, in the same order, and its rows copied (hashes untouched).
-- Kept in step with ../postgres/0012_operator_and_sign_ins.sql (the `schema_parity` test
-- compares them). Numbered 12: 11 is API tokens'.

CREATE TABLE audit_events_rebuilt (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL REFERENCES authorities (id),
    entity_kind    TEXT NOT NULL,
    entity_id      INTEGER NOT NULL,
    entity_version INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    actor_id       INTEGER,
    actor_name     TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    why            TEXT NOT NULL,
    what           TEXT NOT NULL,
    detail         TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    entered_at     TEXT,
    backdated_because TEXT,
    chain_seq      INTEGER,
    prev_hash      TEXT,
    hash           TEXT,
    entered_by     TEXT,
    CONSTRAINT audit_events_once UNIQUE (authority_id, entity_kind, entity_id, seq),
    CONSTRAINT audit_events_actor FOREIGN KEY (authority_id, actor_id) REFERENCES workers (authority_id, id)
) STRICT;
INSERT INTO audit_events_rebuilt (id, authority_id, entity_kind, entity_id, entity_version, seq, actor_id,
        actor_name, actor_role, occurred_at, why, what, detail, recorded_at, entered_at, backdated_because,
        chain_seq, prev_hash, hash)
    SELECT id, authority_id, entity_kind, entity_id, entity_version, seq, actor_id, actor_name, actor_role,
        occurred_at, why, what, detail, recorded_at, entered_at, backdated_because, chain_seq, prev_hash, hash
    FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_rebuilt RENAME TO audit_events;
CREATE INDEX audit_events_by_actor ON audit_events (authority_id, actor_id);
CREATE UNIQUE INDEX audit_events_chain ON audit_events (authority_id, chain_seq);
