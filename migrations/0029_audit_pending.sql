-- Audit events of the hot write paths (saving gradebook cells), written without taking the
-- chain's head. Chaining each event in its own transaction makes every audited write wait for
-- the one before it to commit (audit_event_chain's advisory lock is held to the end of the
-- transaction): on a loaded machine, a teacher's mark waited behind every other teacher's.
-- Such events are written here in the change's own transaction — they commit or fail with it —
-- and audit_seal() moves them into the chain, in the order written, a batch per transaction,
-- within a moment (platform/audit/audit-seal.ts). Nothing here can be changed; rows leave only
-- by sealing.

CREATE TABLE audit_pending (
  id bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_account_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  municipality_id integer,
  organization_id uuid,
  ip text,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- The guard names the table it guards (the message for audit_event is unchanged).
CREATE OR REPLACE FUNCTION audit_event_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
  FOR EACH ROW EXECUTE FUNCTION audit_event_reject_change();
CREATE TRIGGER audit_pending_no_truncate BEFORE TRUNCATE ON audit_pending
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_change();

-- A row may be deleted only by audit_seal, in the transaction that chains it: it runs as the
-- table's owner (SECURITY DEFINER) and marks its transaction; the application's role, which
-- should not own the tables (docs/operations.md), is granted INSERT on audit_pending and no
-- DELETE, so it can only write events, and seal them through this function.
CREATE FUNCTION audit_pending_guard_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('prostor.audit_sealing', true) IS DISTINCT FROM 'on'
     OR current_user <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
    RAISE EXCEPTION 'audit_pending rows leave only by audit_seal()' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END
$$;
CREATE TRIGGER audit_pending_no_delete BEFORE DELETE ON audit_pending
  FOR EACH ROW EXECUTE FUNCTION audit_pending_guard_delete();

-- Chains up to max_rows pending events, oldest first, keeping the time each happened; returns
-- how many. Takes the chain's lock first, so sealed events and directly chained ones interleave
-- in one order; SKIP LOCKED lets two sealers run at once without waiting on each other's rows.
CREATE FUNCTION audit_seal(max_rows integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  -- a seal asked for by a save that changed nothing takes no lock
  IF NOT EXISTS (SELECT 1 FROM audit_pending) THEN RETURN 0; END IF;
  PERFORM pg_advisory_xact_lock(727100002);
  PERFORM set_config('prostor.audit_sealing', 'on', true);
  WITH moved AS (
    DELETE FROM audit_pending
     WHERE id IN (SELECT id FROM audit_pending ORDER BY id LIMIT max_rows FOR UPDATE SKIP LOCKED)
    RETURNING *
  )
  INSERT INTO audit_event (seq, prev_hash, hash, occurred_at, actor_account_id, actor_label, action, entity_type, entity_id,
                           municipality_id, organization_id, ip, request_id, details)
  SELECT 0, '', '', occurred_at, actor_account_id, actor_label, action, entity_type, entity_id,
         municipality_id, organization_id, ip, request_id, details
    FROM moved ORDER BY id;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('prostor.audit_sealing', 'off', true);
  RETURN n;
END
$$;
