-- First-grade admission (приём в 1 класс): reference data, campaigns per municipality and year,
-- school plans of places, applications with their history, enrolment orders.
-- Rules: Order of the Ministry of Enlightenment No. 458 of 02.09.2020 "Порядок приёма на обучение
-- по образовательным программам начального общего, основного общего и среднего общего
-- образования" (amended by Nos. 707/2021, 784/2022, 642/2023, 171/2025); docs/admission.md.
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- Reference data, editable by a regional administrator ---------------------------------------

CREATE TABLE admission_priority_category (
  code text PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('outOfTurn', 'first', 'sibling', 'territory')),
  name_ru text NOT NULL, name_en text NOT NULL, legal_basis text NOT NULL,
  document_required boolean NOT NULL DEFAULT true, sort integer NOT NULL DEFAULT 0, active boolean NOT NULL DEFAULT true
);
-- Order 458 §§9–12. Out-of-turn places are for schools with boarding (с интернатом), except the
-- children of those killed in the special military operation (all schools, since Order 642).
INSERT INTO admission_priority_category (code, level, name_ru, name_en, legal_basis, document_required, sort) VALUES
  ('prosecutor', 'outOfTurn', 'Дети прокурорских работников', 'Children of prosecutors',
   'Приказ 458 п. 9; ФЗ от 17.01.1992 № 2202-1 «О прокуратуре РФ», ст. 44 п. 5', true, 10),
  ('judge', 'outOfTurn', 'Дети судей', 'Children of judges',
   'Приказ 458 п. 9; Закон РФ от 26.06.1992 № 3132-1 «О статусе судей в РФ», ст. 19 п. 3', true, 20),
  ('investigator', 'outOfTurn', 'Дети сотрудников Следственного комитета', 'Children of Investigative Committee staff',
   'Приказ 458 п. 9; ФЗ от 28.12.2010 № 403-ФЗ «О Следственном комитете РФ», ст. 35 ч. 25', true, 30),
  ('svoFallen', 'outOfTurn', 'Дети погибших (умерших) участников специальной военной операции', 'Children of those killed in the special military operation',
   'Приказ 458 п. 9.1 (в ред. приказа 642 от 2023); ФЗ от 27.05.1998 № 76-ФЗ «О статусе военнослужащих», ст. 19 (проверить пункт)', true, 40),
  ('military', 'first', 'Дети военнослужащих', 'Children of servicemen',
   'Приказ 458 п. 10; ФЗ № 76-ФЗ «О статусе военнослужащих», ст. 19 п. 6', true, 50),
  ('police', 'first', 'Дети сотрудников полиции', 'Children of police officers',
   'Приказ 458 п. 10; ФЗ от 07.02.2011 № 3-ФЗ «О полиции», ст. 46 ч. 6', true, 60),
  ('lawEnforcement', 'first', 'Дети сотрудников ФСИН, МЧС, ФТС, органов по контролю за оборотом наркотиков',
   'Children of penitentiary, fire service, customs and drug-control staff',
   'Приказ 458 п. 10; ФЗ от 30.12.2012 № 283-ФЗ, ст. 3 ч. 14', true, 70),
  ('rosgvardia', 'first', 'Дети сотрудников войск национальной гвардии', 'Children of National Guard officers',
   'Приказ 458 п. 10; ФЗ от 03.07.2016 № 226-ФЗ «О войсках национальной гвардии», ст. 28.1 (проверить)', true, 80),
  ('sibling', 'sibling', 'Брат или сестра уже обучается в школе (проживают совместно)', 'A sibling already studies at the school (living together)',
   'ФЗ от 29.12.2012 № 273-ФЗ «Об образовании в РФ», ст. 67 ч. 3.1; Приказ 458 п. 12', false, 90);

-- One row per region: the yearly numbers of the campaign (created with these defaults on first use).
CREATE TABLE admission_setting (
  region_id smallint PRIMARY KEY REFERENCES region (id),
  -- Order 458 §17: stage 1 opens no later than 1 April and ends 30 June
  stage1_open_month integer NOT NULL DEFAULT 4 CHECK (stage1_open_month BETWEEN 1 AND 12),
  stage1_open_day integer NOT NULL DEFAULT 1 CHECK (stage1_open_day BETWEEN 1 AND 31),
  stage1_close_month integer NOT NULL DEFAULT 6 CHECK (stage1_close_month BETWEEN 1 AND 12),
  stage1_close_day integer NOT NULL DEFAULT 30 CHECK (stage1_close_day BETWEEN 1 AND 31),
  -- Order 458 §17: stage 2 from 6 July until places run out, no later than 5 September
  stage2_open_month integer NOT NULL DEFAULT 7 CHECK (stage2_open_month BETWEEN 1 AND 12),
  stage2_open_day integer NOT NULL DEFAULT 6 CHECK (stage2_open_day BETWEEN 1 AND 31),
  stage2_close_month integer NOT NULL DEFAULT 9 CHECK (stage2_close_month BETWEEN 1 AND 12),
  stage2_close_day integer NOT NULL DEFAULT 5 CHECK (stage2_close_day BETWEEN 1 AND 31),
  -- local time of day the stages open (minutes after midnight in the region's zone)
  opens_at_minute integer NOT NULL DEFAULT 0 CHECK (opens_at_minute BETWEEN 0 AND 1439),
  -- Order 458 §17: the enrolment order within 3 working days after stage 1 ends
  stage1_decision_working_days integer NOT NULL DEFAULT 3 CHECK (stage1_decision_working_days BETWEEN 1 AND 30),
  -- Order 458 §17: in stage 2 within 5 working days after receipt of the application
  stage2_decision_working_days integer NOT NULL DEFAULT 5 CHECK (stage2_decision_working_days BETWEEN 1 AND 30),
  -- Order 458 §24: originals are shown within the period set by the school (verify: 5 working days)
  documents_working_days integer NOT NULL DEFAULT 5 CHECK (documents_working_days BETWEEN 1 AND 30),
  -- Order 458 §18 / 273-ФЗ art. 67 ч. 1: 6.5 to 8 years of age on 1 September
  min_age_months integer NOT NULL DEFAULT 78 CHECK (min_age_months BETWEEN 48 AND 120),
  max_age_months integer NOT NULL DEFAULT 96 CHECK (max_age_months BETWEEN 48 AND 144),
  -- Order 458 §6 (verify): the territory act by 15 March; the school publishes its places within
  -- 10 calendar days of the act; free places for stage 2 by 5 July
  territory_act_month integer NOT NULL DEFAULT 3 CHECK (territory_act_month BETWEEN 1 AND 12),
  territory_act_day integer NOT NULL DEFAULT 15 CHECK (territory_act_day BETWEEN 1 AND 31),
  places_publication_days integer NOT NULL DEFAULT 10 CHECK (places_publication_days BETWEEN 1 AND 60),
  free_places_month integer NOT NULL DEFAULT 7 CHECK (free_places_month BETWEEN 1 AND 12),
  free_places_day integer NOT NULL DEFAULT 5 CHECK (free_places_day BETWEEN 1 AND 31),
  default_class_size integer NOT NULL DEFAULT 25 CHECK (default_class_size BETWEEN 1 AND 40),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (max_age_months > min_age_months)
);

-- Campaigns -----------------------------------------------------------------------------------

CREATE TABLE admission_campaign (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  year integer NOT NULL,                      -- the year of 1 September
  stage1_opens_at timestamptz NOT NULL, stage1_closes_at timestamptz NOT NULL,
  stage2_opens_at timestamptz NOT NULL, stage2_closes_at timestamptz NOT NULL,
  ordering text NOT NULL DEFAULT 'receipt' CHECK (ordering IN ('receipt', 'lottery')),
  lottery_window_hours integer CHECK (lottery_window_hours BETWEEN 1 AND 720),
  lottery_seed_sha256 text,                   -- published before opening
  lottery_seed text,                          -- revealed after the window closes
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  -- adm-core additions: publication deadlines, the decision deadline of stage 1, publication
  territory_act_due_on date,                  -- the municipality's territory act by this day
  places_due_on date,                         -- schools publish their places by this day
  free_places_due_on date,                    -- schools publish free places for stage 2 by this day
  stage1_decision_due_on date,                -- working-day deadline of stage 1 orders
  published_at timestamptz,
  UNIQUE (municipality_id, year),
  CHECK (stage1_opens_at < stage1_closes_at AND stage1_closes_at <= stage2_opens_at AND stage2_opens_at < stage2_closes_at),
  CHECK ((ordering = 'lottery') = (lottery_window_hours IS NOT NULL))
);

CREATE TABLE admission_school_plan (
  campaign_id uuid NOT NULL REFERENCES admission_campaign (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  classes integer NOT NULL CHECK (classes >= 0), class_size integer NOT NULL CHECK (class_size BETWEEN 1 AND 40),
  planned_places integer NOT NULL CHECK (planned_places >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, organization_id)
);
CREATE INDEX admission_school_plan_organization ON admission_school_plan (organization_id);

-- gap-free receipt numbers: the accepting transaction takes n numbers with
-- UPDATE admission_receipt_counter SET last_number = last_number + n WHERE campaign_id = $1 RETURNING last_number
CREATE TABLE admission_receipt_counter (
  campaign_id uuid PRIMARY KEY REFERENCES admission_campaign (id),
  last_number bigint NOT NULL DEFAULT 0
);

-- приказ о зачислении: an enrolment order of a school listing the applications it enrols
CREATE TABLE admission_enrolment_order (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES admission_campaign (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  number text NOT NULL CHECK (char_length(number) BETWEEN 1 AND 50),
  issued_on date NOT NULL,
  created_by_account_id uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, campaign_id, number)
);

-- Applications --------------------------------------------------------------------------------

CREATE TABLE admission_application (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES admission_campaign (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  organization_id uuid NOT NULL REFERENCES organization (id),       -- the school applied to
  child_id uuid NOT NULL REFERENCES person (id),
  guardian_id uuid NOT NULL REFERENCES person (id),
  created_by_account_id uuid REFERENCES account (id),
  house_id uuid REFERENCES address_house (id),
  apartment text CHECK (char_length(apartment) <= 20),
  registered_since date,                 -- date of registration at the address (flags: registered shortly before)
  priority_code text REFERENCES admission_priority_category (code),
  priority_document text CHECK (char_length(priority_document) <= 200),
  sibling_id uuid REFERENCES person (id),
  in_territory boolean NOT NULL DEFAULT false,  -- computed from the territory at draft save and again at receipt
  status text NOT NULL CHECK (status IN ('draft', 'received', 'documentsChecked', 'enrolled', 'refused', 'withdrawn')),
  stage smallint CHECK (stage IN (1, 2)),                -- set at receipt
  receipt_number bigint,                               -- set at receipt, gap-free per campaign, never changes
  received_at timestamptz,                             -- set at receipt by the server, never changes
  decision_due_on date,                                -- working-day deadline (3 after stage 1 ends; 5 after receipt in stage 2)
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  -- adm-core additions: the document check, the decision and the order
  documents_due_on date,                 -- originals to be shown by this day (Order 458 §24)
  documents_checked_on date,
  documents_result text CHECK (documents_result IN ('confirmed', 'notConfirmed', 'notShown')),
  documents_note text CHECK (char_length(documents_note) <= 1000),
  -- on refusal for lack of places (Order 458 §14): the municipality's offer of another school
  offered_organization_id uuid REFERENCES organization (id),
  enrolment_order_id uuid REFERENCES admission_enrolment_order (id),
  decided_at timestamptz,
  CHECK ((status = 'draft') = (receipt_number IS NULL)),
  UNIQUE (campaign_id, receipt_number)
);
-- one active application (a draft counts) per child and campaign
CREATE UNIQUE INDEX admission_application_one_active ON admission_application (campaign_id, child_id)
  WHERE status IN ('draft', 'received', 'documentsChecked', 'enrolled');
CREATE INDEX admission_application_guardian ON admission_application (guardian_id, created_at);
CREATE INDEX admission_application_school ON admission_application (organization_id, campaign_id, receipt_number);
CREATE INDEX admission_application_campaign_status ON admission_application (campaign_id, status);

CREATE TABLE admission_status_change (
  id bigserial PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES admission_application (id),
  from_status text, to_status text NOT NULL,
  at timestamptz NOT NULL, actor_account_id uuid, actor_label text NOT NULL, reason text NOT NULL
);
CREATE INDEX admission_status_change_application ON admission_status_change (application_id, id);
