-- Role checks read the posts a person holds, and a line-management chain the posts its
-- worker holds, by worker: without this index each such read scanned every holding of the
-- authority (see docs/performance.md).
--
-- Kept in step with the other database's 0017 (the `schema_parity` test compares them).
CREATE INDEX post_holdings_by_worker ON post_holdings (authority_id, worker_id);
