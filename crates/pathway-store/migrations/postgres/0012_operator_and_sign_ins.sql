-- The CLI as a named operator account, "entered by ... on behalf of ...", and sign-ins,
-- views and set-up commands in the hash-chained audit trail (issue 12). See
-- ../sqlite/0012_operator_and_sign_ins.sql for why each change is made; kept in step with it
-- (the `schema_parity` test compares them).

ALTER TABLE audit_events ADD COLUMN entered_by TEXT;
ALTER TABLE audit_events ALTER COLUMN actor_id DROP NOT NULL;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_kind_check;
