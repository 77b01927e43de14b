-- Eligibility binds (issue 11, part 4): exceptions to a route's eligibility criteria, and
-- the audit trail's new kind of record.
--
-- Kept in step with ../sqlite/0008_eligibility_exceptions.sql, which explains each part.

CREATE TABLE eligibility_exceptions (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id   TEXT NOT NULL,
    worker_id      BIGINT NOT NULL,
    route_id       TEXT NOT NULL,
    recorded_by_id BIGINT NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    document       TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT eligibility_exceptions_worker FOREIGN KEY (authority_id, worker_id)
        REFERENCES workers (authority_id, id),
    CONSTRAINT eligibility_exceptions_recorded_by FOREIGN KEY (authority_id, recorded_by_id)
        REFERENCES workers (authority_id, id)
);
CREATE INDEX eligibility_exceptions_by_worker ON eligibility_exceptions (authority_id, worker_id, route_id);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_kind_check CHECK (entity_kind IN (
    'evidence', 'application', 'panel', 'asye-programme', 'eligibility-exception'
));
