-- Time from the clock: each authority sets how far back an action may be entered (a paper
-- decision entered next week), and the audit trail keeps, for an action entered late, when
-- it was entered and why.
--
-- Kept in step with ../sqlite/0007_backdating.sql (the `schema_parity` test compares them).

ALTER TABLE authorities ADD COLUMN backdating_days INTEGER NOT NULL DEFAULT 30
    CHECK (backdating_days BETWEEN 0 AND 366);

-- `occurred_at` is when the action took effect; for a backdated one `entered_at` is the
-- clock's time when it was entered and `backdated_because` the reason given. Both are NULL
-- for an action entered as it happened.
ALTER TABLE audit_events ADD COLUMN entered_at TIMESTAMPTZ;
ALTER TABLE audit_events ADD COLUMN backdated_because TEXT;
