-- Records that criteria beyond the seeds read (issue 10): fixed-term employment, an award's
-- FHEQ level and credits, and attestations (endorsements, intents raised in supervision,
-- assessments against a standard set, accreditations).
--
-- Kept in step with ../sqlite/0005_attestations_and_award_levels.sql, which explains each
-- part. The employment column is rebuilt here the same way so both databases keep their
-- columns in the same order.

ALTER TABLE workers ADD COLUMN employment_terms TEXT NOT NULL DEFAULT 'permanent'
    CONSTRAINT workers_employment CHECK (employment_terms IN ('permanent', 'agency', 'secondment', 'fixed-term'));
UPDATE workers SET employment_terms = employment;
ALTER TABLE workers DROP COLUMN employment;
ALTER TABLE workers RENAME COLUMN employment_terms TO employment;

ALTER TABLE awards ADD COLUMN academic_level BIGINT
    CONSTRAINT awards_academic_level CHECK (academic_level BETWEEN 3 AND 8);
ALTER TABLE awards ADD COLUMN credits BIGINT
    CONSTRAINT awards_credits CHECK (credits > 0);

CREATE TABLE attestations (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      BIGINT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('endorsement', 'supervision-intent', 'assessment', 'accreditation')),
    what           TEXT,
    attested_on    DATE NOT NULL,
    recorded_by_id BIGINT NOT NULL,
    note           TEXT,
    version        BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT attestations_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT attestations_recorded_by FOREIGN KEY (authority_id, recorded_by_id)
        REFERENCES workers (authority_id, id),
    CONSTRAINT attestations_what_named CHECK (kind IN ('endorsement', 'supervision-intent') OR what IS NOT NULL)
);
CREATE INDEX attestations_by_worker ON attestations (authority_id, worker_id);
