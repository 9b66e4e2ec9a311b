-- First-grade admission, the order of admission and planning (issue 4, items 5, 7, 8):
-- allocation runs of a campaign's stage with their published protocols, flags of suspicious
-- registrations for human review, the civil registry's births by house and year, and the
-- reference values these use (editable by a regional administrator). docs/admission.md.
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- A run of the order of admission (dry run → committed protocol, or discarded). Its own table and
-- not preschool's allocation_run: a run belongs to a campaign and a stage, not to an allocation
-- date and a kind of kindergarten run.
CREATE TABLE admission_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES admission_campaign (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  stage smallint NOT NULL CHECK (stage IN (1, 2)),
  status text NOT NULL CHECK (status IN ('dryRun', 'committed', 'discarded')),
  instance jsonb NOT NULL,                -- the anonymised allocation instance (docs/allocation.md)
  result jsonb NOT NULL,                  -- the engine's result and the offers made to those refused
  instance_sha256 text NOT NULL CHECK (instance_sha256 ~ '^[0-9a-f]{64}$'),
  engine_version text NOT NULL,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL,
  committed_by uuid REFERENCES account (id),
  committed_at timestamptz,
  CHECK ((status = 'committed') = (committed_at IS NOT NULL))
);
CREATE INDEX admission_run_campaign ON admission_run (campaign_id, created_at DESC);
CREATE INDEX admission_run_committed ON admission_run (committed_at DESC, id DESC) WHERE status = 'committed';

-- Reference values of the checks and the forecast (DESIGN.md rule 6: yearly rules are data).
CREATE TABLE admission_parameter (
  code text PRIMARY KEY,
  value integer NOT NULL,
  min_value integer NOT NULL,
  max_value integer NOT NULL,
  name_ru text NOT NULL,
  name_en text NOT NULL,
  basis text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (value BETWEEN min_value AND max_value)
);
INSERT INTO admission_parameter (code, value, min_value, max_value, name_ru, name_en, basis) VALUES
  ('flagApartmentGuardians', 3, 2, 50,
   'Заявления от стольких разных законных представителей по одной квартире — на проверку',
   'Applications from this many different guardians at one apartment are flagged',
   'Практика муниципалитетов (Нижний Тагил: проверка каждого адреса); не основание для отказа'),
  ('flagRegisteredDays', 90, 0, 3650,
   'Регистрация по адресу менее чем за столько дней до начала первого этапа — на проверку',
   'Registration at the address this many days or fewer before stage 1 opens is flagged',
   'Фиктивная регистрация (Екатеринбург, Санкт-Петербург); не основание для отказа'),
  ('forecastParticipationPercent', 90, 1, 150,
   'Доля детей когорты рождения, поступающих в муниципальную школу своей территории, %',
   'Share of a birth cohort applying to the municipal school of its territory, %',
   'Заявления по территории прошлой кампании ÷ рождения семью годами ранее; задаёт муниципалитет');

-- A flag of a suspicious registration: for a human to review, never an automatic refusal.
CREATE TABLE admission_flag (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id uuid NOT NULL REFERENCES admission_application (id),
  campaign_id uuid NOT NULL REFERENCES admission_campaign (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  kind text NOT NULL CHECK (kind IN ('crowdedApartment', 'recentRegistration', 'nonResidential', 'sharedDocument')),
  details jsonb NOT NULL DEFAULT '{}',    -- for the reviewer: counts, dates, other receipt numbers; no names
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared', 'confirmed')),
  comment text CHECK (char_length(comment) <= 2000),
  created_at timestamptz NOT NULL,
  reviewed_at timestamptz,
  reviewed_by uuid REFERENCES account (id),
  UNIQUE (application_id, kind),
  CHECK ((status = 'open') = (reviewed_at IS NULL))
);
CREATE INDEX admission_flag_queue ON admission_flag (municipality_id, status, created_at, id);

-- Births by house and year from the civil registry (ЗАГС), for the forecast of first-graders.
CREATE TABLE admission_birth_count (
  house_id uuid NOT NULL REFERENCES address_house (id),
  birth_year integer NOT NULL CHECK (birth_year BETWEEN 1990 AND 2100),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  count integer NOT NULL CHECK (count BETWEEN 0 AND 100000),
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (house_id, birth_year)
);
CREATE INDEX admission_birth_count_municipality ON admission_birth_count (municipality_id, birth_year);
