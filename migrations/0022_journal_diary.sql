-- The diary, reports and archive of the electronic journal (issue 5 §§6–8): private calendar
-- feeds, guardians' notice preferences and the scan that sends them, the region's setting for
-- journal timeliness, and the archived class journals of closed years with their SHA-256.

-- A private iCalendar feed of one pupil's timetable and homework. The URL carries only a random
-- token; the database keeps its SHA-256, so a leaked database does not leak working URLs.
CREATE TABLE diary_feed (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pupil_id uuid NOT NULL REFERENCES person (id),
  -- the guardian (or the pupil) who made it; each keeps their own, revocable alone
  owner_person_id uuid NOT NULL REFERENCES person (id),
  token_digest text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE UNIQUE INDEX diary_feed_token ON diary_feed (token_digest);
CREATE UNIQUE INDEX diary_feed_live ON diary_feed (owner_person_id, pupil_id) WHERE revoked_at IS NULL;

-- Whether a guardian wants notices of a child's new marks and absences (off unless asked for).
CREATE TABLE diary_notice_preference (
  guardian_id uuid NOT NULL REFERENCES person (id),
  pupil_id uuid NOT NULL REFERENCES person (id),
  marks boolean NOT NULL DEFAULT false,
  absences boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (guardian_id, pupil_id)
);
CREATE INDEX diary_notice_preference_pupil ON diary_notice_preference (pupil_id) WHERE marks OR absences;

-- How far the notice scan has read marks and attendance (one row). The scan runs as a job, so
-- saving a mark never waits for notices.
CREATE TABLE diary_notice_cursor (
  id smallint PRIMARY KEY CHECK (id = 1),
  scanned_until timestamptz NOT NULL
);

-- Regional reference data for the journal's reports (house rule 6).
CREATE TABLE journal_report_setting (
  id smallint PRIMARY KEY CHECK (id = 1),
  -- a held lesson without topic, attendance or marks this many days after it counts as late
  late_after_days smallint NOT NULL DEFAULT 3 CHECK (late_after_days BETWEEN 1 AND 60),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES account (id)
);
INSERT INTO journal_report_setting (id, late_after_days) VALUES (1, 3);

-- The class journal of a closed year as PDF (letter АП-147/07), one per class; produced by the
-- 'journal.archive' job, its SHA-256 recorded so a copy on external media can be checked.
CREATE TABLE journal_archive (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  year_id uuid NOT NULL REFERENCES academic_year (id),
  class_id uuid NOT NULL REFERENCES school_class (id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  file_name text NOT NULL,
  content bytea,
  size_bytes integer,
  sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  requested_at timestamptz NOT NULL,
  finished_at timestamptz,
  error text,
  UNIQUE (class_id)
);
CREATE INDEX journal_archive_year ON journal_archive (year_id);

-- Corrections to a closed year's journal: only by the head, each with its reason (also audited).
CREATE TABLE journal_correction (
  id bigserial PRIMARY KEY,
  year_id uuid NOT NULL REFERENCES academic_year (id),
  entity text NOT NULL,
  entity_id text NOT NULL,
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 5 AND 1000),
  actor uuid REFERENCES account (id),
  at timestamptz NOT NULL
);
CREATE INDEX journal_correction_year ON journal_correction (year_id, at);

-- The lock of a closed year (issue 5 §8): lessons, marks, attendance and finals of a class whose
-- academic year is closed cannot change, except inside a correction the head makes with a
-- reason — the correction service sets prostor.journal_correction for its transaction only.
-- In the database, so no write path can forget it; one indexed lookup per changed row.
CREATE FUNCTION journal_closed_year_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_data jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
  closed boolean;
BEGIN
  IF current_setting('prostor.journal_correction', true) = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_TABLE_NAME = 'lesson' THEN
    SELECT y.status = 'closed' INTO closed FROM school_class c JOIN academic_year y ON y.id = c.year_id
     WHERE c.id = (row_data ->> 'class_id')::uuid;
  ELSIF TG_TABLE_NAME = 'final_mark' THEN
    SELECT y.status = 'closed' INTO closed FROM teaching_assignment ta JOIN school_class c ON c.id = ta.class_id JOIN academic_year y ON y.id = c.year_id
     WHERE ta.id = (row_data ->> 'assignment_id')::uuid;
  ELSE
    SELECT y.status = 'closed' INTO closed FROM lesson l JOIN school_class c ON c.id = l.class_id JOIN academic_year y ON y.id = c.year_id
     WHERE l.id = (row_data ->> 'lesson_id')::uuid;
  END IF;
  IF closed THEN
    RAISE EXCEPTION 'journal year closed' USING ERRCODE = 'P0001', HINT = 'journal-year-closed';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER lesson_closed_year BEFORE INSERT OR UPDATE OR DELETE ON lesson FOR EACH ROW EXECUTE FUNCTION journal_closed_year_guard();
CREATE TRIGGER mark_closed_year BEFORE INSERT OR UPDATE OR DELETE ON mark FOR EACH ROW EXECUTE FUNCTION journal_closed_year_guard();
CREATE TRIGGER attendance_closed_year BEFORE INSERT OR UPDATE OR DELETE ON attendance FOR EACH ROW EXECUTE FUNCTION journal_closed_year_guard();
CREATE TRIGGER final_mark_closed_year BEFORE INSERT OR UPDATE OR DELETE ON final_mark FOR EACH ROW EXECUTE FUNCTION journal_closed_year_guard();

-- The notice scan reads marks and attendance saved since its last run by this index.
CREATE INDEX mark_updated_at ON mark (updated_at);
CREATE INDEX attendance_updated_at ON attendance (updated_at);
