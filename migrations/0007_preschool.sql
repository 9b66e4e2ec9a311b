-- Kindergarten waiting list and allocation (учёт и комплектование ДОО), and notifications.
-- Rules: Order of the Ministry of Enlightenment No. 236 of 15.05.2020 and the municipal
-- regulation of the service (see docs and ../shared/domain/preschool.md).
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- Reference data, editable by a regional administrator ---------------------------------------

-- One row per region: the numbers that regions change from year to year.
CREATE TABLE preschool_setting (
  region_id smallint PRIMARY KEY REFERENCES region (id),
  -- Krasnodar: up to 5 preferred kindergartens
  max_preferences integer NOT NULL DEFAULT 5 CHECK (max_preferences BETWEEN 1 AND 20),
  -- days a guardian has to accept an offer (направление)
  offer_acceptance_days integer NOT NULL DEFAULT 10 CHECK (offer_acceptance_days BETWEEN 1 AND 90),
  -- calendar days to decide on a registration (Krasnodar regulation 2024: at most 15)
  registration_decision_days integer NOT NULL DEFAULT 15 CHECK (registration_decision_days BETWEEN 1 AND 60),
  -- age is taken on this day and month of the year of the desired start (default 1 September)
  age_reference_month integer NOT NULL DEFAULT 9 CHECK (age_reference_month BETWEEN 1 AND 12),
  age_reference_day integer NOT NULL DEFAULT 1 CHECK (age_reference_day BETWEEN 1 AND 31),
  -- a child is registered until this age (years)
  max_age_years integer NOT NULL DEFAULT 8 CHECK (max_age_years BETWEEN 1 AND 10),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The row is created with these defaults by the service on first use (the region is installed
-- after migrations run).

CREATE TABLE preschool_age_group (
  code text PRIMARY KEY,
  name_ru text NOT NULL,
  name_en text NOT NULL,
  -- age in whole months on the reference date: min inclusive, max exclusive
  min_months integer NOT NULL CHECK (min_months >= 0),
  max_months integer NOT NULL,
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  CHECK (max_months > min_months)
);
INSERT INTO preschool_age_group (code, name_ru, name_en, min_months, max_months, sort) VALUES
  ('0-1', 'от 2 месяцев до 1 года', '2 months to 1 year', 2, 12, 1),
  ('1-2', 'от 1 года до 2 лет', '1 to 2 years', 12, 24, 2),
  ('2-3', 'от 2 до 3 лет', '2 to 3 years', 24, 36, 3),
  ('3-4', 'от 3 до 4 лет', '3 to 4 years', 36, 48, 4),
  ('4-5', 'от 4 до 5 лет', '4 to 5 years', 48, 60, 5),
  ('5-6', 'от 5 до 6 лет', '5 to 6 years', 60, 72, 6),
  ('6-7', 'от 6 до 7 лет', '6 to 7 years', 72, 96, 7);

CREATE TABLE preschool_orientation (
  code text PRIMARY KEY,
  name_ru text NOT NULL,
  name_en text NOT NULL,
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO preschool_orientation (code, name_ru, name_en, sort) VALUES
  ('general', 'общеразвивающая', 'general', 1),
  ('compensating', 'компенсирующая', 'compensating', 2),
  ('combined', 'комбинированная', 'combined', 3),
  ('healthImproving', 'оздоровительная', 'health-improving', 4),
  ('careOnly', 'присмотр и уход', 'care only', 5);

CREATE TABLE preschool_stay_mode (
  code text PRIMARY KEY,
  name_ru text NOT NULL,
  name_en text NOT NULL,
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO preschool_stay_mode (code, name_ru, name_en, sort) VALUES
  ('fullDay', 'полный день (10,5–12 часов)', 'full day (10.5–12 hours)', 1),
  ('shortStay', 'кратковременное пребывание (до 5 часов)', 'short stay (up to 5 hours)', 2),
  ('roundTheClock', 'круглосуточное пребывание', 'round the clock', 3);

-- льготы: the level decides the priority tier
CREATE TABLE preschool_benefit (
  code text PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('outOfTurn', 'firstPriority', 'preferential')),
  name_ru text NOT NULL,
  name_en text NOT NULL,
  legal_basis text NOT NULL,
  proving_document text NOT NULL,
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO preschool_benefit (code, level, name_ru, name_en, legal_basis, proving_document, sort) VALUES
  ('prosecutor', 'outOfTurn', 'Дети прокуроров', 'Children of prosecutors', 'Федеральный закон от 17.01.1992 № 2202-1 «О прокуратуре Российской Федерации», ст. 44', 'Справка с места службы', 1),
  ('judge', 'outOfTurn', 'Дети судей', 'Children of judges', 'Закон РФ от 26.06.1992 № 3132-1 «О статусе судей в Российской Федерации», ст. 19', 'Справка с места работы', 2),
  ('investigator', 'outOfTurn', 'Дети сотрудников Следственного комитета', 'Children of Investigative Committee staff', 'Федеральный закон от 28.12.2010 № 403-ФЗ «О Следственном комитете Российской Федерации», ст. 35', 'Справка с места службы', 3),
  ('fallenServiceman', 'outOfTurn', 'Дети военнослужащих, погибших при исполнении обязанностей', 'Children of servicemen killed on duty', 'Федеральный закон от 27.05.1998 № 76-ФЗ «О статусе военнослужащих», ст. 24', 'Справка военного комиссариата', 4),
  ('serviceman', 'firstPriority', 'Дети военнослужащих', 'Children of servicemen', 'Федеральный закон от 27.05.1998 № 76-ФЗ «О статусе военнослужащих», ст. 19', 'Справка с места службы', 10),
  ('police', 'firstPriority', 'Дети сотрудников полиции', 'Children of police officers', 'Федеральный закон от 07.02.2011 № 3-ФЗ «О полиции», ст. 46', 'Справка с места службы', 11),
  ('largeFamily', 'firstPriority', 'Дети из многодетных семей', 'Children of large families', 'Указ Президента РФ от 23.01.2024 № 63', 'Удостоверение многодетной семьи', 12),
  ('disability', 'firstPriority', 'Дети-инвалиды и дети, один из родителей которых инвалид', 'Children with a disability or of a parent with one', 'Указ Президента РФ от 02.10.1992 № 1157', 'Справка МСЭ', 13),
  ('sibling', 'preferential', 'Брат или сестра посещает этот детский сад', 'A sibling attends this kindergarten', 'Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в РФ», ч. 3.1 ст. 67', 'Свидетельства о рождении детей', 20);

-- Kindergarten groups and the plan of places ---------------------------------------------------

CREATE TABLE kindergarten_group (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organization (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  age_group_code text NOT NULL REFERENCES preschool_age_group (code),
  orientation_code text NOT NULL REFERENCES preschool_orientation (code),
  stay_mode_code text NOT NULL REFERENCES preschool_stay_mode (code),
  capacity integer NOT NULL CHECK (capacity BETWEEN 0 AND 100),
  occupied integer NOT NULL DEFAULT 0 CHECK (occupied >= 0),
  -- the head drafts, the municipal operator approves; only approved places are allocated
  plan_status text NOT NULL DEFAULT 'draft' CHECK (plan_status IN ('draft', 'approved')),
  approved_by uuid REFERENCES account (id),
  approved_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, name)
);
CREATE INDEX kindergarten_group_pool ON kindergarten_group (organization_id, age_group_code, orientation_code, stay_mode_code);

-- Applications ---------------------------------------------------------------------------------

CREATE SEQUENCE preschool_application_number;

CREATE TABLE preschool_application (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- public number the guardian sees, e.g. 23-01-2026-000123 (no personal data)
  number text NOT NULL UNIQUE,
  child_id uuid NOT NULL REFERENCES person (id),
  guardian_id uuid NOT NULL REFERENCES person (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  -- fixed at acceptance, never changed (the queue is ordered by it)
  registered_at timestamptz NOT NULL,
  submitted_via text NOT NULL CHECK (submitted_via IN ('online', 'serviceDesk')),
  submitted_by_account_id uuid REFERENCES account (id),
  desired_start_date date NOT NULL,
  orientation_code text NOT NULL REFERENCES preschool_orientation (code),
  stay_mode_code text NOT NULL REFERENCES preschool_stay_mode (code),
  benefit_code text REFERENCES preschool_benefit (code),
  benefit_document text,
  benefit_status text NOT NULL DEFAULT 'none' CHECK (benefit_status IN ('none', 'claimed', 'verified', 'rejected')),
  benefit_reason text,
  consent_alternative boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('new', 'documentsChecked', 'inQueue', 'offered', 'enrolled', 'declined', 'offerExpired', 'suspended', 'removed')),
  status_changed_at timestamptz NOT NULL,
  -- the regulation deadline for the registration decision
  decision_due_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  CHECK ((benefit_code IS NULL) = (benefit_status = 'none'))
);
-- One active application per child: enrolled and removed are final.
CREATE UNIQUE INDEX preschool_application_one_active ON preschool_application (child_id)
  WHERE status NOT IN ('enrolled', 'removed');
CREATE INDEX preschool_application_queue ON preschool_application (municipality_id, status, registered_at);
CREATE INDEX preschool_application_guardian ON preschool_application (guardian_id);

-- The preferred kindergartens, in order (1 = the main choice).
CREATE TABLE preschool_preference (
  application_id uuid NOT NULL REFERENCES preschool_application (id) ON DELETE CASCADE,
  rank smallint NOT NULL CHECK (rank BETWEEN 1 AND 20),
  organization_id uuid NOT NULL REFERENCES organization (id),
  PRIMARY KEY (application_id, rank),
  UNIQUE (application_id, organization_id)
);
CREATE INDEX preschool_preference_organization ON preschool_preference (organization_id);

-- History of statuses: never rewritten; each change is a new row.
CREATE TABLE preschool_status_change (
  id bigserial PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES preschool_application (id),
  from_status text,
  to_status text NOT NULL,
  changed_at timestamptz NOT NULL,
  actor_account_id uuid,
  actor_label text NOT NULL,
  reason text NOT NULL
);
CREATE INDEX preschool_status_change_application ON preschool_status_change (application_id, id);

-- Allocation runs and offers ---------------------------------------------------------------------

CREATE TABLE allocation_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  kind text NOT NULL CHECK (kind IN ('main', 'topUp')),
  mechanism text NOT NULL,
  allocation_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('dryRun', 'committed', 'discarded')),
  -- the anonymised instance (application numbers only) and the engine's result
  instance jsonb NOT NULL,
  result jsonb NOT NULL,
  instance_sha256 text NOT NULL,
  engine_version text NOT NULL,
  offer_nearest boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  committed_by uuid REFERENCES account (id),
  committed_at timestamptz
);
CREATE INDEX allocation_run_municipality ON allocation_run (municipality_id, created_at);

-- направление: an offer of a place in a group, with a deadline to accept
CREATE TABLE preschool_offer (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id uuid NOT NULL REFERENCES preschool_application (id),
  group_id uuid NOT NULL REFERENCES kindergarten_group (id),
  run_id uuid REFERENCES allocation_run (id),
  status text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'enrolled', 'cancelled')),
  issued_at timestamptz NOT NULL,
  deadline_at timestamptz NOT NULL,
  responded_at timestamptz
);
-- An application holds at most one live offer.
CREATE UNIQUE INDEX preschool_offer_one_live ON preschool_offer (application_id) WHERE status IN ('pending', 'accepted');
CREATE INDEX preschool_offer_group ON preschool_offer (group_id) WHERE status IN ('pending', 'accepted');
CREATE INDEX preschool_offer_deadline ON preschool_offer (deadline_at) WHERE status = 'pending';

-- Notifications: in-app inbox and e-mail ----------------------------------------------------------

CREATE TABLE notification (
  id bigserial PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person (id),
  subject text NOT NULL,
  body text NOT NULL,
  link text,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notification_person ON notification (person_id, id DESC);

-- Every e-mail the platform sends, kept as the outbox (visible in demo mode).
CREATE TABLE email_message (
  id bigserial PRIMARY KEY,
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX email_message_created ON email_message (created_at DESC);
