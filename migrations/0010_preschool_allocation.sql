-- Allocation runs: protocols are listed newest first among committed runs.
-- (What an allocation needs from the registry — birth dates, siblings' kindergartens — it asks
-- through the registry's service functions, batch by batch: house rule 3.)
-- Append-only: never edit this file after it has landed; add a new migration instead.

CREATE INDEX allocation_run_committed ON allocation_run (committed_at DESC) WHERE status = 'committed';
