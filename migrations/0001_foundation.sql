-- Foundation: region and municipalities, organisations, people, accounts, sessions, audit, jobs.
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- Region → municipality -------------------------------------------------------------------

CREATE TABLE region (
  id smallint PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name_ru text NOT NULL,
  name_en text NOT NULL,
  time_zone text NOT NULL
);

CREATE TABLE municipality (
  id integer PRIMARY KEY,
  region_id smallint NOT NULL REFERENCES region (id),
  code text NOT NULL UNIQUE,
  -- городской округ / муниципальный район
  kind text NOT NULL CHECK (kind IN ('cityDistrict', 'district')),
  name_ru text NOT NULL,
  name_en text NOT NULL,
  population_thousands integer NOT NULL CHECK (population_thousands > 0)
);

-- Organisations -----------------------------------------------------------------------------

CREATE TABLE organization (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  kind text NOT NULL CHECK (kind IN ('kindergarten', 'school', 'clubProvider', 'college', 'camp')),
  full_name text NOT NULL CHECK (char_length(full_name) BETWEEN 3 AND 500),
  short_name text NOT NULL CHECK (char_length(short_name) BETWEEN 2 AND 200),
  address text NOT NULL CHECK (char_length(address) BETWEEN 5 AND 500),
  head_name text,
  phone text,
  email text,
  website text,
  inn text NOT NULL CHECK (inn ~ '^\d{10}$'),
  ogrn text NOT NULL CHECK (ogrn ~ '^\d{13}$'),
  licence_number text,
  capacity integer CHECK (capacity >= 0),
  -- lower case, ё folded to е: what the directory search matches against
  search_text text GENERATED ALWAYS AS (
    translate(lower(full_name || ' ' || short_name || ' ' || address), 'ё', 'е')
  ) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX organization_municipality_kind ON organization (municipality_id, kind);
CREATE INDEX organization_directory_order ON organization (short_name, id);

-- People ------------------------------------------------------------------------------------

CREATE TABLE person (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  last_name text NOT NULL CHECK (char_length(last_name) BETWEEN 1 AND 100),
  first_name text NOT NULL CHECK (char_length(first_name) BETWEEN 1 AND 100),
  middle_name text CHECK (char_length(middle_name) <= 100),
  birth_date date NOT NULL,
  sex text NOT NULL CHECK (sex IN ('male', 'female')),
  -- СНИЛС, 11 digits without separators; checksum validated by the service
  snils text UNIQUE CHECK (snils ~ '^\d{11}$'),
  -- свидетельство о рождении: series like "IV-АГ" (Roman numerals, hyphen, two Cyrillic letters)
  birth_certificate_series text CHECK (birth_certificate_series ~ '^[IVXLC]{1,6}-[А-Я]{2}$'),
  birth_certificate_number text CHECK (birth_certificate_number ~ '^\d{6}$'),
  passport_series text CHECK (passport_series ~ '^\d{4}$'),
  passport_number text CHECK (passport_number ~ '^\d{6}$'),
  phone text,
  email text,
  -- where the person lives: the municipal scope of their record
  municipality_id integer NOT NULL REFERENCES municipality (id),
  -- the organisation a child attends, if any: the organisation scope of their record
  organization_id uuid REFERENCES organization (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT person_birth_certificate_complete
    CHECK ((birth_certificate_series IS NULL) = (birth_certificate_number IS NULL)),
  CONSTRAINT person_passport_complete CHECK ((passport_series IS NULL) = (passport_number IS NULL))
);
-- A child exists once in the region: one record per birth certificate (and per SNILS, above).
CREATE UNIQUE INDEX person_birth_certificate ON person (birth_certificate_series, birth_certificate_number)
  WHERE birth_certificate_number IS NOT NULL;
CREATE UNIQUE INDEX person_passport ON person (passport_series, passport_number)
  WHERE passport_number IS NOT NULL;
CREATE INDEX person_organization ON person (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX person_municipality_name ON person (municipality_id, last_name, first_name);

-- законный представитель ↔ ребёнок
CREATE TABLE guardian_link (
  guardian_id uuid NOT NULL REFERENCES person (id),
  child_id uuid NOT NULL REFERENCES person (id),
  relation text NOT NULL CHECK (relation IN ('mother', 'father', 'guardian', 'trustee', 'other')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (guardian_id, child_id),
  CHECK (guardian_id <> child_id)
);
CREATE INDEX guardian_link_child ON guardian_link (child_id);

-- сотрудник: a person employed by an organisation
CREATE TABLE staff_member (
  person_id uuid NOT NULL REFERENCES person (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  position text NOT NULL CHECK (char_length(position) BETWEEN 2 AND 200),
  hired_on date,
  PRIMARY KEY (person_id, organization_id)
);
CREATE INDEX staff_member_organization ON staff_member (organization_id);

-- Accounts, roles, sessions -----------------------------------------------------------------

CREATE TABLE account (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  login text NOT NULL CHECK (login = lower(login) AND char_length(login) BETWEEN 3 AND 100),
  password_hash text,
  person_id uuid UNIQUE REFERENCES person (id),
  display_name text NOT NULL,
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX account_login ON account (login);

CREATE TABLE role_grant (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('guardian', 'pupil', 'teacher', 'organizationHead', 'municipalOperator', 'regionalAdmin')),
  -- the scope: both NULL → the whole region; municipality; or organisation
  municipality_id integer REFERENCES municipality (id),
  organization_id uuid REFERENCES organization (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT role_grant_scope_fits_role CHECK (
    (role = 'regionalAdmin' AND municipality_id IS NULL AND organization_id IS NULL)
    OR (role = 'municipalOperator' AND municipality_id IS NOT NULL AND organization_id IS NULL)
    OR (role IN ('organizationHead', 'teacher') AND organization_id IS NOT NULL AND municipality_id IS NULL)
    OR (role IN ('guardian', 'pupil') AND municipality_id IS NULL AND organization_id IS NULL)
  )
);
CREATE UNIQUE INDEX role_grant_unique ON role_grant (
  account_id, role, coalesce(municipality_id, 0), coalesce(organization_id, '00000000-0000-0000-0000-000000000000')
);

-- A login through an external OpenID Connect provider (ESIA-like), linked to an account.
CREATE TABLE external_identity (
  issuer text NOT NULL,
  subject text NOT NULL,
  account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

-- Server-side sessions; the cookie holds a random token, the table its SHA-256.
CREATE TABLE session (
  id text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  -- true between the password and the TOTP code
  second_factor_pending boolean NOT NULL DEFAULT false,
  locale text NOT NULL DEFAULT 'ru',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX session_account ON session (account_id);
CREATE INDEX session_expires ON session (expires_at);

-- Failed-login counters by login and by client address, shared by all app processes.
CREATE TABLE login_attempt (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  window_started_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

-- Tokens for integrations: each acts with one role on one scope, like a role grant.
CREATE TABLE api_token (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL,
  municipality_id integer REFERENCES municipality (id),
  organization_id uuid REFERENCES organization (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_token_account ON api_token (account_id);

-- Audit: append-only, hash-chained ----------------------------------------------------------

CREATE TABLE audit_event (
  seq bigint PRIMARY KEY,
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
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_event_occurred ON audit_event (occurred_at);
CREATE INDEX audit_event_entity ON audit_event (entity_type, entity_id);
CREATE INDEX audit_event_actor ON audit_event (actor_account_id);

-- The canonical text of an event that its hash covers (everything but the hash itself).
CREATE FUNCTION audit_event_digest(e audit_event) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|',
    e.prev_hash,
    e.seq::text,
    to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    coalesce(e.actor_account_id::text, ''),
    e.actor_label,
    e.action,
    e.entity_type,
    coalesce(e.entity_id, ''),
    coalesce(e.municipality_id::text, ''),
    coalesce(e.organization_id::text, ''),
    coalesce(e.ip, ''),
    coalesce(e.request_id, ''),
    e.details::text
  ), 'UTF8')), 'hex')
$$;

-- Chains each new event to the previous one. The advisory lock orders concurrent inserts so
-- the chain has no forks; it is held until the inserting transaction ends.
CREATE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last audit_event%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(727100002);
  SELECT * INTO last FROM audit_event ORDER BY seq DESC LIMIT 1;
  IF FOUND THEN
    NEW.seq := last.seq + 1;
    NEW.prev_hash := last.hash;
  ELSE
    NEW.seq := 1;
    NEW.prev_hash := repeat('0', 64);
  END IF;
  NEW.occurred_at := date_trunc('microseconds', coalesce(NEW.occurred_at, now()));
  NEW.hash := audit_event_digest(NEW);
  RETURN NEW;
END
$$;

CREATE FUNCTION audit_event_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_reject_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_change();

-- Jobs: a queue that survives restarts ------------------------------------------------------

CREATE TABLE job (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  failed_at timestamptz
);
CREATE INDEX job_ready ON job (queue, run_at) WHERE completed_at IS NULL AND failed_at IS NULL;

-- Facts about this installation (e.g. when the demo region was seeded).
CREATE TABLE installation_fact (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
