-- The rest of a career, part one (issue 14): registration with Social Work England as a
-- dated history, CPD records, and appraisals that keep what was agreed.
--
-- 1. `registrations`: each row is what the register said from `effective_on`, recorded by
--    HR; the latest row in force on a day is the worker's registration that day (the
--    `swe_*` columns on `workers` stay as imported, read only when no row is recorded).
-- 2. `cpd_records`: a piece of CPD with its reflection, the peer it was reflected on with
--    (a worker of the same authority, or a name from outside), and `cpd_evidence` linking it
--    to the worker's own portfolio evidence. Links go with the evidence or the record.
-- 3. Appraisals gain the objectives and development plan agreed at them.
--
-- Kept in step with ../postgres/0016_registration_cpd_appraisal_cycle.sql.

CREATE TABLE registrations (
    id           INTEGER NOT NULL PRIMARY KEY,
    authority_id TEXT NOT NULL,
    worker_id    INTEGER NOT NULL,
    swe_number   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN (
        'registered', 'registered-with-conditions', 'suspended', 'removed', 'lapsed', 'applied')),
    conditions   TEXT,
    renewal_due  TEXT,
    effective_on TEXT NOT NULL,
    note         TEXT,
    recorded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CONSTRAINT registrations_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT registrations_conditions CHECK ((status = 'registered-with-conditions') = (conditions IS NOT NULL))
) STRICT;
CREATE INDEX registrations_by_worker ON registrations (authority_id, worker_id, effective_on);

CREATE TABLE cpd_records (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      INTEGER NOT NULL,
    done_on        TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    reflection     TEXT NOT NULL,
    peer_name      TEXT,
    peer_worker_id INTEGER,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CONSTRAINT cpd_records_scoped UNIQUE (authority_id, id),
    CONSTRAINT cpd_records_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT cpd_records_peer FOREIGN KEY (authority_id, peer_worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT cpd_records_peer_named CHECK (peer_worker_id IS NULL OR peer_name IS NOT NULL)
) STRICT;
CREATE INDEX cpd_records_by_worker ON cpd_records (authority_id, worker_id, done_on);

CREATE TABLE cpd_evidence (
    authority_id TEXT NOT NULL,
    cpd_id       INTEGER NOT NULL,
    evidence_id  INTEGER NOT NULL,
    PRIMARY KEY (authority_id, cpd_id, evidence_id),
    CONSTRAINT cpd_evidence_record FOREIGN KEY (authority_id, cpd_id)
        REFERENCES cpd_records (authority_id, id) ON DELETE CASCADE,
    CONSTRAINT cpd_evidence_item FOREIGN KEY (authority_id, evidence_id)
        REFERENCES evidence_items (authority_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX cpd_evidence_by_item ON cpd_evidence (authority_id, evidence_id);

ALTER TABLE appraisals ADD COLUMN objectives TEXT;
ALTER TABLE appraisals ADD COLUMN development_plan TEXT;
