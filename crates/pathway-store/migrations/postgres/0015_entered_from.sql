-- Where each change came from (issue 12): the client's address for an entry made over
-- HTTP, NULL for the command line on the server and for every entry written before this
-- step. The chain's canonical form writes it as a trailing field only when present (after
-- `entered_by`), so chains written earlier still check. The address is kept here, in the
-- audit trail, and never in the records people read (application, panel and ASYE histories).
ALTER TABLE audit_events ADD COLUMN entered_from TEXT;
