-- Records that criteria beyond the seeds read (issue 10):
--
-- 1. Fixed-term employment. SQLite cannot change a column's CHECK, so the column is rebuilt:
--    a new column with the wider check takes the values, the old one goes, the new one takes
--    its name. The default only lets the column be added to existing rows; every write names
--    the value.
-- 2. An award's FHEQ level (7 is Master's level) and its academic credits, so "15 credits at
--    Master's level" is answered from records, and awards match by kind and level.
-- 3. Attestations: endorsements, intents raised in supervision, assessments against a
--    standard set, accreditations; each dated and recorded by a worker of the same authority.
--
-- Kept in step with ../postgres/0005_attestations_and_award_levels.sql.

ALTER TABLE workers ADD COLUMN employment_terms TEXT NOT NULL DEFAULT 'permanent'
    CONSTRAINT workers_employment CHECK (employment_terms IN ('permanent', 'agency', 'secondment', 'fixed-term'));
UPDATE workers SET employment_terms = employment;
ALTER TABLE workers DROP COLUMN employment;
ALTER TABLE workers RENAME COLUMN employment_terms TO employment;

ALTER TABLE awards ADD COLUMN academic_level INTEGER
    CONSTRAINT awards_academic_level CHECK (academic_level BETWEEN 3 AND 8);
ALTER TABLE awards ADD COLUMN credits INTEGER
    CONSTRAINT awards_credits CHECK (credits > 0);

CREATE TABLE attestations (
    id             INTEGER NOT NULL PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('endorsement', 'supervision-intent', 'assessment', 'accreditation')),
    what           TEXT,
    attested_on    TEXT NOT NULL,
    recorded_by_id INTEGER NOT NULL,
    note           TEXT,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CONSTRAINT attestations_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT attestations_recorded_by FOREIGN KEY (authority_id, recorded_by_id)
        REFERENCES workers (authority_id, id),
    CONSTRAINT attestations_what_named CHECK (kind IN ('endorsement', 'supervision-intent') OR what IS NOT NULL)
) STRICT;
CREATE INDEX attestations_by_worker ON attestations (authority_id, worker_id);
