-- The accepting path of first-grade admission (the opening minute): idempotency keys of
-- submissions and the per-account / per-address rate limits, both shared by every app process
-- through the database (docs/architecture.md, "Scale-out"). Issue 4, item 6.
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- One row per Idempotency-Key an account used for a submission that got a receipt. A repeat
-- with the same key and the same request (request_sha256) gets the same receipt; the same key
-- with another request is refused. Written in the receipt's own transaction.
CREATE TABLE admission_submission_key (
  account_id uuid NOT NULL REFERENCES account (id),
  key text NOT NULL CHECK (char_length(key) BETWEEN 8 AND 128),
  request_sha256 text NOT NULL CHECK (char_length(request_sha256) = 64),
  application_id uuid NOT NULL REFERENCES admission_application (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE INDEX admission_submission_key_application ON admission_submission_key (application_id);

-- The limits are reference data (rules of the house: limits change by region and year),
-- seeded with the defaults below and editable by a regional administrator.
CREATE TABLE admission_rate_rule (
  action text NOT NULL CHECK (action IN ('submission', 'draft')),
  scope text NOT NULL CHECK (scope IN ('account', 'address')),
  max_hits integer NOT NULL CHECK (max_hits BETWEEN 1 AND 100000),
  window_seconds integer NOT NULL CHECK (window_seconds BETWEEN 1 AND 604800),
  PRIMARY KEY (action, scope)
);
-- A family with several children, a few retries each: generous per account; an apartment
-- (house + apartment) rarely has more than a handful of first-graders in one year.
INSERT INTO admission_rate_rule (action, scope, max_hits, window_seconds) VALUES
  ('submission', 'account', 30, 3600),
  ('submission', 'address', 30, 86400),
  ('draft', 'account', 120, 3600),
  ('draft', 'address', 60, 86400);

-- Fixed-window hit counters: bucket = action:scope:subject, window_start = the window's start.
CREATE TABLE admission_rate_counter (
  bucket text NOT NULL CHECK (char_length(bucket) <= 200),
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
