-- A worker's probation (Bexley transfers NQSWs to the main grade once the ASYE and probation
-- are complete): where it stands and the day it ended or is due to end (ISO 8601 text, as
-- every date here).
ALTER TABLE workers ADD COLUMN probation_status TEXT
    CONSTRAINT workers_probation_status CHECK (
        probation_status IN ('in-progress', 'extended', 'completed', 'not-completed'));
ALTER TABLE workers ADD COLUMN probation_ends_on TEXT;
