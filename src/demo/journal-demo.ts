/**
 * The journal's demo data on the generated region: for every school of the given municipalities
 * an academic year (the Krai's four-quarter calendar, default bells), the federal curriculum,
 * classes of about 25 pupils made from the school's children of school age (grade by birth
 * date: born March (Y−6−g) to February (Y−5−g) → grade g of the year starting in Y), class
 * teachers and teaching assignments chosen from the school's teachers by their subject, and
 * the movement history (admission order for grade 1, promotion order for the others). The
 * registry itself is not changed: the children attend the schools the generator gave them, in
 * the grades of its snapshot year (2025/26), carried into the demo's current year.
 *
 * The demo: the `teacher` login's person (a mathematics teacher of the first school of
 * Krasnodar) is the class teacher of the `pupil` login's class and teaches mathematics there and
 * in a few other classes, so the teacher's journal and the family's diary meet.
 *
 * Rows go through BulkSink (one INSERT … unnest per batch), so a municipality of 200,000 pupils
 * is written in seconds (`seedJournal` is also the benchmark's generator).
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { federalHoursOf } from '../journal/curriculum.service.ts';
import { defaultBells, defaultYearPlan, yearName } from '../journal/school-year.service.ts';
import { BulkSink, type TableSpec } from './bulk-insert.ts';
import { referenceYear } from './calendar.ts';

const specs: TableSpec[] = [
  {
    table: 'academic_year',
    columns: [['id', 'uuid'], ['organization_id', 'uuid'], ['municipality_id', 'int'], ['name', 'text'], ['starts_on', 'date'], ['ends_on', 'date'], ['week_days', 'smallint'], ['term_kind', 'text']],
  },
  { table: 'academic_term', after: ['academic_year'], columns: [['id', 'uuid'], ['year_id', 'uuid'], ['number', 'smallint'], ['starts_on', 'date'], ['ends_on', 'date']] },
  { table: 'school_holiday', after: ['academic_year'], columns: [['year_id', 'uuid'], ['name', 'text'], ['starts_on', 'date'], ['ends_on', 'date']] },
  { table: 'bell_schedule', after: ['academic_year'], columns: [['year_id', 'uuid'], ['lesson_number', 'smallint'], ['starts_at', 'time'], ['ends_at', 'time']] },
  { table: 'curriculum_hours', after: ['academic_year'], columns: [['year_id', 'uuid'], ['grade', 'smallint'], ['subject_code', 'text'], ['hours_per_week', 'numeric']] },
  {
    table: 'school_class',
    after: ['academic_year'],
    columns: [['id', 'uuid'], ['year_id', 'uuid'], ['organization_id', 'uuid'], ['municipality_id', 'int'], ['grade', 'smallint'], ['letter', 'text'], ['class_teacher_id', 'uuid']],
  },
  { table: 'movement_order', columns: [['id', 'uuid'], ['organization_id', 'uuid'], ['number', 'text'], ['issued_on', 'date'], ['kind', 'text']] },
  {
    table: 'class_enrolment',
    after: ['school_class', 'movement_order'],
    columns: [['id', 'uuid'], ['pupil_id', 'uuid'], ['class_id', 'uuid'], ['organization_id', 'uuid'], ['municipality_id', 'int'], ['starts_on', 'date'], ['start_reason', 'text'], ['start_order_id', 'uuid']],
  },
  {
    table: 'teaching_assignment',
    after: ['school_class'],
    columns: [['id', 'uuid'], ['class_id', 'uuid'], ['subject_code', 'text'], ['teacher_id', 'uuid'], ['organization_id', 'uuid'], ['municipality_id', 'int']],
  },
];

const letters = ['А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'З', 'И', 'К', 'Л', 'М', 'Н', 'О', 'П', 'Р'];

/** The teacher's position (staff_member.position) that teaches a subject; null: the primary class teacher. */
const positionFor: Record<string, string | null> = {
  russian: 'русского',
  literature: 'русского',
  literaryReading: null,
  foreignLanguage: 'английского',
  mathematics: 'математики',
  algebra: 'математики',
  geometry: 'математики',
  probability: 'математики',
  informatics: 'информатики',
  world: null,
  religiousCultures: null,
  history: 'истории',
  socialStudies: 'истории',
  geography: 'географии',
  biology: 'биологии',
  physics: 'физики',
  chemistry: 'химии',
  music: 'музыки',
  art: 'изобразительного',
  technology: 'технологии',
  physicalEducation: 'физической',
  lifeSafety: 'безопасности',
  individualProject: 'истории',
};
/** In grades 1–4 the class teacher teaches everything but these. */
const primarySpecialists = new Set(['foreignLanguage', 'physicalEducation', 'music']);

export interface JournalSeedOptions {
  /** The municipalities whose schools get a journal. */
  municipalityIds: number[];
  /** The year starting in September of this calendar year (2026 → 2026/2027). */
  startsYear: number;
  /** Ids (deterministic in the demo); random UUIDs by default. */
  newId?: () => string;
  batchRows?: number;
  /**
   * The school year whose grades the children's birth dates give (default: the demo region's
   * snapshot year, 2025, so every grade 1–11 has pupils and the registry stays as generated).
   */
  gradeYear?: number;
  /** The demo logins' people, to meet in one class. */
  demo?: { schoolId: string; teacherPersonId: string; pupilPersonId: string };
}

export interface JournalSeedReport {
  tables: Record<string, number>;
  serverMs: Record<string, number>;
  /** The class of the demo pupil, when asked. */
  demoClassId: string | null;
  ms: number;
}

interface Teacher {
  id: string;
  position: string;
  hours: number;
  classTeacher: boolean;
}

/** The grade of a child in the year starting in `startsYear`, or null when not of school age. */
export function gradeFor(birthDate: string, startsYear: number): number | null {
  const y = Number(birthDate.slice(0, 4));
  // Born March 2019 .. February 2020 → cohort 2019 → grade 1 in the year starting in 2026.
  const cohort = Number(birthDate.slice(5, 7)) < 3 ? y - 1 : y;
  const grade = startsYear - 6 - cohort;
  return grade >= 1 && grade <= 11 ? grade : null;
}

/**
 * Writes the journal's year, classes, pupils' stays and assignments for the schools of the
 * municipalities. Runs inside the caller's transaction (the demo seed's) or on its own. Schools
 * that already have a year starting that September, and pupils who already have an open stay,
 * are left as they are, so it can run again over a seeded region (the demo seed already runs it
 * for every municipality).
 */
export async function seedJournal(db: Executor, options: JournalSeedOptions): Promise<JournalSeedReport> {
  const started = performance.now();
  const newId = options.newId ?? (() => crypto.randomUUID());
  const municipalities = options.municipalityIds.join(',');
  const y = options.startsYear;
  // The registry's children are dated as of its snapshot (src/demo/calendar.ts): grades follow it.
  const g = options.gradeYear ?? referenceYear;
  const schools = await queryRows<{ id: string; municipality_id: number }>(
    db,
    sql`SELECT o.id::text AS id, o.municipality_id FROM organization o
        WHERE o.kind = 'school' AND o.municipality_id = ANY(string_to_array(${municipalities}, ',')::int[])
          AND NOT EXISTS (SELECT 1 FROM academic_year y WHERE y.organization_id = o.id AND y.starts_on = ${`${y}-09-01`})
        ORDER BY o.municipality_id, o.id`,
  );
  if (schools.length === 0) return { tables: {}, serverMs: {}, demoClassId: null, ms: 0 };

  const pupils = await queryRows<{ id: string; organization_id: string; birth_date: string }>(
    db,
    sql`SELECT p.id::text AS id, p.organization_id::text AS organization_id, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date
        FROM person p JOIN organization o ON o.id = p.organization_id AND o.kind = 'school'
        WHERE o.municipality_id = ANY(string_to_array(${municipalities}, ',')::int[])
          AND p.birth_date >= ${`${g - 17}-03-01`} AND p.birth_date < ${`${g - 6}-03-01`}
          AND NOT EXISTS (SELECT 1 FROM class_enrolment e WHERE e.pupil_id = p.id AND e.ends_on IS NULL)
        ORDER BY p.organization_id, p.last_name, p.first_name, p.id`,
  );
  const staff = await queryRows<{ person_id: string; organization_id: string; position: string }>(
    db,
    sql`SELECT sm.person_id::text AS person_id, sm.organization_id::text AS organization_id, sm.position
        FROM staff_member sm JOIN organization o ON o.id = sm.organization_id AND o.kind = 'school'
        WHERE o.municipality_id = ANY(string_to_array(${municipalities}, ',')::int[]) AND sm.position LIKE 'учитель%'
        ORDER BY sm.organization_id, sm.person_id`,
  );

  const sink = new BulkSink(db, specs, options.batchRows ?? 10_000);
  const plan = await defaultYearPlan(db, y, 'quarter');
  const pupilsBySchool = groupBy(pupils, (p) => p.organization_id);
  const teachersBySchool = groupBy(staff, (s) => s.organization_id);
  let demoClassId: string | null = null;

  for (const school of schools) {
    const yearId = newId();
    sink.push('academic_year', [yearId, school.id, school.municipality_id, yearName(y), plan.startsOn, plan.endsOn, 5, 'quarter']);
    plan.terms.forEach((t, i) => sink.push('academic_term', [newId(), yearId, i + 1, t.startsOn, t.endsOn]));
    for (const h of plan.holidays) sink.push('school_holiday', [yearId, h.name, h.startsOn, h.endsOn]);
    for (const b of defaultBells) sink.push('bell_schedule', [yearId, b.lessonNumber, b.startsAt, b.endsAt]);
    for (let grade = 1; grade <= 11; grade += 1) for (const h of federalHoursOf(grade)) sink.push('curriculum_hours', [yearId, grade, h.subjectCode, h.hoursPerWeek]);

    const admissionOrder = newId();
    const promotionOrder = newId();
    sink.push('movement_order', [admissionOrder, school.id, `${y}-1-у`, `${y}-08-31`, 'admission']);
    sink.push('movement_order', [promotionOrder, school.id, `${y}-2-п`, `${y}-08-31`, 'transfer']);

    const teachers: Teacher[] = (teachersBySchool.get(school.id) ?? []).map((s) => ({ id: s.person_id, position: s.position, hours: 0, classTeacher: false }));
    const primary = teachers.filter((t) => t.position.includes('начальных'));
    const subjectTeachers = teachers.filter((t) => !t.position.includes('начальных'));
    const isDemoSchool = options.demo?.schoolId === school.id;
    const demoTeacher = isDemoSchool ? teachers.find((t) => t.id === options.demo!.teacherPersonId) : undefined;

    // Classes of ~25 per grade; pupils dealt in name order.
    const byGrade = new Map<number, string[]>();
    for (const p of pupilsBySchool.get(school.id) ?? []) {
      const grade = gradeFor(p.birth_date, g);
      if (grade === null) continue;
      let list = byGrade.get(grade);
      if (!list) byGrade.set(grade, (list = []));
      list.push(p.id);
    }
    const demoGrade = isDemoSchool ? [...byGrade.entries()].find(([, ids]) => ids.includes(options.demo!.pupilPersonId))?.[0] : undefined;
    for (const [grade, ids] of [...byGrade.entries()].sort((a, b) => a[0] - b[0])) {
      const count = Math.min(letters.length, Math.max(1, Math.round(ids.length / 25)));
      const classIds = Array.from({ length: count }, () => newId());
      const demoIndex = grade === demoGrade ? ids.indexOf(options.demo!.pupilPersonId) % count : -1;
      for (let k = 0; k < count; k += 1) {
        const isDemoClass = k === demoIndex;
        if (isDemoClass) demoClassId = classIds[k]!;
        const classTeacher = isDemoClass && demoTeacher ? take(demoTeacher) : pickClassTeacher(grade <= 4 ? primary : subjectTeachers, teachers);
        sink.push('school_class', [classIds[k]!, yearId, school.id, school.municipality_id, grade, letters[k]!, classTeacher?.id ?? null]);
        for (const h of federalHoursOf(grade)) {
          const keyword = positionFor[h.subjectCode];
          let teacher: Teacher | undefined;
          if (isDemoClass && demoTeacher && keyword === 'математики') teacher = demoTeacher;
          else if (grade <= 4 && !primarySpecialists.has(h.subjectCode)) teacher = classTeacher ?? leastLoaded(primary);
          else teacher = leastLoaded(keyword ? subjectTeachers.filter((t) => t.position.includes(keyword)) : []) ?? leastLoaded(subjectTeachers) ?? leastLoaded(primary);
          if (!teacher) continue;
          teacher.hours += h.hoursPerWeek;
          sink.push('teaching_assignment', [newId(), classIds[k]!, h.subjectCode, teacher.id, school.id, school.municipality_id]);
        }
      }
      ids.forEach((pupilId, i) => {
        sink.push('class_enrolment', [
          newId(),
          pupilId,
          classIds[i % count]!,
          school.id,
          school.municipality_id,
          `${y}-09-01`,
          grade === 1 ? 'admission' : 'nextYear',
          grade === 1 ? admissionOrder : promotionOrder,
        ]);
      });
      const flushing = sink.flushFull();
      if (flushing) await flushing;
    }
  }
  await sink.finish();
  return {
    tables: { ...sink.written },
    serverMs: Object.fromEntries(Object.entries(sink.serverMs).map(([t, ms]) => [t, Math.round(ms)])),
    demoClassId,
    ms: Math.round(performance.now() - started),
  };
}

/** The demo region's journal: the municipality of Krasnodar (the demo logins' city) and, at small scales, all the others. */
export async function seedJournalDemo(
  db: Executor,
  options: { municipalityIds: number[]; newId: () => string; batchRows?: number; demo: JournalSeedOptions['demo'] },
): Promise<JournalSeedReport> {
  return seedJournal(db, { ...options, startsYear: demoJournalYear });
}

/** The demo's current school year: 2026/2027 (the demo runs in the autumn of 2026). */
export const demoJournalYear = 2026;

function take(t: Teacher): Teacher {
  t.classTeacher = true;
  return t;
}

/** A teacher of the pool not yet leading a class; in a small school, the least loaded of anyone. */
function pickClassTeacher(pool: Teacher[], everyone: Teacher[]): Teacher | null {
  const chosen = leastLoaded(pool.filter((t) => !t.classTeacher)) ?? leastLoaded(everyone.filter((t) => !t.classTeacher)) ?? leastLoaded(everyone);
  return chosen ? take(chosen) : null;
}

function leastLoaded(pool: Teacher[]): Teacher | undefined {
  let best: Teacher | undefined;
  for (const t of pool) if (!best || t.hours < best.hours) best = t;
  return best;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(row);
  }
  return map;
}
