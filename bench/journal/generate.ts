/**
 * The benchmark's bulk generator of one full term of lessons, attendance and marks, written by
 * the server itself (INSERT … SELECT over generate_series, hashes instead of random numbers: the
 * same rows every time). The demo generator's `seedJournalLessons` builds every row in Node and
 * is right for the demo, but at Krasnodar's size (~8,000 classes, ~2 million lessons, ~15 million
 * marks) it writes a few thousand rows a second; this one writes into the same tables, school by
 * school, at the server's own speed.
 *
 * Distributions (as seedJournalLessons): a lesson per school day and lesson number, the class's
 * assignments in rotation, 4–7 lessons a day by grade; a pupil misses a lesson with probability
 * 5 % (ill 50 %, absent 20 %, excused 20 %, late 10 %); a present pupil gets a mark with
 * probability 1/3: 2 ≈ 5 %, 3 ≈ 25 %, 4 ≈ 40 %, 5 ≈ 30 %; one lesson in ten is a test (weight 2).
 *
 * Runs with session_replication_role = replica (a fresh benchmark database owned by us): foreign
 * keys and the closed-year guard trigger are not checked row by row during the bulk load. No
 * trigger fires in that mode, so the diary's read model (class_week, migration 0028) is built for
 * each school's new lessons here, as the lesson triggers would have built it.
 */
import pg from 'pg';

export interface TermPlan {
  municipalityId: number;
  termNumber: number;
  /** School days are Monday–Friday from the term's start to this date (inclusive). */
  until: string;
}

export async function generateTerm(pool: pg.Pool, plan: TermPlan, onProgress: (done: number, total: number, rows: Record<string, number>) => void): Promise<Record<string, number>> {
  const client = await pool.connect();
  const rows: Record<string, number> = { lesson: 0, mark: 0, attendance: 0 };
  try {
    await client.query('SET session_replication_role = replica');
    // Fresh bulk-loaded tables have no statistics yet: without them the pairs below plan as nested loops.
    await client.query('ANALYZE school_class, academic_term, teaching_assignment, class_enrolment, work_kind');
    const schools = (
      await client.query(
        `SELECT DISTINCT c.organization_id FROM school_class c JOIN academic_term t ON t.year_id = c.year_id AND t.number = $2
          WHERE c.municipality_id = $1 AND NOT EXISTS (SELECT 1 FROM lesson l WHERE l.organization_id = c.organization_id) ORDER BY 1`,
        [plan.municipalityId, plan.termNumber],
      )
    ).rows as Array<{ organization_id: string }>;
    let done = 0;
    for (const { organization_id: school } of schools) {
      await client.query('BEGIN');
      // The school's new lessons also go to a temporary table, so the pairs below read them alone.
      await client.query('CREATE TEMP TABLE school_lesson (id uuid, class_id uuid, held_on date, work_kind text) ON COMMIT DROP');
      const lessons = await client.query(
        `WITH c AS (
           SELECT c.id, c.grade, t.id AS term_id, t.starts_on FROM school_class c JOIN academic_term t ON t.year_id = c.year_id AND t.number = $2
            WHERE c.organization_id = $1),
         a AS (
           SELECT id, class_id, organization_id, municipality_id, (row_number() OVER (PARTITION BY class_id ORDER BY subject_code, id) - 1)::int AS k,
                  count(*) OVER (PARTITION BY class_id)::int AS cnt
             FROM teaching_assignment WHERE organization_id = $1 AND subgroup_id IS NULL),
         d AS (
           SELECT day::date AS day, (row_number() OVER (ORDER BY day) - 1)::int AS di
             FROM generate_series((SELECT min(starts_on) FROM c), $3::date, interval '1 day') day WHERE extract(isodow FROM day) < 6)
         , ins AS (
         INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number, topic, homework, work_kind, status, topic_set_at, homework_set_at, updated_at)
         SELECT a.id, c.id, a.organization_id, a.municipality_id, c.term_id, d.day, n,
                'Тема урока ' || (d.di + 1), '§ ' || (d.di + 1) || ', № ' || (100 + n),
                CASE WHEN (d.di + n) % 10 = 0 THEN 'test' ELSE 'classwork' END, 'held',
                d.day + time '15:00', d.day + time '15:00', d.day + time '15:00'
           FROM c CROSS JOIN d
           CROSS JOIN LATERAL generate_series(1, CASE WHEN c.grade = 1 THEN 4 WHEN c.grade <= 4 THEN 5 WHEN c.grade <= 9 THEN 6 ELSE 7 END) n
           JOIN a ON a.class_id = c.id AND a.k = (d.di * 7 + n) % a.cnt
         RETURNING id, class_id, held_on, work_kind)
         INSERT INTO school_lesson SELECT id, class_id, held_on, work_kind FROM ins`,
        [school, plan.termNumber, plan.until],
      );
      rows.lesson! += lessons.rowCount ?? 0;
      await client.query('ANALYZE school_lesson');
      // (lesson, pupil) pairs with a stable hash each
      const pairs = `
        SELECT l.id AS lesson_id, e.pupil_id, l.work_kind, l.held_on, abs(hashtext(l.id::text || e.pupil_id::text)) AS h
          FROM school_lesson l JOIN class_enrolment e ON e.class_id = l.class_id AND e.ends_on IS NULL AND e.starts_on <= l.held_on`;
      const attendance = await client.query(
        `INSERT INTO attendance (lesson_id, pupil_id, code, updated_at)
         SELECT lesson_id, pupil_id, CASE WHEN (h / 20) % 10 < 5 THEN 'ill' WHEN (h / 20) % 10 < 7 THEN 'absent' WHEN (h / 20) % 10 < 9 THEN 'excused' ELSE 'late' END,
                held_on + time '15:00'
           FROM (${pairs}) p WHERE h % 20 = 1`,
      );
      rows.attendance! += attendance.rowCount ?? 0;
      const marks = await client.query(
        `INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight, entered_at, updated_at)
         SELECT lesson_id, pupil_id, CASE WHEN (h / 60) % 20 = 0 THEN 2 WHEN (h / 60) % 20 < 6 THEN 3 WHEN (h / 60) % 20 < 14 THEN 4 ELSE 5 END,
                p.work_kind, w.weight, held_on + time '15:00', held_on + time '15:00'
           FROM (${pairs}) p JOIN work_kind w ON w.code = p.work_kind
          WHERE h % 3 = 0 AND h % 20 <> 1`,
      );
      rows.mark! += marks.rowCount ?? 0;
      await client.query(`SELECT class_week_refresh(array_agg(class_id), array_agg(week_start))
                            FROM (SELECT DISTINCT class_id, iso_monday(held_on) AS week_start FROM school_lesson) k`);
      await client.query('COMMIT');
      done++;
      onProgress(done, schools.length, rows);
    }
    await client.query('SET session_replication_role = DEFAULT');
  } finally {
    client.release();
  }
  return rows;
}
