/**
 * The diary (issue 5 §6): what a pupil and their guardians see — the week with lessons,
 * homework, marks and absences; marks by subject and term with the finals; notices of new marks
 * and absences for guardians who asked for them; and a private iCalendar feed per child.
 *
 * Free and complete for every family (the region's complaint about paid diaries): nothing here
 * is behind a subscription, and a page is one HTML document with no scripts.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../platform/access/access.ts';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import { randomToken, tokenDigest } from '../platform/auth/tokens.ts';
import { queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import type { JobHandler, JobSchedule } from '../platform/jobs/jobs.ts';
import { notifyPeople, type Notice } from '../platform/notify/notify.ts';
import { findChildrenOfGuardian, findPersonNames, personFullName } from '../registry/person.service.ts';
import { diaryFeed, diaryNoticeCursor, diaryNoticePreference } from './diary.schema.ts';
import { writeCalendar, moscowToUtc, type CalendarLesson } from './ical.ts';
import { canReadPupil, type PupilAccess } from './journal.policy.ts';
import { pupilWeek, type PupilWeekLesson } from './lesson.service.ts';
import { addDays, mondayOf } from './timetable.plan.ts';

export interface DiaryChild {
  id: string;
  name: string;
  /** How the actor is related: the pupil themself or their guardian. */
  relation: 'self' | 'guardian';
}

/**
 * The pupils whose diary the actor may read: themself (a pupil's account) and their children
 * (a guardian's). Staff read pupils through the gradebook, not the diary.
 */
export async function diaryChildren(db: Executor, actor: Actor): Promise<DiaryChild[]> {
  if (actor.kind !== 'account' || !actor.personId) return [];
  const result: DiaryChild[] = [];
  if (actor.grants.some((g) => g.role === 'pupil')) {
    const names = await findPersonNames(db, [actor.personId]);
    const me = names.get(actor.personId);
    if (me) result.push({ id: actor.personId, name: personFullName(me), relation: 'self' });
  }
  if (actor.grants.some((g) => g.role === 'guardian')) {
    for (const c of await findChildrenOfGuardian(db, actor.personId)) result.push({ id: c.id, name: personFullName(c), relation: 'guardian' });
  }
  return result;
}

/**
 * The facts the shared pupil policy needs for a diary read: the actor's relation only (the
 * diary serves no staff), so a guardian passes for their own children and a pupil for themself.
 */
export function diaryAccess(actor: Actor, children: readonly DiaryChild[], pupilId: string): PupilAccess {
  const me = actor.kind === 'account' ? actor.personId : null;
  const child = children.find((c) => c.id === pupilId);
  return {
    pupilId,
    municipalityId: -1,
    schools: [],
    classTeacherIds: [],
    teacherIds: [],
    guardianIds: child?.relation === 'guardian' && me ? [me] : [],
  };
}

export function canReadDiary(actor: Actor, children: readonly DiaryChild[], pupilId: string): boolean {
  return children.some((c) => c.id === pupilId) && canReadPupil(actor, diaryAccess(actor, children, pupilId));
}

// The week ----------------------------------------------------------------------------------------

export interface DiaryWeek {
  weekStart: string;
  previous: string;
  next: string;
  days: Array<{ date: string; lessons: PupilWeekLesson[] }>;
  /** The homework files of the week's lessons (names and sizes, no content). */
  attachments: Array<{ lessonId: string; id: string; fileName: string; sizeBytes: number }>;
}

/** The pupil's week starting on the Monday of `anyDay`, day by day (Monday–Saturday). */
export async function diaryWeek(db: Executor, pupilId: string, anyDay: string): Promise<DiaryWeek> {
  const weekStart = mondayOf(anyDay);
  const lessons = await pupilWeek(db, pupilId, weekStart);
  const days = Array.from({ length: 6 }, (_, i) => addDays(weekStart, i)).map((date) => ({ date, lessons: lessons.filter((l) => l.heldOn === date) }));
  // Saturday only when it has lessons (a five-day school shows five days)
  if (days[5]!.lessons.length === 0) days.pop();
  const attachments = lessons.flatMap((l) => l.attachments.map((f) => ({ lessonId: l.id, ...f })));
  return { weekStart, previous: addDays(weekStart, -7), next: addDays(weekStart, 7), days, attachments };
}

/**
 * Whether a lesson is in the pupil's diary: the pupil was in its class on its day (and in its
 * subgroup, if any) — the same rule as `pupilWeek`. A family downloads homework files only of
 * such lessons.
 */
export async function isLessonOfPupil(db: Executor, pupilId: string, lessonId: string): Promise<boolean> {
  const rows = await queryRows<{ ok: number }>(
    db,
    sql`SELECT 1 AS ok FROM lesson l JOIN teaching_assignment ta ON ta.id = l.assignment_id
         WHERE l.id = ${lessonId}
           AND EXISTS (SELECT 1 FROM class_enrolment e WHERE e.pupil_id = ${pupilId} AND e.class_id = l.class_id AND e.starts_on <= l.held_on AND (e.ends_on IS NULL OR e.ends_on >= l.held_on))
           AND (ta.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM class_subgroup_member m WHERE m.subgroup_id = ta.subgroup_id AND m.pupil_id = ${pupilId}))`,
  );
  return rows.length > 0;
}

// Marks by subject and term -----------------------------------------------------------------------

export interface DiaryTerm {
  id: string;
  number: number;
  startsOn: string;
  endsOn: string;
}

export interface DiarySubjectMarks {
  subjectCode: string;
  nameRu: string;
  nameEn: string;
  /** term id → the term's marks in date order */
  marks: Map<string, Array<{ value: number; heldOn: string; weight: number }>>;
  /** term id (or 'year') → the decided final */
  finals: Map<string, number>;
}

export interface DiaryMarks {
  yearName: string | null;
  terms: DiaryTerm[];
  subjects: DiarySubjectMarks[];
}

/**
 * The pupil's marks of the school year that contains `onDate`, by subject and term, with term
 * and year finals. Three queries: the year and its terms, the marks, the finals.
 */
export async function diaryMarks(db: Executor, pupilId: string, onDate: string): Promise<DiaryMarks> {
  const years = await queryRows<{ year_id: string; name: string }>(
    db,
    sql`SELECT y.id AS year_id, y.name FROM class_enrolment e JOIN school_class c ON c.id = e.class_id JOIN academic_year y ON y.id = c.year_id
         WHERE e.pupil_id = ${pupilId} AND y.starts_on <= ${onDate} AND y.ends_on >= ${onDate}
         ORDER BY e.starts_on DESC LIMIT 1`,
  );
  const year = years[0];
  if (!year) return { yearName: null, terms: [], subjects: [] };
  const terms = (
    await queryRows<{ id: string; number: number; starts_on: string; ends_on: string }>(
      db,
      sql`SELECT id, number, starts_on::text AS starts_on, ends_on::text AS ends_on FROM academic_term WHERE year_id = ${year.year_id} ORDER BY number`,
    )
  ).map((t) => ({ id: t.id, number: Number(t.number), startsOn: String(t.starts_on).slice(0, 10), endsOn: String(t.ends_on).slice(0, 10) }));
  const marks = await queryRows<{ subject_code: string; name_ru: string; name_en: string; sort: number; term_id: string; value: number; held_on: string; weight: string }>(
    db,
    sql`SELECT ta.subject_code, s.name_ru, s.name_en, s.sort, l.term_id, m.value, l.held_on::text AS held_on, m.weight::text AS weight
          FROM mark m JOIN lesson l ON l.id = m.lesson_id JOIN teaching_assignment ta ON ta.id = l.assignment_id JOIN subject s ON s.code = ta.subject_code
          JOIN school_class c ON c.id = l.class_id
         WHERE m.pupil_id = ${pupilId} AND c.year_id = ${year.year_id}
         ORDER BY l.held_on, l.lesson_number`,
  );
  const finals = await queryRows<{ subject_code: string; name_ru: string; name_en: string; sort: number; term_id: string | null; value: number }>(
    db,
    sql`SELECT ta.subject_code, s.name_ru, s.name_en, s.sort, f.term_id, f.value
          FROM final_mark f JOIN teaching_assignment ta ON ta.id = f.assignment_id JOIN subject s ON s.code = ta.subject_code
          JOIN school_class c ON c.id = ta.class_id
         WHERE f.pupil_id = ${pupilId} AND c.year_id = ${year.year_id}`,
  );
  const subjects = new Map<string, DiarySubjectMarks & { sort: number }>();
  const subjectOf = (r: { subject_code: string; name_ru: string; name_en: string; sort: number }) => {
    let s = subjects.get(r.subject_code);
    if (!s) subjects.set(r.subject_code, (s = { subjectCode: r.subject_code, nameRu: r.name_ru, nameEn: r.name_en, sort: Number(r.sort), marks: new Map(), finals: new Map() }));
    return s;
  };
  for (const r of marks) {
    const s = subjectOf(r);
    const list = s.marks.get(r.term_id) ?? [];
    list.push({ value: Number(r.value), heldOn: String(r.held_on).slice(0, 10), weight: Number(r.weight) });
    s.marks.set(r.term_id, list);
  }
  for (const r of finals) subjectOf(r).finals.set(r.term_id ?? 'year', Number(r.value));
  return {
    yearName: year.name,
    terms,
    subjects: [...subjects.values()].sort((a, b) => a.sort - b.sort || a.nameRu.localeCompare(b.nameRu, 'ru')),
  };
}

// Notice preferences ------------------------------------------------------------------------------

export interface NoticePreference {
  marks: boolean;
  absences: boolean;
}

export async function noticePreference(db: Executor, guardianId: string, pupilId: string): Promise<NoticePreference> {
  const [row] = await db
    .select({ marks: diaryNoticePreference.marks, absences: diaryNoticePreference.absences })
    .from(diaryNoticePreference)
    .where(and(eq(diaryNoticePreference.guardianId, guardianId), eq(diaryNoticePreference.pupilId, pupilId)));
  return row ?? { marks: false, absences: false };
}

export async function setNoticePreference(db: Executor, guardianId: string, pupilId: string, preference: NoticePreference, now: Date): Promise<void> {
  await db
    .insert(diaryNoticePreference)
    .values({ guardianId, pupilId, ...preference, updatedAt: now })
    .onConflictDoUpdate({ target: [diaryNoticePreference.guardianId, diaryNoticePreference.pupilId], set: { ...preference, updatedAt: now } });
}

/**
 * How long after a save the scan waits before reading it: a transaction that stamped its rows
 * with `now` may commit a little later than the scan that would otherwise pass it by.
 */
export const noticeLagMs = 60_000;

const absenceNames: Record<string, string> = { absent: 'отсутствовал(а)', excused: 'отсутствовал(а) по уважительной причине', ill: 'болел(а)', late: 'опоздал(а)' };

/**
 * The notice scan (job 'journal.diary-notices', every few minutes): reads the marks and
 * absences saved since the last scan for pupils whose guardians asked for notices, and sends
 * each guardian one notice per child with everything new — set-based, in a handful of
 * statements. Saving a mark never waits for this (issue 5 §11: mark save p95 ≤ 30 ms).
 * Returns how many notices were sent.
 */
export async function scanDiaryNotices(db: Database, now: Date): Promise<number> {
  const until = new Date(now.getTime() - noticeLagMs);
  return db.transaction(async (tx) => {
    const [cursor] = await tx.select().from(diaryNoticeCursor).where(eq(diaryNoticeCursor.id, 1)).for('update');
    if (!cursor) {
      // The first scan starts from now: no flood of old marks.
      await tx.insert(diaryNoticeCursor).values({ id: 1, scannedUntil: until }).onConflictDoNothing();
      return 0;
    }
    const since = cursor.scannedUntil;
    if (until <= since) return 0;
    const rows = await queryRows<{ guardian_id: string; pupil_id: string; kind: string; held_on: string; name_ru: string; value: number | null; code: string | null }>(
      tx,
      sql`SELECT p.guardian_id, p.pupil_id, 'mark' AS kind, l.held_on::text AS held_on, s.name_ru, m.value, NULL AS code
            FROM mark m JOIN diary_notice_preference p ON p.pupil_id = m.pupil_id AND p.marks
            JOIN lesson l ON l.id = m.lesson_id JOIN teaching_assignment ta ON ta.id = l.assignment_id JOIN subject s ON s.code = ta.subject_code
           WHERE m.updated_at > ${since.toISOString()} AND m.updated_at <= ${until.toISOString()}
          UNION ALL
          SELECT p.guardian_id, p.pupil_id, 'absence', l.held_on::text, s.name_ru, NULL, a.code
            FROM attendance a JOIN diary_notice_preference p ON p.pupil_id = a.pupil_id AND p.absences
            JOIN lesson l ON l.id = a.lesson_id JOIN teaching_assignment ta ON ta.id = l.assignment_id JOIN subject s ON s.code = ta.subject_code
           WHERE a.updated_at > ${since.toISOString()} AND a.updated_at <= ${until.toISOString()}
          ORDER BY 1, 2, 4`,
    );
    await tx.update(diaryNoticeCursor).set({ scannedUntil: until }).where(eq(diaryNoticeCursor.id, 1));
    if (rows.length === 0) return 0;
    const names = await findPersonNames(tx, [...new Set(rows.map((r) => r.pupil_id))]);
    const grouped = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.guardian_id}|${r.pupil_id}`;
      grouped.set(key, [...(grouped.get(key) ?? []), r]);
    }
    const notices: Notice[] = [];
    for (const [key, list] of grouped) {
      const [guardianId, pupilId] = key.split('|') as [string, string];
      const name = names.get(pupilId);
      const firstName = name ? name.firstName : '';
      const lines = list.map((r) =>
        r.kind === 'mark' ? `${r.held_on.slice(8, 10)}.${r.held_on.slice(5, 7)} ${r.name_ru}: отметка ${r.value}` : `${r.held_on.slice(8, 10)}.${r.held_on.slice(5, 7)} ${r.name_ru}: ${absenceNames[r.code ?? ''] ?? r.code}`,
      );
      const hasMarks = list.some((r) => r.kind === 'mark');
      const hasAbsences = list.some((r) => r.kind !== 'mark');
      notices.push({
        personId: guardianId,
        subject: `${firstName}: ${hasMarks && hasAbsences ? 'новые отметки и пропуски' : hasMarks ? 'новые отметки' : 'пропуски уроков'}`,
        body: lines.join('\n'),
        // the link names no child: the diary page opens on the first child, the switcher picks
        link: '/diary',
      });
    }
    await notifyPeople(tx, notices);
    return notices.length;
  });
}

// The private calendar feed -----------------------------------------------------------------------

export interface FeedState {
  active: boolean;
  createdAt: Date | null;
}

export async function feedState(db: Executor, ownerPersonId: string, pupilId: string): Promise<FeedState> {
  const [row] = await db
    .select({ createdAt: diaryFeed.createdAt })
    .from(diaryFeed)
    .where(and(eq(diaryFeed.ownerPersonId, ownerPersonId), eq(diaryFeed.pupilId, pupilId), isNull(diaryFeed.revokedAt)));
  return { active: Boolean(row), createdAt: row?.createdAt ?? null };
}

/**
 * Makes a new feed URL token (the old one, if any, stops working): only its SHA-256 is kept, so
 * the URL is shown once. Audited without the token.
 */
export async function regenerateFeed(db: Database, origin: AuditOrigin, ownerPersonId: string, pupilId: string, now: Date): Promise<string> {
  const token = randomToken();
  await db.transaction(async (tx) => {
    await tx
      .update(diaryFeed)
      .set({ revokedAt: now })
      .where(and(eq(diaryFeed.ownerPersonId, ownerPersonId), eq(diaryFeed.pupilId, pupilId), isNull(diaryFeed.revokedAt)));
    await tx.insert(diaryFeed).values({ pupilId, ownerPersonId, tokenDigest: tokenDigest(token), createdAt: now });
    await recordAudit(tx, origin, { action: 'create', entityType: 'diary-feed', entityId: pupilId });
  });
  return token;
}

export async function revokeFeed(db: Database, origin: AuditOrigin, ownerPersonId: string, pupilId: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(diaryFeed)
      .set({ revokedAt: now })
      .where(and(eq(diaryFeed.ownerPersonId, ownerPersonId), eq(diaryFeed.pupilId, pupilId), isNull(diaryFeed.revokedAt)));
    await recordAudit(tx, origin, { action: 'revoke', entityType: 'diary-feed', entityId: pupilId });
  });
}

/** The pupil of a live feed token, or null (unknown or revoked). */
export async function pupilOfFeedToken(db: Executor, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ pupilId: diaryFeed.pupilId })
    .from(diaryFeed)
    .where(and(eq(diaryFeed.tokenDigest, tokenDigest(token)), isNull(diaryFeed.revokedAt)));
  return row?.pupilId ?? null;
}

/**
 * The feed's text: the pupil's lessons from two weeks back to four weeks ahead, with topic and
 * homework. The calendar's name carries the first name only (the URL may be shared by mistake).
 */
export async function feedCalendar(db: Executor, pupilId: string, today: string, now: Date): Promise<string> {
  const first = addDays(mondayOf(today), -14);
  const weeks = await Promise.all(Array.from({ length: 6 }, (_, i) => pupilWeek(db, pupilId, addDays(first, 7 * i))));
  const names = await findPersonNames(db, [pupilId]);
  const lessons: CalendarLesson[] = weeks.flat().map((l) => {
    const start = l.startsAt ?? '08:00';
    const end = l.endsAt ?? '08:45';
    return {
      uid: `${l.id}@prostor`,
      startsAt: moscowToUtc(l.heldOn, start),
      endsAt: moscowToUtc(l.heldOn, end),
      subject: l.subjectNameRu,
      topic: l.topic || null,
      homework: l.homework || null,
      cancelled: l.status === 'cancelled',
      updatedAt: null,
    };
  });
  return writeCalendar({ name: `Уроки: ${names.get(pupilId)?.firstName ?? ''}`.trim(), generatedAt: now, lessons });
}

export const DIARY_NOTICE_QUEUE = 'journal.diary-notices';

export const diaryJobHandlers: Record<string, JobHandler> = {
  [DIARY_NOTICE_QUEUE]: async (_run, context) => {
    await scanDiaryNotices(context.db, context.clock.now());
  },
};

/** The scan runs every two minutes: a parent sees a mark the same evening, minutes after it is saved. */
export const diaryJobSchedules: JobSchedule[] = [{ queue: DIARY_NOTICE_QUEUE, everyMs: 120_000 }];
