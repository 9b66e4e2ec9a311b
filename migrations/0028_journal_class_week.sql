-- The diary's read model: the lessons of a class in a week, as the diary shows them, built once
-- and shared by the class's ~25 pupils. A diary page then reads the pupil's stays, these rows,
-- and only that pupil's marks and absences (lesson.service.ts pupilWeek). Kept true by the
-- triggers below in the writing transaction itself: whatever writes lessons, their files, the
-- assignments, the bell schedule or the subjects — the services, the demo, an operator's SQL —
-- the row changes with it and commits with it. (A bulk load under session_replication_role =
-- replica fires no trigger and must call class_week_refresh itself: bench/journal/generate.ts.)

CREATE TABLE class_week (
  class_id uuid NOT NULL REFERENCES school_class (id) ON DELETE CASCADE,
  -- the Monday of the ISO week
  week_start date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
  -- the lessons' ids, for the pupil's marks and absences (mark_pupil_lesson, attendance_pupil)
  lesson_ids uuid[] NOT NULL,
  -- the lessons in diary order (day, number, subject), with every subgroup's: the page keeps a
  -- subgroup's lessons for its members and the days of the pupil's stay. json, not jsonb: it is
  -- sent on as text, never searched
  lessons json NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (class_id, week_start)
);

-- Rebuilds the rows of the given (class, Monday) pairs from the lessons (a pair without lessons
-- loses its row). The rows are locked first, in one order, so that two transactions changing one
-- class's week rebuild it one after the other, the second from what the first committed (each
-- statement of this function reads with a fresh snapshot under READ COMMITTED).
CREATE FUNCTION class_week_refresh(class_ids uuid[], week_starts date[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF class_ids IS NULL THEN RETURN; END IF;
  INSERT INTO class_week (class_id, week_start, lesson_ids, lessons)
  SELECT k.class_id, k.week_start, '{}'::uuid[], '[]'::json
    FROM (SELECT DISTINCT * FROM unnest(class_ids, week_starts) AS u (class_id, week_start)) k
    JOIN school_class c ON c.id = k.class_id
   ORDER BY k.class_id, k.week_start
  ON CONFLICT DO NOTHING;

  PERFORM 1 FROM class_week w
   WHERE (w.class_id, w.week_start) IN (SELECT * FROM unnest(class_ids, week_starts))
   ORDER BY w.class_id, w.week_start
     FOR UPDATE;

  WITH k AS (
    SELECT DISTINCT class_id, week_start FROM unnest(class_ids, week_starts) AS k (class_id, week_start)
  ),
  built AS (
    SELECT k.class_id, k.week_start,
           array_agg(l.id ORDER BY l.held_on, l.lesson_number, s.sort, l.id) AS lesson_ids,
           json_agg(json_build_object(
             'id', l.id, 'held_on', l.held_on::text, 'lesson_number', l.lesson_number,
             'assignment_id', l.assignment_id, 'class_id', l.class_id, 'subgroup_id', ta.subgroup_id,
             'subject_code', ta.subject_code, 'name_ru', s.name_ru, 'name_en', s.name_en,
             'teacher_id', ta.teacher_id, 'substitute_teacher_id', l.substitute_teacher_id,
             'status', l.status, 'topic', l.topic, 'homework', l.homework,
             'moved_from_on', l.moved_from_on::text,
             'starts_at', to_char(b.starts_at, 'HH24:MI'), 'ends_at', to_char(b.ends_at, 'HH24:MI'),
             'attachments', f.files
           ) ORDER BY l.held_on, l.lesson_number, s.sort, l.id) AS lessons
      FROM k
      JOIN lesson l ON l.class_id = k.class_id AND l.held_on BETWEEN k.week_start AND k.week_start + 6
      JOIN teaching_assignment ta ON ta.id = l.assignment_id
      JOIN subject s ON s.code = ta.subject_code
      JOIN school_class c ON c.id = l.class_id
      LEFT JOIN bell_schedule b ON b.year_id = c.year_id AND b.lesson_number = l.lesson_number
      LEFT JOIN LATERAL (
        SELECT coalesce(json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'sizeBytes', a.size_bytes)
                                 ORDER BY a.uploaded_at, a.id), '[]'::json) AS files
          FROM lesson_attachment a WHERE a.lesson_id = l.id
      ) f ON true
     GROUP BY k.class_id, k.week_start
  )
  UPDATE class_week w SET lesson_ids = built.lesson_ids, lessons = built.lessons, built_at = now()
    FROM built
   WHERE w.class_id = built.class_id AND w.week_start = built.week_start;

  DELETE FROM class_week w
   WHERE (w.class_id, w.week_start) IN (SELECT * FROM unnest(class_ids, week_starts))
     AND NOT EXISTS (SELECT 1 FROM lesson l WHERE l.class_id = w.class_id AND l.held_on BETWEEN w.week_start AND w.week_start + 6);
END
$$;

-- The Monday of a date's ISO week.
CREATE FUNCTION iso_monday(d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT d - (extract(isodow FROM d)::int - 1) $$;

-- Lessons: statement-level, so a timetable generated for a term rebuilds each week once.
CREATE FUNCTION class_week_lesson_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(class_id), array_agg(week_start))
    FROM (SELECT DISTINCT class_id, iso_monday(held_on) AS week_start FROM new_rows) k;
  RETURN NULL;
END
$$;

CREATE FUNCTION class_week_lesson_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(class_id), array_agg(week_start))
    FROM (SELECT DISTINCT class_id, iso_monday(held_on) AS week_start FROM old_rows) k;
  RETURN NULL;
END
$$;

-- An update rebuilds only for the lessons whose shown columns changed (saving the first cell
-- of a lesson marks it held: that changes its status; saving more cells changes nothing here).
CREATE FUNCTION class_week_lesson_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(class_id), array_agg(week_start))
    FROM (
      SELECT n.class_id, iso_monday(n.held_on) AS week_start
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.class_id, n.held_on, n.lesson_number, n.assignment_id, n.substitute_teacher_id, n.status, n.topic, n.homework, n.moved_from_on)
             IS DISTINCT FROM
             (o.class_id, o.held_on, o.lesson_number, o.assignment_id, o.substitute_teacher_id, o.status, o.topic, o.homework, o.moved_from_on)
      UNION
      SELECT o.class_id, iso_monday(o.held_on)
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.class_id, n.held_on) IS DISTINCT FROM (o.class_id, o.held_on)
    ) k;
  RETURN NULL;
END
$$;

CREATE TRIGGER class_week_lesson_insert AFTER INSERT ON lesson
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_lesson_inserted();
CREATE TRIGGER class_week_lesson_update AFTER UPDATE ON lesson
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_lesson_updated();
CREATE TRIGGER class_week_lesson_delete AFTER DELETE ON lesson
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_lesson_deleted();

-- A lesson's files (added or removed) rebuild its week.
CREATE FUNCTION class_week_attachment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(l.class_id), array_agg(iso_monday(l.held_on)))
    FROM lesson l
   WHERE l.id IN (SELECT lesson_id FROM changed_rows);
  RETURN NULL;
END
$$;

CREATE TRIGGER class_week_attachment_insert AFTER INSERT ON lesson_attachment
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_attachment_changed();
CREATE TRIGGER class_week_attachment_delete AFTER DELETE ON lesson_attachment
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_attachment_changed();

-- Rare changes that reach many weeks: an assignment's teacher, subject or subgroup; a year's
-- bell schedule; a subject's name or order. Each rebuilds every week that shows it.
CREATE FUNCTION class_week_assignment_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(class_id), array_agg(week_start))
    FROM (SELECT DISTINCT l.class_id, iso_monday(l.held_on) AS week_start
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN lesson l ON l.assignment_id = n.id
           WHERE (n.subgroup_id, n.subject_code, n.teacher_id) IS DISTINCT FROM (o.subgroup_id, o.subject_code, o.teacher_id)) k;
  RETURN NULL;
END
$$;

CREATE TRIGGER class_week_assignment_update AFTER UPDATE ON teaching_assignment
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_assignment_updated();

CREATE FUNCTION class_week_bells_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(class_id), array_agg(week_start))
    FROM (SELECT DISTINCT cw.class_id, cw.week_start
            FROM class_week cw JOIN school_class sc ON sc.id = cw.class_id
           WHERE sc.year_id IN (SELECT year_id FROM changed_rows)) k;
  RETURN NULL;
END
$$;

CREATE TRIGGER class_week_bells_insert AFTER INSERT ON bell_schedule
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_bells_changed();
CREATE TRIGGER class_week_bells_update AFTER UPDATE ON bell_schedule
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_bells_changed();
CREATE TRIGGER class_week_bells_delete AFTER DELETE ON bell_schedule
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_bells_changed();

CREATE FUNCTION class_week_subject_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM class_week_refresh(array_agg(class_id), array_agg(week_start))
    FROM (SELECT DISTINCT l.class_id, iso_monday(l.held_on) AS week_start
            FROM new_rows n JOIN old_rows o ON o.code = n.code
            JOIN teaching_assignment ta ON ta.subject_code = n.code
            JOIN lesson l ON l.assignment_id = ta.id
           WHERE (n.name_ru, n.name_en, n.sort) IS DISTINCT FROM (o.name_ru, o.name_en, o.sort)) k;
  RETURN NULL;
END
$$;

CREATE TRIGGER class_week_subject_update AFTER UPDATE ON subject
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_week_subject_updated();

-- The lessons already written.
SELECT class_week_refresh(array_agg(class_id), array_agg(week_start))
  FROM (SELECT DISTINCT class_id, iso_monday(held_on) AS week_start FROM lesson) k;
