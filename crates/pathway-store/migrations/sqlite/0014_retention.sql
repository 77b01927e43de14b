-- Retention and legal hold (issue 12, part 6).
--
-- * Each authority keeps leavers' records for `leaver_retention_days` after their leaving
--   date (default 2192 days, six years) and withdrawn evidence for
--   `withdrawn_evidence_retention_days` after its withdrawal (default 365); `run-due` erases
--   what has passed its period.
-- * `evidence_items.withdrawn_on`: the day its owner (or someone who may edit it) withdrew
--   it, with why. Withdrawn evidence no longer counts in a portfolio.
-- * `workers.erased_at`: when a leaver's personal data was erased. The row stays, without
--   anything that identifies the person, for workforce statistics and for the other
--   records that point at it (another worker's appraisal they reviewed, an audit entry).
-- * `legal_holds`: a hold on a worker stops the erasure of their records and evidence
--   until it is lifted. A hold is never deleted; lifting it records who, when and why.
--
-- Kept in step with ../postgres/0014_retention.sql (the `schema_parity` test compares them).

ALTER TABLE authorities ADD COLUMN leaver_retention_days INTEGER NOT NULL DEFAULT 2192
    CHECK (leaver_retention_days BETWEEN 1 AND 36525);
ALTER TABLE authorities ADD COLUMN withdrawn_evidence_retention_days INTEGER NOT NULL DEFAULT 365
    CHECK (withdrawn_evidence_retention_days BETWEEN 1 AND 36525);

ALTER TABLE evidence_items ADD COLUMN withdrawn_on TEXT;
ALTER TABLE evidence_items ADD COLUMN withdrawn_because TEXT;

ALTER TABLE workers ADD COLUMN erased_at TEXT;

CREATE TABLE legal_holds (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    placed_by      TEXT NOT NULL,
    placed_at      TEXT NOT NULL,
    lifted_by      TEXT,
    lifted_at      TEXT,
    lifted_because TEXT,
    CONSTRAINT legal_holds_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT legal_holds_lifted_whole CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
) STRICT;
CREATE INDEX legal_holds_by_worker ON legal_holds (authority_id, worker_id);
