-- Progression: evidence portfolios and their files, applications, panels, ASYE programmes,
-- and the audit trail of every change to them.
--
-- Kept in step with ../postgres/0002_progression.sql (the `schema_parity` test compares the
-- migrated schemas). Same conventions as 0001: every row carries authority_id and every
-- reference is a composite foreign key through (authority_id, id).
--
-- The domain values (an evidence item, an application with its steps and history, a panel,
-- an ASYE programme) are stored whole as JSON in `document`, written and read by the core's
-- serde types; the columns beside it are copies of what queries filter and sort on, written
-- from the same value in the same statement so they cannot disagree. `version` is the
-- optimistic-concurrency version every update must name. JSON is kept as TEXT on both
-- databases: nothing queries inside it, and TEXT keeps the two schemas identical.

CREATE TABLE evidence_items (
    id            INTEGER NOT NULL PRIMARY KEY,
    authority_id  TEXT NOT NULL,
    worker_id     INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    dated_on      TEXT NOT NULL,
    title         TEXT NOT NULL,
    anonymisation TEXT NOT NULL CHECK (anonymisation IN ('not-checked', 'flags-outstanding', 'cleared')),
    document      TEXT NOT NULL,
    clearances    TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT evidence_items_scoped UNIQUE (authority_id, id),
    CONSTRAINT evidence_items_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
) STRICT;
CREATE INDEX evidence_items_by_worker ON evidence_items (authority_id, worker_id, kind, dated_on);

-- What is known about each attached file. The bytes are on disk, content-addressed by
-- sha256 under the data directory; these rows say which items use which bytes.
CREATE TABLE evidence_files (
    authority_id  TEXT NOT NULL,
    evidence_id   INTEGER NOT NULL,
    file_index    INTEGER NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    media_type    TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes > 0),
    original_name TEXT NOT NULL,
    PRIMARY KEY (evidence_id, file_index),
    CONSTRAINT evidence_files_item FOREIGN KEY (authority_id, evidence_id)
        REFERENCES evidence_items (authority_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX evidence_files_by_sha256 ON evidence_files (sha256);

CREATE TABLE applications (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      INTEGER NOT NULL,
    framework_id   TEXT NOT NULL,
    route_id       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN (
        'draft', 'submitted', 'in-assessment', 'at-panel', 'decided', 'under-appeal', 'signed-off', 'effective',
        'withdrawn', 'deferred')),
    fast_track     INTEGER NOT NULL CHECK (fast_track IN (0, 1)),
    opened_at      TEXT NOT NULL,
    last_event_at  TEXT NOT NULL,
    decision       TEXT CHECK (decision IN ('approved', 'not-yet-approved', 'rejected')),
    effective_from TEXT,
    events         INTEGER NOT NULL,
    document       TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CONSTRAINT applications_scoped UNIQUE (authority_id, id),
    CONSTRAINT applications_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
) STRICT;
CREATE INDEX applications_by_worker ON applications (authority_id, worker_id);
CREATE INDEX applications_by_status ON applications (authority_id, status);

CREATE TABLE panels (
    id           INTEGER NOT NULL PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities (id),
    framework_id TEXT NOT NULL,
    role_id      TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    events       INTEGER NOT NULL,
    document     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT panels_scoped UNIQUE (authority_id, id)
) STRICT;
CREATE INDEX panels_by_date ON panels (authority_id, held_on);

-- The applications each panel hears, so a panel can only list this authority's applications.
CREATE TABLE panel_hearings (
    authority_id   TEXT NOT NULL,
    panel_id       INTEGER NOT NULL,
    application_id INTEGER NOT NULL,
    PRIMARY KEY (panel_id, application_id),
    CONSTRAINT panel_hearings_panel FOREIGN KEY (authority_id, panel_id)
        REFERENCES panels (authority_id, id) ON DELETE CASCADE,
    CONSTRAINT panel_hearings_application FOREIGN KEY (authority_id, application_id)
        REFERENCES applications (authority_id, id)
) STRICT;
CREATE INDEX panel_hearings_by_application ON panel_hearings (authority_id, application_id);

CREATE TABLE asye_programmes (
    id           INTEGER NOT NULL PRIMARY KEY,
    authority_id TEXT NOT NULL,
    worker_id    INTEGER NOT NULL,
    framework_id TEXT NOT NULL,
    cohort       TEXT NOT NULL,
    started_on   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN (
        'in-progress', 'extended', 'recommended', 'passed', 'failed', 'withdrawn')),
    events       INTEGER NOT NULL,
    document     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT asye_programmes_scoped UNIQUE (authority_id, id),
    CONSTRAINT asye_programmes_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
) STRICT;
CREATE INDEX asye_programmes_by_worker ON asye_programmes (authority_id, worker_id);
CREATE INDEX asye_programmes_by_cohort ON asye_programmes (authority_id, cohort);

-- Append-only: who did what to which record, when and why. Written in the same transaction
-- as the change it records; never updated or deleted. `seq` numbers an entity's events from
-- 1 (the entry's place in the record's own history, or the version for evidence items).
CREATE TABLE audit_events (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL REFERENCES authorities (id),
    entity_kind    TEXT NOT NULL CHECK (entity_kind IN ('evidence', 'application', 'panel', 'asye-programme')),
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
    CONSTRAINT audit_events_once UNIQUE (authority_id, entity_kind, entity_id, seq),
    CONSTRAINT audit_events_actor FOREIGN KEY (authority_id, actor_id) REFERENCES workers (authority_id, id)
) STRICT;
CREATE INDEX audit_events_by_actor ON audit_events (authority_id, actor_id);
