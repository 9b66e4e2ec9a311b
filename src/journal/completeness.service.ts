/**
 * What a lesson of the journal still lacks (issue 5 §7; journal.md, "incomplete data: the journal
 * shows each teacher what is missing" and "data entered late: timeliness monitoring"). One
 * definition serves the completeness report of a school, municipality and region
 * (reports.service.ts) and a teacher's own list of lessons to fill (/journal/teaching/missing):
 *
 * - a lesson counts once it is past (held on or before a given day) and not cancelled;
 * - without a topic: the topic is empty;
 * - without attendance: the lesson is still 'planned' — saving any gradebook cell, or the lesson
 *   form with a topic, marks it held;
 * - without marks: no mark at all was given in it;
 * - complete: a topic and attendance (marks are not due at every lesson, so their absence alone
 *   does not make a lesson incomplete);
 * - whose: the substitute's when the lesson has one, else the teacher of its assignment.
 *
 * The fragments read the aliases `l` (lesson) and `ta` (its teaching_assignment).
 */
import { sql, type SQL } from 'drizzle-orm';
import { errors } from '../platform/errors.ts';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { isUuid } from '../platform/validation.ts';
import { addDays } from './timetable.plan.ts';

export const lessonGaps = {
  /** Past (on or before `through`) and not cancelled. */
  counted: (through: string): SQL => sql`l.status <> 'cancelled' AND l.held_on <= ${through}`,
  noTopic: sql`l.topic = ''`,
  noAttendance: sql`l.status = 'planned'`,
  noMarks: sql`NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = l.id)`,
  incomplete: sql`(l.topic = '' OR l.status = 'planned')`,
  /** The person the lesson counts for. */
  teacher: sql`coalesce(l.substitute_teacher_id, ta.teacher_id)`,
};

/** The counts of one group of lessons, as the columns `lessons, no_topic, no_attendance, no_marks, complete`. */
export const gapCountColumns = sql`count(*)::int AS lessons,
  count(*) FILTER (WHERE ${lessonGaps.noTopic})::int AS no_topic,
  count(*) FILTER (WHERE ${lessonGaps.noAttendance})::int AS no_attendance,
  count(*) FILTER (WHERE ${lessonGaps.noMarks})::int AS no_marks,
  count(*) FILTER (WHERE NOT ${lessonGaps.incomplete})::int AS complete`;

export interface GapCounts {
  lessons: number;
  noTopic: number;
  noAttendance: number;
  noMarks: number;
  complete: number;
}

/** Reads the columns of `gapCountColumns`. */
export function toGapCounts(r: Record<string, unknown>): GapCounts {
  return { lessons: Number(r.lessons), noTopic: Number(r.no_topic), noAttendance: Number(r.no_attendance), noMarks: Number(r.no_marks), complete: Number(r.complete) };
}

export function addGapCounts(into: GapCounts, more: GapCounts): GapCounts {
  into.lessons += more.lessons;
  into.noTopic += more.noTopic;
  into.noAttendance += more.noAttendance;
  into.noMarks += more.noMarks;
  into.complete += more.complete;
  return into;
}

export const emptyGapCounts = (): GapCounts => ({ lessons: 0, noTopic: 0, noAttendance: 0, noMarks: 0, complete: 0 });

// A teacher's own lessons to fill ---------------------------------------------------------------------

export const gapKinds = ['incomplete', 'topic', 'attendance', 'marks'] as const;
/** What the list shows: incomplete lessons (no topic or no attendance), or those lacking one thing. */
export type GapKind = (typeof gapKinds)[number];

export function isGapKind(value: unknown): value is GapKind {
  return typeof value === 'string' && (gapKinds as readonly string[]).includes(value);
}

const gapFilter: Record<GapKind, SQL> = {
  incomplete: lessonGaps.incomplete,
  topic: lessonGaps.noTopic,
  attendance: lessonGaps.noAttendance,
  marks: lessonGaps.noMarks,
};

export interface OwnLessonsQuery {
  /** The teacher (a person id): lessons that count for them. */
  teacherId: string;
  /** Only lessons of these schools (where the actor works: lesson.policy.ts ownLessonScope). */
  organizationIds: readonly string[];
  /** Today in the region: the list holds lessons of the days before it. */
  today: string;
  /** The regional "late after N days" (reports.service.ts lateAfterDays): older lessons are overdue. */
  lateAfterDays: number;
  gap: GapKind;
  /** Only the overdue ones (what the completeness report counts). */
  overdueOnly: boolean;
  classId: string | null;
  subjectCode: string | null;
}

/** The last day whose lessons the list holds, and the last day whose lessons are overdue. */
function daysOf(q: Pick<OwnLessonsQuery, 'today' | 'lateAfterDays' | 'overdueOnly'>): { through: string; overdueThrough: string } {
  const overdueThrough = addDays(q.today, -q.lateAfterDays);
  return { through: q.overdueOnly ? overdueThrough : addDays(q.today, -1), overdueThrough };
}

/**
 * The teacher's lessons in the open years of their schools. The first condition is the indexed
 * way in (teaching_assignment_teacher, lesson_substitute); the second is the shared definition.
 */
function ownLessons(q: OwnLessonsQuery, through: string): SQL {
  const orgs = `{${q.organizationIds.join(',')}}`;
  return sql`FROM lesson l
      JOIN teaching_assignment ta ON ta.id = l.assignment_id
      JOIN school_class c ON c.id = l.class_id
      JOIN academic_year y ON y.id = c.year_id
      JOIN subject s ON s.code = ta.subject_code
     WHERE (ta.teacher_id = ${q.teacherId} OR l.substitute_teacher_id = ${q.teacherId})
       AND ${lessonGaps.teacher} = ${q.teacherId}
       AND l.organization_id = ANY(${orgs}::uuid[])
       AND y.status = 'open'
       AND ${lessonGaps.counted(through)}`;
}

export interface OwnLessonGroup extends GapCounts {
  classId: string;
  grade: number;
  letter: string;
  subjectCode: string;
  subjectNameRu: string;
  subjectNameEn: string;
  /** Incomplete lessons (no topic or no attendance), and of them those overdue. */
  incomplete: number;
  overdue: number;
}

/**
 * The counts of the teacher's past lessons by class and subject (the filter's choices and the
 * figures at the top of the page). Class and subject filters are applied by the caller, the
 * period (all past days, or only the overdue) here.
 */
export async function ownLessonCounts(db: Executor, q: OwnLessonsQuery): Promise<OwnLessonGroup[]> {
  if (q.organizationIds.length === 0) return [];
  const { through, overdueThrough } = daysOf(q);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT l.class_id, c.grade, c.letter, ta.subject_code, s.name_ru, s.name_en, ${gapCountColumns},
               count(*) FILTER (WHERE ${lessonGaps.incomplete})::int AS incomplete,
               count(*) FILTER (WHERE ${lessonGaps.incomplete} AND l.held_on <= ${overdueThrough})::int AS overdue
          ${ownLessons(q, through)}
         GROUP BY l.class_id, c.grade, c.letter, ta.subject_code, s.name_ru, s.name_en, s.sort
         ORDER BY c.grade, c.letter, s.sort, ta.subject_code`,
  );
  return rows.map((r) => ({
    ...toGapCounts(r),
    classId: String(r.class_id),
    grade: Number(r.grade),
    letter: String(r.letter),
    subjectCode: String(r.subject_code),
    subjectNameRu: String(r.name_ru),
    subjectNameEn: String(r.name_en),
    incomplete: Number(r.incomplete),
    overdue: Number(r.overdue),
  }));
}

export interface OwnLesson {
  id: string;
  heldOn: string;
  lessonNumber: number;
  topic: string;
  termId: string;
  classId: string;
  grade: number;
  letter: string;
  subjectNameRu: string;
  subjectNameEn: string;
  noTopic: boolean;
  noAttendance: boolean;
  noMarks: boolean;
  overdue: boolean;
  /** What lesson.policy.ts needs about the lesson. */
  access: { assignmentId: string; classId: string; teacherId: string; classTeacherId: string | null; organizationId: string; municipalityId: number; substituteTeacherId: string | null };
}

export const ownLessonsPageSize = 50;

function encodeCursor(l: OwnLesson): string {
  return Buffer.from(JSON.stringify([l.heldOn, l.lessonNumber, l.id]), 'utf8').toString('base64url');
}

/** Throws 400 for anything that is not a cursor this service made. */
function decodeCursor(value: string): { heldOn: string; lessonNumber: number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && typeof parsed[0] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(parsed[0]) && Number.isInteger(parsed[1]) && isUuid(parsed[2])) {
      return { heldOn: parsed[0], lessonNumber: parsed[1] as number, id: parsed[2] };
    }
  } catch {
    // fall through
  }
  throw errors.badRequest({ ru: 'Неверная ссылка на страницу списка', en: 'Invalid page cursor' });
}

/**
 * One page of the teacher's past lessons lacking what `gap` names, oldest first (the most
 * overdue at the top), keyset-paginated by (day, lesson number, id).
 */
export async function ownLessonsPage(db: Executor, q: OwnLessonsQuery, page: { cursor?: string | null; limit?: number }): Promise<{ items: OwnLesson[]; nextCursor: string | null }> {
  if (q.organizationIds.length === 0) return { items: [], nextCursor: null };
  const limit = Math.min(Math.max(1, Math.floor(page.limit ?? ownLessonsPageSize)), 200);
  const cursor = page.cursor ? decodeCursor(page.cursor) : null;
  const { through, overdueThrough } = daysOf(q);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT l.id, l.held_on::text AS held_on, l.lesson_number, l.topic, l.term_id, l.class_id, c.grade, c.letter, s.name_ru, s.name_en,
               l.assignment_id, ta.teacher_id, c.class_teacher_id, l.organization_id, l.municipality_id, l.substitute_teacher_id,
               ${lessonGaps.noTopic} AS no_topic, ${lessonGaps.noAttendance} AS no_attendance, ${lessonGaps.noMarks} AS no_marks,
               l.held_on <= ${overdueThrough} AS overdue
          ${ownLessons(q, through)}
           AND ${gapFilter[q.gap]}
           ${q.classId ? sql`AND l.class_id = ${q.classId}` : sql``}
           ${q.subjectCode ? sql`AND ta.subject_code = ${q.subjectCode}` : sql``}
           ${cursor ? sql`AND (l.held_on, l.lesson_number, l.id) > (${cursor.heldOn}::date, ${cursor.lessonNumber}, ${cursor.id}::uuid)` : sql``}
         ORDER BY l.held_on, l.lesson_number, l.id
         LIMIT ${limit + 1}`,
  );
  const items: OwnLesson[] = rows.slice(0, limit).map((r) => ({
    id: String(r.id),
    heldOn: String(r.held_on).slice(0, 10),
    lessonNumber: Number(r.lesson_number),
    topic: String(r.topic),
    termId: String(r.term_id),
    classId: String(r.class_id),
    grade: Number(r.grade),
    letter: String(r.letter),
    subjectNameRu: String(r.name_ru),
    subjectNameEn: String(r.name_en),
    noTopic: r.no_topic === true,
    noAttendance: r.no_attendance === true,
    noMarks: r.no_marks === true,
    overdue: r.overdue === true,
    access: {
      assignmentId: String(r.assignment_id),
      classId: String(r.class_id),
      teacherId: String(r.teacher_id),
      classTeacherId: (r.class_teacher_id as string | null) ?? null,
      organizationId: String(r.organization_id),
      municipalityId: Number(r.municipality_id),
      substituteTeacherId: (r.substitute_teacher_id as string | null) ?? null,
    },
  }));
  return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!) : null };
}
