-- The timetable and the class journal itself (issue 5 §§4–5): the weekly template of a class,
-- the lessons it generates (topic, homework, substitutions, cancellations, moves), attendance,
-- marks with the kind of work and its weight, term and year finals, and the history of marks
-- and attendance changed after the fact. Rules: ../shared/domain/journal.md (letters АП-147/07
-- and АК-3358/08 of the Ministry on electronic journals).
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- Per academic year (so per school): whether the mark 1 is in use. The 5-point scale is 2–5 by
-- default; a school's «Положение о текущем контроле» may allow 1.
CREATE TABLE journal_year_setting (
  year_id uuid PRIMARY KEY REFERENCES academic_year (id),
  allow_mark_one boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES account (id)
);

-- Kinds of work a mark is given for, with the default weight in the weighted average.
-- Reference data (house rule 6), editable by the regional administrator; a mark copies the
-- weight when it is given, so a later edit does not rewrite old averages.
CREATE TABLE work_kind (
  code text PRIMARY KEY CHECK (code ~ '^[a-zA-Z][a-zA-Z0-9]{1,39}$'),
  name_ru text NOT NULL CHECK (char_length(name_ru) BETWEEN 1 AND 200),
  name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
  weight numeric(3,1) NOT NULL CHECK (weight > 0 AND weight <= 10),
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO work_kind (code, name_ru, name_en, weight, sort) VALUES
  ('classwork', 'Работа на уроке', 'Classwork', 1.0, 10),
  ('oral', 'Устный ответ', 'Oral answer', 1.0, 20),
  ('homework', 'Домашняя работа', 'Homework', 1.0, 30),
  ('independent', 'Самостоятельная работа', 'Independent work', 1.5, 40),
  ('practical', 'Практическая (лабораторная) работа', 'Practical (laboratory) work', 1.5, 50),
  ('dictation', 'Диктант', 'Dictation', 2.0, 60),
  ('essay', 'Сочинение, изложение', 'Essay', 2.0, 70),
  ('test', 'Контрольная работа', 'Test', 2.0, 80),
  ('project', 'Проект', 'Project', 1.5, 90);

-- The weekly template of a class: on a weekday, at a lesson number, a teaching assignment (the
-- assignment names the subgroup, if any), valid over a range of dates.
CREATE TABLE timetable_slot (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assignment_id uuid NOT NULL REFERENCES teaching_assignment (id),
  class_id uuid NOT NULL REFERENCES school_class (id),
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 6),
  lesson_number smallint NOT NULL CHECK (lesson_number BETWEEN 0 AND 12),
  valid_from date,
  valid_to date,
  CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX timetable_slot_class ON timetable_slot (class_id, weekday, lesson_number);
CREATE INDEX timetable_slot_assignment ON timetable_slot (assignment_id);

-- A lesson of a class (or subgroup) on a date: what the journal is about.
CREATE TABLE lesson (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assignment_id uuid NOT NULL REFERENCES teaching_assignment (id),
  class_id uuid NOT NULL REFERENCES school_class (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  term_id uuid NOT NULL REFERENCES academic_term (id),
  held_on date NOT NULL,
  lesson_number smallint NOT NULL CHECK (lesson_number BETWEEN 0 AND 12),
  topic text NOT NULL DEFAULT '' CHECK (char_length(topic) <= 500),
  homework text NOT NULL DEFAULT '' CHECK (char_length(homework) <= 4000),
  -- the kind of work the marks of the gradebook's cells are given for
  work_kind text NOT NULL DEFAULT 'classwork' REFERENCES work_kind (code),
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
  substitute_teacher_id uuid REFERENCES person (id),
  -- where the template had put a moved lesson (regeneration does not plan it twice)
  moved_from_on date,
  moved_from_number smallint,
  -- when the topic / homework were first entered (timeliness reports)
  topic_set_at timestamptz,
  homework_set_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK ((moved_from_on IS NULL) = (moved_from_number IS NULL))
);
CREATE UNIQUE INDEX lesson_assignment_day ON lesson (assignment_id, held_on, lesson_number);
CREATE INDEX lesson_class_day ON lesson (class_id, held_on);
CREATE INDEX lesson_term ON lesson (term_id);
CREATE INDEX lesson_substitute ON lesson (substitute_teacher_id, held_on) WHERE substitute_teacher_id IS NOT NULL;
CREATE INDEX lesson_organization_day ON lesson (organization_id, held_on);

-- Files attached to the homework, kept in the database (no shared disk between app processes).
CREATE TABLE lesson_attachment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL REFERENCES lesson (id),
  file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (char_length(media_type) BETWEEN 3 AND 100),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_by uuid REFERENCES account (id),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lesson_attachment_lesson ON lesson_attachment (lesson_id);

-- Absence codes: absent (н), excused (у — уважительная причина), ill (б), late (о — опоздание).
CREATE TABLE attendance (
  lesson_id uuid NOT NULL REFERENCES lesson (id),
  pupil_id uuid NOT NULL REFERENCES person (id),
  code text NOT NULL CHECK (code IN ('absent', 'excused', 'ill', 'late')),
  entered_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lesson_id, pupil_id)
);
CREATE INDEX attendance_pupil ON attendance (pupil_id, lesson_id);

CREATE TABLE mark (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL REFERENCES lesson (id),
  pupil_id uuid NOT NULL REFERENCES person (id),
  value smallint NOT NULL CHECK (value BETWEEN 1 AND 5),
  work_kind text NOT NULL REFERENCES work_kind (code),
  weight numeric(3,1) NOT NULL CHECK (weight > 0 AND weight <= 10),
  comment text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 500),
  entered_by uuid REFERENCES account (id),
  entered_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- one mark per kind of work per pupil per lesson; also the diary's index (pupil → lessons)
CREATE UNIQUE INDEX mark_pupil_lesson ON mark (pupil_id, lesson_id, work_kind);
CREATE INDEX mark_lesson ON mark (lesson_id);

-- Term finals (term_id set) and year finals (term_id NULL): the teacher decides, the weighted
-- average that was suggested is kept beside the decision.
CREATE TABLE final_mark (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pupil_id uuid NOT NULL REFERENCES person (id),
  assignment_id uuid NOT NULL REFERENCES teaching_assignment (id),
  term_id uuid REFERENCES academic_term (id),
  value smallint NOT NULL CHECK (value BETWEEN 1 AND 5),
  suggested numeric(3,2),
  decided_by uuid REFERENCES account (id),
  decided_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX final_mark_one
  ON final_mark (assignment_id, pupil_id, coalesce(term_id, '00000000-0000-0000-0000-000000000000'::uuid));
CREATE INDEX final_mark_pupil ON final_mark (pupil_id);

-- Marks, attendance and finals changed after the fact (after the day of the lesson, or a final
-- once decided): before and after, who and when. Rows are only ever added.
CREATE TABLE journal_change (
  id bigserial PRIMARY KEY,
  entity text NOT NULL CHECK (entity IN ('mark', 'attendance', 'final')),
  entity_id text NOT NULL,
  pupil_id uuid NOT NULL REFERENCES person (id),
  lesson_id uuid REFERENCES lesson (id),
  before jsonb,
  after jsonb,
  at timestamptz NOT NULL,
  actor uuid REFERENCES account (id),
  actor_label text NOT NULL DEFAULT ''
);
CREATE INDEX journal_change_lesson ON journal_change (lesson_id, pupil_id) WHERE lesson_id IS NOT NULL;
CREATE INDEX journal_change_pupil ON journal_change (pupil_id, at);
