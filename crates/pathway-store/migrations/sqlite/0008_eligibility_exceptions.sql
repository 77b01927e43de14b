-- Eligibility binds (issue 11, part 4): an application whose essential criteria are unmet
-- opens only under an exception, recorded with a reason by someone the framework entitles
-- (a head of service by default). Each exception is one JSON `document` (the core's
-- `EligibilityException`) beside the columns queries filter on, and its recording is a row
-- in the audit trail (`entity_kind` 'eligibility-exception').
--
-- Kept in step with ../postgres/0008_eligibility_exceptions.sql (the `schema_parity` test
-- compares them). Numbered 8: 7 is taken by the clock's work on the audit trail.

CREATE TABLE eligibility_exceptions (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      INTEGER NOT NULL,
    route_id       TEXT NOT NULL,
    recorded_by_id INTEGER NOT NULL,
    recorded_at    TEXT NOT NULL,
    document       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CONSTRAINT eligibility_exceptions_worker FOREIGN KEY (authority_id, worker_id)
        REFERENCES workers (authority_id, id),
    CONSTRAINT eligibility_exceptions_recorded_by FOREIGN KEY (authority_id, recorded_by_id)
        REFERENCES workers (authority_id, id)
) STRICT;
CREATE INDEX eligibility_exceptions_by_worker ON eligibility_exceptions (authority_id, worker_id, route_id);

-- The audit trail learns the new kind. SQLite cannot change a CHECK in place, so the table is
-- rebuilt with every column of the one it replaces, in the same order, and its rows copied.
-- (Nothing references audit_events, so dropping the old table touches no other table.)
CREATE TABLE audit_events_widened (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL REFERENCES authorities (id),
    entity_kind    TEXT NOT NULL CHECK (entity_kind IN (
        'evidence', 'application', 'panel', 'asye-programme', 'eligibility-exception'
    )),
    entity_id      INTEGER NOT NULL,
    entity_version INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    actor_id       INTEGER NOT NULL,
    actor_name     TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    why            TEXT NOT NULL,
    what           TEXT NOT NULL,
    detail         TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    entered_at     TEXT,
    backdated_because TEXT,
    CONSTRAINT audit_events_once UNIQUE (authority_id, entity_kind, entity_id, seq),
    CONSTRAINT audit_events_actor FOREIGN KEY (authority_id, actor_id) REFERENCES workers (authority_id, id)
) STRICT;
INSERT INTO audit_events_widened (id, authority_id, entity_kind, entity_id, entity_version, seq, actor_id,
        actor_name, actor_role, occurred_at, why, what, detail, recorded_at, entered_at, backdated_because)
    SELECT id, authority_id, entity_kind, entity_id, entity_version, seq, actor_id, actor_name, actor_role,
        occurred_at, why, what, detail, recorded_at, entered_at, backdated_because
    FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_widened RENAME TO audit_events;
CREATE INDEX audit_events_by_actor ON audit_events (authority_id, actor_id);
