-- Optimistic concurrency for person records: every edit carries the version it was made from
-- and bumps it, so two staff editing the same child cannot silently overwrite each other
-- (a stale edit gets 409, as organisations already do).
ALTER TABLE person ADD COLUMN version integer NOT NULL DEFAULT 1;
