/**
 * The journal's lessons on the demo region (after journal-demo.ts made the years, classes,
 * stays and assignments): for every class of the chosen schools, a weekly template proposed from
 * the curriculum hours (timetable.plan.ts), the lessons of one term generated from it across
 * public and school holidays, and — for the lessons up to "today" — topics, homework, attendance
 * and marks with realistic, deterministic distributions:
 * - a pupil is missing from a lesson with probability 5 % (ill 50 %, absent 20 %, excused
 *   20 %, late 10 %); a late pupil may still be marked;
 * - a present pupil gets a mark with probability 1/3; marks follow the pupil's own level (most
 *   pupils average 3.6–4.4): 5 ≈ 30 %, 4 ≈ 40 %, 3 ≈ 25 %, 2 ≈ 5 % overall;
 * - one lesson in ten is an independent work or a test (weights 1.5 and 2), the rest classwork.
 *
 * Rows go through BulkSink (INSERT … unnest, one statement per batch), so the benchmark's
 * municipality (~8,000 classes × ~300 lessons, ~20 million marks) is written at bulk speed:
 * `seedJournalLessons` is the parameterised version the benchmark calls.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { calendarDaysOff } from '../journal/timetable.service.ts';
import { planLessons, proposeTemplate } from '../journal/timetable.plan.ts';
import { BulkSink, type TableSpec } from './bulk-insert.ts';
import { Random } from './random.ts';

const specs: TableSpec[] = [
  { table: 'timetable_slot', columns: [['id', 'uuid'], ['assignment_id', 'uuid'], ['class_id', 'uuid'], ['weekday', 'smallint'], ['lesson_number', 'smallint']] },
  {
    table: 'lesson',
    columns: [
      ['id', 'uuid'],
      ['assignment_id', 'uuid'],
      ['class_id', 'uuid'],
      ['organization_id', 'uuid'],
      ['municipality_id', 'int'],
      ['term_id', 'uuid'],
      ['held_on', 'date'],
      ['lesson_number', 'smallint'],
      ['topic', 'text'],
      ['homework', 'text'],
      ['work_kind', 'text'],
      ['status', 'text'],
      ['topic_set_at', 'timestamptz'],
      ['homework_set_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
  },
  { table: 'attendance', after: ['lesson'], columns: [['lesson_id', 'uuid'], ['pupil_id', 'uuid'], ['code', 'text'], ['updated_at', 'timestamptz']] },
  {
    table: 'mark',
    after: ['lesson'],
    columns: [['id', 'uuid'], ['lesson_id', 'uuid'], ['pupil_id', 'uuid'], ['value', 'smallint'], ['work_kind', 'text'], ['weight', 'numeric'], ['entered_at', 'timestamptz'], ['updated_at', 'timestamptz']],
  },
];

/** The demo's "today": the lessons up to it are filled in (a Friday of the second quarter of 2026/27). */
export const demoJournalToday = '2026-11-27';

export interface LessonSeedOptions {
  /** The schools whose classes get lessons (or all schools of these municipalities). */
  organizationIds?: string[];
  municipalityIds?: number[];
  /** Lessons of the term holding this date (or the nearest term before it); filled up to it. */
  today: string;
  /** Fill the whole term whatever `today` (the benchmark's "one full term"). */
  fillWholeTerm?: boolean;
  seed: number;
  newId: () => string;
  batchRows?: number;
  onProgress?: (tables: Record<string, number>) => void;
}

export interface LessonSeedReport {
  tables: Record<string, number>;
  serverMs: Record<string, number>;
  ms: number;
}

const topicsBySubject: Record<string, string[]> = {
  mathematics: ['Натуральные числа', 'Сложение и вычитание', 'Умножение и деление', 'Обыкновенные дроби', 'Десятичные дроби', 'Проценты', 'Решение задач', 'Уравнения', 'Площадь и периметр', 'Координатная плоскость'],
  algebra: ['Линейные уравнения', 'Системы уравнений', 'Степень с натуральным показателем', 'Многочлены', 'Формулы сокращённого умножения', 'Квадратные уравнения', 'Функции и графики', 'Неравенства'],
  geometry: ['Треугольники', 'Признаки равенства треугольников', 'Параллельные прямые', 'Четырёхугольники', 'Подобие', 'Окружность', 'Теорема Пифагора'],
  russian: ['Орфограммы корня', 'Части речи', 'Имя существительное', 'Имя прилагательное', 'Глагол', 'Синтаксис и пунктуация', 'Сложное предложение', 'Развитие речи: изложение'],
  literature: ['Устное народное творчество', 'А. С. Пушкин', 'М. Ю. Лермонтов', 'Н. В. Гоголь', 'Л. Н. Толстой', 'Поэзия XX века', 'Внеклассное чтение'],
  literaryReading: ['Сказки', 'Стихи о природе', 'Рассказы о детях', 'Басни', 'Чтение по ролям'],
  foreignLanguage: ['My family', 'At school', 'Present Simple', 'Past Simple', 'Food and drinks', 'Travelling', 'Reading practice'],
  history: ['Древний мир', 'Древняя Русь', 'Московское государство', 'Работа с исторической картой', 'Повторение'],
  biology: ['Клетка', 'Растения', 'Животные', 'Человек и его здоровье', 'Лабораторная работа'],
  physics: ['Механическое движение', 'Сила', 'Давление', 'Работа и мощность', 'Лабораторная работа'],
  world: ['Природа родного края', 'Наша страна', 'Человек и общество', 'Времена года'],
};
const homeworkSamples = ['§ {n}, вопросы в конце параграфа', '№ {n}, {m}', 'Выучить правило, упр. {n}', 'Прочитать с. {n}–{m}', 'Повторить тему, карточка'];

/**
 * Generates the timetable and one term's lessons, attendance and marks for the classes of the
 * chosen schools. Runs inside the caller's transaction (the demo seed's) or on its own.
 */
export async function seedJournalLessons(db: Executor, options: LessonSeedOptions): Promise<LessonSeedReport> {
  const started = performance.now();
  const orgFilter = options.organizationIds
    ? sql`y.organization_id = ANY(${`{${options.organizationIds.join(',')}}`}::uuid[])`
    : sql`y.municipality_id = ANY(${`{${(options.municipalityIds ?? []).join(',')}}`}::int[])`;
  // The year holding today (or the latest before it) of each school, and its term.
  const years = await queryRows<{ year_id: string; week_days: number; term_id: string; term_start: string; term_end: string }>(
    db,
    sql`SELECT DISTINCT ON (y.id) y.id::text AS year_id, y.week_days, t.id::text AS term_id, t.starts_on::text AS term_start, t.ends_on::text AS term_end
          FROM academic_year y JOIN academic_term t ON t.year_id = y.id
         WHERE ${orgFilter} AND y.starts_on <= ${options.today} AND t.starts_on <= ${options.today}
         ORDER BY y.id, t.starts_on DESC`,
  );
  if (years.length === 0) return { tables: {}, serverMs: {}, ms: 0 };
  const yearIds = `{${years.map((y) => y.year_id).join(',')}}`;
  const [classes, assignments, hours, stays, holidays, kinds] = await Promise.all([
    queryRows<{ id: string; year_id: string; organization_id: string; municipality_id: number; grade: number }>(
      db,
      sql`SELECT id::text AS id, year_id::text AS year_id, organization_id::text AS organization_id, municipality_id, grade FROM school_class WHERE year_id = ANY(${yearIds}::uuid[]) ORDER BY year_id, grade, letter`,
    ),
    queryRows<{ id: string; class_id: string; subject_code: string }>(
      db,
      sql`SELECT a.id::text AS id, a.class_id::text AS class_id, a.subject_code FROM teaching_assignment a JOIN school_class c ON c.id = a.class_id
           WHERE c.year_id = ANY(${yearIds}::uuid[]) ORDER BY a.class_id, a.subject_code, a.id`,
    ),
    queryRows<{ year_id: string; grade: number; subject_code: string; hours: string }>(
      db,
      sql`SELECT year_id::text AS year_id, grade, subject_code, hours_per_week::text AS hours FROM curriculum_hours WHERE year_id = ANY(${yearIds}::uuid[])`,
    ),
    queryRows<{ class_id: string; pupil_id: string }>(
      db,
      sql`SELECT e.class_id::text AS class_id, e.pupil_id::text AS pupil_id FROM class_enrolment e JOIN school_class c ON c.id = e.class_id
           WHERE c.year_id = ANY(${yearIds}::uuid[]) AND e.ends_on IS NULL ORDER BY e.class_id, e.pupil_id`,
    ),
    queryRows<{ year_id: string; starts_on: string; ends_on: string }>(db, sql`SELECT year_id::text AS year_id, starts_on::text AS starts_on, ends_on::text AS ends_on FROM school_holiday WHERE year_id = ANY(${yearIds}::uuid[])`),
    queryRows<{ code: string; weight: string }>(db, sql`SELECT code, weight::text AS weight FROM work_kind`),
  ]);
  const weightOf = new Map(kinds.map((k) => [k.code, k.weight]));
  const yearById = new Map(years.map((y) => [y.year_id, y]));
  const hoursOf = new Map(hours.map((h) => [`${h.year_id}|${h.grade}|${h.subject_code}`, Number(h.hours)]));
  const assignmentsOf = groupBy(assignments, (a) => a.class_id);
  const pupilsOf = groupBy(stays, (s) => s.class_id);
  const holidaysOf = groupBy(holidays, (h) => h.year_id);
  const daysOffCache = new Map<string, Set<string>>();

  const sink = new BulkSink(db, specs, options.batchRows ?? 10_000, (p) => options.onProgress?.(p.tables));
  let classIndex = 0;
  for (const cls of classes) {
    const year = yearById.get(cls.year_id)!;
    const weekDays = (year.week_days === 6 ? 6 : 5) as 5 | 6;
    const rng = new Random(options.seed, 1000 + classIndex++);
    const offKey = `${year.term_start}|${year.term_end}|${weekDays}`;
    let daysOff = daysOffCache.get(offKey);
    if (!daysOff) daysOffCache.set(offKey, (daysOff = await calendarDaysOff(db, year.term_start, year.term_end, weekDays)));
    const classAssignments = assignmentsOf.get(cls.id) ?? [];
    const subjectOf = new Map(classAssignments.map((a) => [a.id, a.subject_code]));
    const template = proposeTemplate(
      classAssignments.map((a) => ({ assignmentId: a.id, hours: hoursOf.get(`${cls.year_id}|${cls.grade}|${a.subject_code}`) ?? 1 })),
      weekDays,
    );
    const slots = template.map((s) => ({ ...s, id: options.newId(), validFrom: null, validTo: null }));
    for (const s of slots) sink.push('timetable_slot', [s.id, s.assignmentId, cls.id, s.weekday, s.lessonNumber]);
    const lessons = planLessons({ from: year.term_start, to: year.term_end, weekDays, slots, daysOff, holidays: (holidaysOf.get(cls.year_id) ?? []).map((h) => ({ startsOn: h.starts_on, endsOn: h.ends_on })) });
    const pupils = (pupilsOf.get(cls.id) ?? []).map((p) => ({ id: p.pupil_id, level: 3.5 + rng.float() * 1.2 }));
    const topicCounter = new Map<string, number>();
    for (const l of lessons) {
      const id = options.newId();
      const filled = options.fillWholeTerm || l.heldOn <= options.today;
      const subject = subjectOf.get(l.assignmentId) ?? '';
      const n = (topicCounter.get(l.assignmentId) ?? 0) + 1;
      topicCounter.set(l.assignmentId, n);
      const roll = rng.float();
      const kind = roll < 0.05 ? 'test' : roll < 0.1 ? 'independent' : 'classwork';
      const topics = topicsBySubject[subject];
      const topic = filled ? (topics ? `${topics[Math.floor(n / 3) % topics.length]}${kind === 'test' ? ': контрольная работа' : ''}` : `Урок ${n}`) : '';
      const homework = filled && rng.chance(0.7) ? homeworkSamples[rng.int(0, homeworkSamples.length - 1)]!.replace('{n}', String(rng.int(10, 300))).replace('{m}', String(rng.int(301, 600))) : '';
      const at = `${l.heldOn}T12:00:00Z`;
      sink.push('lesson', [id, l.assignmentId, cls.id, cls.organization_id, cls.municipality_id, year.term_id, l.heldOn, l.lessonNumber, topic, homework, kind, filled ? 'held' : 'planned', filled ? at : null, homework ? at : null, at]);
      if (!filled) continue;
      for (const p of pupils) {
        let code: string | null = null;
        if (rng.chance(0.05)) {
          const c = rng.float();
          code = c < 0.5 ? 'ill' : c < 0.7 ? 'absent' : c < 0.9 ? 'excused' : 'late';
          sink.push('attendance', [id, p.id, code, at]);
        }
        if (code !== null && code !== 'late') continue;
        if (!(kind === 'test' || kind === 'independent' || rng.chance(1 / 3))) continue;
        const value = Math.max(2, Math.min(5, Math.round(p.level + (rng.float() - 0.5) * 2.2)));
        sink.push('mark', [options.newId(), id, p.id, value, kind, weightOf.get(kind) ?? '1.0', at, at]);
      }
    }
    const flushing = sink.flushFull();
    if (flushing) await flushing;
  }
  await sink.finish();
  return {
    tables: { ...sink.written },
    serverMs: Object.fromEntries(Object.entries(sink.serverMs).map(([t, ms]) => [t, Math.round(ms)])),
    ms: Math.round(performance.now() - started),
  };
}

/** The demo region's lessons: the demo school (the demo logins' school), up to the demo's today. */
export function seedJournalLessonsDemo(db: Executor, options: { schoolId: string; seed: number; newId: () => string; batchRows?: number }): Promise<LessonSeedReport> {
  return seedJournalLessons(db, { organizationIds: [options.schoolId], today: demoJournalToday, seed: options.seed, newId: options.newId, batchRows: options.batchRows });
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}
