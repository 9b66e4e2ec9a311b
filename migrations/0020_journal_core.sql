-- The school year, the pupils' registry (контингент) and the curriculum of the electronic
-- journal (issue 5 §§1–3): academic years with terms, school holidays (каникулы) and bells;
-- classes and the movement history of pupils by orders (приказы); subjects, hours per week and
-- teaching assignments. Plus the registry's record of merged duplicate person records.

-- Regional defaults for a new academic year (the Krai's four-quarter calendar), reference data
-- editable by the regional administrator (house rule 6). One row per term or holiday of the year
-- that starts in `starts_year`.
CREATE TABLE school_calendar_default (
  starts_year integer NOT NULL CHECK (starts_year BETWEEN 2000 AND 2100),
  kind text NOT NULL CHECK (kind IN ('term', 'holiday')),
  number smallint NOT NULL CHECK (number BETWEEN 1 AND 9),
  name_ru text NOT NULL,
  name_en text NOT NULL,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  CHECK (ends_on >= starts_on),
  PRIMARY KEY (starts_year, kind, number)
);

-- The Krai's calendar of the school year (four quarters, autumn, winter and spring holidays).
-- Verify each year against the order of the Krai's Ministry of Education.
INSERT INTO school_calendar_default (starts_year, kind, number, name_ru, name_en, starts_on, ends_on) VALUES
  (2025, 'term', 1, '1 четверть', 'Quarter 1', '2025-09-01', '2025-10-25'),
  (2025, 'term', 2, '2 четверть', 'Quarter 2', '2025-11-05', '2025-12-27'),
  (2025, 'term', 3, '3 четверть', 'Quarter 3', '2026-01-12', '2026-03-21'),
  (2025, 'term', 4, '4 четверть', 'Quarter 4', '2026-03-30', '2026-05-26'),
  (2025, 'holiday', 1, 'Осенние каникулы', 'Autumn holidays', '2025-10-26', '2025-11-04'),
  (2025, 'holiday', 2, 'Зимние каникулы', 'Winter holidays', '2025-12-28', '2026-01-11'),
  (2025, 'holiday', 3, 'Весенние каникулы', 'Spring holidays', '2026-03-22', '2026-03-29'),
  (2026, 'term', 1, '1 четверть', 'Quarter 1', '2026-09-01', '2026-10-24'),
  (2026, 'term', 2, '2 четверть', 'Quarter 2', '2026-11-05', '2026-12-27'),
  (2026, 'term', 3, '3 четверть', 'Quarter 3', '2027-01-11', '2027-03-20'),
  (2026, 'term', 4, '4 четверть', 'Quarter 4', '2027-03-29', '2027-05-25'),
  (2026, 'holiday', 1, 'Осенние каникулы', 'Autumn holidays', '2026-10-25', '2026-11-04'),
  (2026, 'holiday', 2, 'Зимние каникулы', 'Winter holidays', '2026-12-28', '2027-01-10'),
  (2026, 'holiday', 3, 'Весенние каникулы', 'Spring holidays', '2027-03-21', '2027-03-28');

CREATE TABLE academic_year (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organization (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 4 AND 40),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  week_days smallint NOT NULL DEFAULT 5 CHECK (week_days IN (5, 6)),
  term_kind text NOT NULL CHECK (term_kind IN ('quarter', 'trimester', 'halfYear')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at timestamptz,
  closed_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (ends_on > starts_on),
  UNIQUE (organization_id, starts_on)
);
CREATE INDEX academic_year_municipality ON academic_year (municipality_id, starts_on);

CREATE TABLE academic_term (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  year_id uuid NOT NULL REFERENCES academic_year (id),
  number smallint NOT NULL CHECK (number BETWEEN 1 AND 4),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  CHECK (ends_on >= starts_on),
  UNIQUE (year_id, number)
);

CREATE TABLE school_holiday (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  year_id uuid NOT NULL REFERENCES academic_year (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  CHECK (ends_on >= starts_on)
);
CREATE INDEX school_holiday_year ON school_holiday (year_id, starts_on);

CREATE TABLE bell_schedule (
  year_id uuid NOT NULL REFERENCES academic_year (id),
  lesson_number smallint NOT NULL CHECK (lesson_number BETWEEN 0 AND 12),
  starts_at time NOT NULL,
  ends_at time NOT NULL,
  CHECK (ends_at > starts_at),
  PRIMARY KEY (year_id, lesson_number)
);

CREATE TABLE school_class (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  year_id uuid NOT NULL REFERENCES academic_year (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  grade smallint NOT NULL CHECK (grade BETWEEN 1 AND 11),
  letter text NOT NULL CHECK (char_length(letter) BETWEEN 1 AND 10),
  class_teacher_id uuid REFERENCES person (id),
  UNIQUE (year_id, grade, letter)
);
CREATE INDEX school_class_organization ON school_class (organization_id, year_id);
CREATE INDEX school_class_teacher ON school_class (class_teacher_id);

CREATE TABLE class_subgroup (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  class_id uuid NOT NULL REFERENCES school_class (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  UNIQUE (class_id, name)
);

CREATE TABLE class_subgroup_member (
  subgroup_id uuid NOT NULL REFERENCES class_subgroup (id),
  pupil_id uuid NOT NULL REFERENCES person (id),
  PRIMARY KEY (subgroup_id, pupil_id)
);
CREATE INDEX class_subgroup_member_pupil ON class_subgroup_member (pupil_id);

CREATE TABLE movement_order (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organization (id),
  number text NOT NULL CHECK (char_length(number) BETWEEN 1 AND 50),
  issued_on date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('admission', 'transfer', 'leaving')),
  UNIQUE (organization_id, number, issued_on)
);

-- The movement history: one row per stay in a class; never rewritten, only closed.
CREATE TABLE class_enrolment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pupil_id uuid NOT NULL REFERENCES person (id),
  class_id uuid NOT NULL REFERENCES school_class (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  starts_on date NOT NULL,
  ends_on date,
  start_reason text NOT NULL CHECK (start_reason IN ('admission', 'transferIn', 'transferWithin', 'nextYear')),
  end_reason text CHECK (end_reason IN ('transferOut', 'transferWithin', 'leaving', 'graduation', 'nextYear')),
  start_order_id uuid REFERENCES movement_order (id),
  end_order_id uuid REFERENCES movement_order (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES account (id),
  CHECK (ends_on IS NULL OR ends_on >= starts_on),
  CHECK ((ends_on IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX class_enrolment_one_open ON class_enrolment (pupil_id) WHERE ends_on IS NULL;
CREATE INDEX class_enrolment_class ON class_enrolment (class_id, starts_on);
CREATE INDEX class_enrolment_pupil ON class_enrolment (pupil_id, starts_on);
CREATE INDEX class_enrolment_organization ON class_enrolment (organization_id) WHERE ends_on IS NULL;

CREATE TABLE subject (
  code text PRIMARY KEY CHECK (code ~ '^[a-zA-Z][a-zA-Z0-9]{1,39}$'),
  name_ru text NOT NULL CHECK (char_length(name_ru) BETWEEN 1 AND 200),
  name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);

-- The federal list of compulsory subjects of the federal basic curricula (ФОП НОО, ООО, СОО,
-- orders of the Ministry of Enlightenment No. 372, 370, 371 of 18 May 2023).
INSERT INTO subject (code, name_ru, name_en, sort) VALUES
  ('russian', 'Русский язык', 'Russian language', 10),
  ('literaryReading', 'Литературное чтение', 'Literary reading', 20),
  ('literature', 'Литература', 'Literature', 30),
  ('nativeLanguage', 'Родной язык', 'Native language', 40),
  ('nativeLiterature', 'Родная литература', 'Native literature', 50),
  ('foreignLanguage', 'Иностранный язык', 'Foreign language', 60),
  ('secondForeignLanguage', 'Второй иностранный язык', 'Second foreign language', 70),
  ('mathematics', 'Математика', 'Mathematics', 80),
  ('algebra', 'Алгебра', 'Algebra', 90),
  ('geometry', 'Геометрия', 'Geometry', 100),
  ('probability', 'Вероятность и статистика', 'Probability and statistics', 110),
  ('informatics', 'Информатика', 'Informatics', 120),
  ('world', 'Окружающий мир', 'The world around us', 130),
  ('history', 'История', 'History', 140),
  ('socialStudies', 'Обществознание', 'Social studies', 150),
  ('geography', 'География', 'Geography', 160),
  ('biology', 'Биология', 'Biology', 170),
  ('physics', 'Физика', 'Physics', 180),
  ('chemistry', 'Химия', 'Chemistry', 190),
  ('religiousCultures', 'Основы религиозных культур и светской этики', 'Religious cultures and secular ethics', 200),
  ('spiritualCultures', 'Основы духовно-нравственной культуры народов России', 'Spiritual and moral culture of the peoples of Russia', 210),
  ('music', 'Музыка', 'Music', 220),
  ('art', 'Изобразительное искусство', 'Fine art', 230),
  ('technology', 'Труд (технология)', 'Work (technology)', 240),
  ('physicalEducation', 'Физическая культура', 'Physical education', 250),
  ('lifeSafety', 'Основы безопасности и защиты Родины', 'Safety and defence of the Motherland', 260),
  ('kubanStudies', 'Кубановедение', 'Kuban studies', 270),
  ('individualProject', 'Индивидуальный проект', 'Individual project', 280);

CREATE TABLE curriculum_hours (
  year_id uuid NOT NULL REFERENCES academic_year (id),
  grade smallint NOT NULL CHECK (grade BETWEEN 1 AND 11),
  subject_code text NOT NULL REFERENCES subject (code),
  hours_per_week numeric(3,1) NOT NULL CHECK (hours_per_week > 0),
  PRIMARY KEY (year_id, grade, subject_code)
);

CREATE TABLE teaching_assignment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  class_id uuid NOT NULL REFERENCES school_class (id),
  subgroup_id uuid REFERENCES class_subgroup (id),
  subject_code text NOT NULL REFERENCES subject (code),
  teacher_id uuid NOT NULL REFERENCES person (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  municipality_id integer NOT NULL REFERENCES municipality (id)
);
CREATE INDEX teaching_assignment_teacher ON teaching_assignment (teacher_id);
CREATE INDEX teaching_assignment_class ON teaching_assignment (class_id);
CREATE UNIQUE INDEX teaching_assignment_unique
  ON teaching_assignment (class_id, subject_code, coalesce(subgroup_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- The registry's record of merged duplicates: the merged person stays (it may be cited in audit
-- events and archives) but everything that referred to it now refers to the kept one.
CREATE TABLE person_merge (
  merged_person_id uuid PRIMARY KEY REFERENCES person (id),
  kept_person_id uuid NOT NULL REFERENCES person (id),
  merged_at timestamptz NOT NULL,
  merged_by uuid REFERENCES account (id),
  moved jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK (merged_person_id <> kept_person_id)
);
CREATE INDEX person_merge_kept ON person_merge (kept_person_id);
