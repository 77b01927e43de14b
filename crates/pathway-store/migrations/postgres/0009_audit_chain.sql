-- The audit trail as a hash chain per authority (pathway_core::audit_chain): each entry gets
-- its place in its authority's chain, the hash of the entry before it and its own hash.
-- Entries written before this step have none; Pathway chains them in id order right after
-- migrating (`seal_audit_chain`), since SQL cannot compute SHA-256 on every database.
--
-- Kept in step with ../sqlite/0009_audit_chain.sql (the `schema_parity` test compares them).

ALTER TABLE audit_events ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;

-- A backstop: two writers can never both take the same place in a chain.
CREATE UNIQUE INDEX audit_events_chain ON audit_events (authority_id, chain_seq);

-- The end of each authority's chain: the last entry's place and hash. An append locks this
-- row (an UPDATE), so concurrent writers queue for it rather than fork the chain; verifying
-- compares the chain's last entry with it, so removing the newest entries is noticed.
CREATE TABLE audit_chain_heads (
    authority_id TEXT NOT NULL PRIMARY KEY REFERENCES authorities (id),
    chain_seq    BIGINT NOT NULL CHECK (chain_seq >= 0),
    hash         TEXT NOT NULL
);
