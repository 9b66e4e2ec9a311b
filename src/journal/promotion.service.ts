/**
 * Year-end promotion (перевод в следующий класс): one order of the school moves the pupils of
 * every class of year Y to the class of the next grade with the same letter in year Y+1.
 * Federal Law 273-FZ art. 58 §8: pupils who mastered the year's programme are promoted to the
 * next class; §9: those who did not clear their academic debt may, at the parents' choice, be
 * held back (оставлены на повторное обучение) — they go to a class of the same grade in Y+1.
 * Art. 61 §1 p. 1: education ends on its completion — grade 11 finishes school (выпуск), and a
 * grade 9 pupil who completed basic general education may leave (art. 66 §§3–4, the levels).
 *
 * The preview (`previewPromotion`) writes nothing; `promotePupils` does it all in one transaction
 * with the movement functions of enrolment.service.ts: creates the Y+1 classes missing, closes
 * each pupil's stay on the last day of Y and opens one on the first day of Y+1, records the
 * graduates' leaving, every stay carrying the order. Safe to repeat: only open stays in Y's
 * classes are moved, so a second run finds nothing left and says so (409), and a pupil excluded
 * the first time is moved by the next run. Authorisation is the caller's (journal.policy.ts
 * `enrolmentPolicy` 'move', the head of the school).
 */
import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Database, Executor } from '../platform/db/connect.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { findPersonNames, regionToday, type PersonName } from '../registry/person.service.ts';
import { setAttendedOrganization, staffAmong } from '../registry/pupil-registry.service.ts';
import { schoolClass } from './class.schema.ts';
import { className, type SchoolClassRow } from './class.service.ts';
import { classEnrolment } from './enrolment.schema.ts';
import { closeStays, issueOrder, openStays, validateMovement, type NewStay, type OrderInput } from './enrolment.service.ts';
import { academicYear } from './school-year.schema.ts';
import { termsOfYear } from './timetable.service.ts';
import { createAcademicYear, defaultYearPlan, findAcademicYear, listAcademicYears, schoolYearStartOf, yearName, type AcademicYearRow } from './school-year.service.ts';

/** What happens to one pupil: promoted, held back, leaves (grades 9 and 11), or left out of this order. */
export const promotionChoices = ['move', 'repeat', 'leave', 'skip'] as const;
export type PromotionChoice = (typeof promotionChoices)[number];

export function isPromotionChoice(value: unknown): value is PromotionChoice {
  return typeof value === 'string' && (promotionChoices as readonly string[]).includes(value);
}

/** The choices a pupil of the grade has: grade 11 finishes school; grade 9 may leave after basic general education. */
export function allowedChoices(grade: number): PromotionChoice[] {
  if (grade >= 11) return ['leave', 'repeat', 'skip'];
  if (grade === 9) return ['move', 'leave', 'repeat', 'skip'];
  return ['move', 'repeat', 'skip'];
}

export function defaultChoice(grade: number): PromotionChoice {
  return grade >= 11 ? 'leave' : 'move';
}

export interface PromotionChoices {
  /** Per pupil id; absent (or not allowed for the grade) → the grade's default. */
  pupils: ReadonlyMap<string, PromotionChoice>;
  /** Per class id of year Y: the class teacher of the Y+1 class it becomes, when that class is created; absent → carried over; null → none. */
  classTeachers: ReadonlyMap<string, string | null>;
}

export const noChoices: PromotionChoices = { pupils: new Map(), classTeachers: new Map() };

/** A class of Y+1 that pupils go to: one that exists, or one the promotion creates. */
export interface TargetClass {
  grade: number;
  letter: string;
  existingId: string | null;
  classTeacherId: string | null;
}

export interface PlannedPupil {
  pupilId: string;
  enrolmentId: string;
  startsOn: string;
  choice: PromotionChoice;
  allowed: PromotionChoice[];
  /** The Y+1 class (moved or held back); null for leaving and skipped pupils. */
  target: TargetClass | null;
}

export interface PlannedClass {
  source: SchoolClassRow;
  /** The class it becomes (next grade, same letter); null for grade 11. */
  next: TargetClass | null;
  pupils: PlannedPupil[];
}

export interface PromotionCounts {
  moved: number;
  heldBack: number;
  graduated: number;
  skipped: number;
  classesCreated: number;
}

export interface PromotionPlan {
  classes: PlannedClass[];
  /** Y+1 classes to create, by grade and letter. */
  newClasses: TargetClass[];
  counts: PromotionCounts;
}

const keyOf = (grade: number, letter: string) => `${grade}|${letter}`;

/**
 * The plan of a promotion (pure): each class of Y with its open stays goes to the next grade,
 * same letter, in Y+1 (an existing class keeps its class teacher; a new one takes the teacher
 * of the class it comes from, or the one chosen, or none if that teacher is not on the staff);
 * a pupil held back goes to the Y+1 class of their grade with their letter, else the first of
 * their grade, else a new class with their letter. No class is created for nobody.
 */
export function buildPromotionPlan(input: {
  classes: readonly SchoolClassRow[];
  stays: ReadonlyArray<{ id: string; pupilId: string; classId: string; startsOn: string }>;
  nextClasses: readonly SchoolClassRow[];
  choices: PromotionChoices;
  /** Staff of the school among the class teachers of Y (the default teachers carried over). */
  staff: ReadonlySet<string>;
}): PromotionPlan {
  const targets = new Map<string, TargetClass>();
  for (const c of input.nextClasses) targets.set(keyOf(c.grade, c.letter), { grade: c.grade, letter: c.letter, existingId: c.id, classTeacherId: c.classTeacherId });
  const sources = [...input.classes].sort((a, b) => a.grade - b.grade || a.letter.localeCompare(b.letter, 'ru'));
  /** The classes Y's classes would become, existing or proposed, whether or not anyone goes there. */
  const proposals = new Map<string, TargetClass>();
  const classes: PlannedClass[] = sources.map((source) => {
    const allowed = allowedChoices(source.grade);
    const pupils = input.stays
      .filter((s) => s.classId === source.id)
      .map((s) => {
        const asked = input.choices.pupils.get(s.pupilId);
        const choice = asked && allowed.includes(asked) ? asked : defaultChoice(source.grade);
        return { pupilId: s.pupilId, enrolmentId: s.id, startsOn: s.startsOn, choice, allowed, target: null as TargetClass | null };
      });
    let next: TargetClass | null = null;
    if (source.grade < 11) {
      const key = keyOf(source.grade + 1, source.letter);
      const chosen = input.choices.classTeachers.get(source.id);
      const carried = source.classTeacherId && input.staff.has(source.classTeacherId) ? source.classTeacherId : null;
      next = targets.get(key) ?? { grade: source.grade + 1, letter: source.letter, existingId: null, classTeacherId: chosen === undefined ? carried : chosen };
      proposals.set(key, next);
      if (pupils.some((p) => p.choice === 'move')) targets.set(key, next);
    }
    for (const p of pupils) if (p.choice === 'move') p.target = next;
    return { source, next, pupils };
  });
  for (const c of classes) {
    for (const p of c.pupils.filter((x) => x.choice === 'repeat')) {
      const { grade, letter } = c.source;
      const sameGrade = [...targets.values()].filter((t) => t.grade === grade).sort((a, b) => a.letter.localeCompare(b.letter, 'ru'));
      let target = targets.get(keyOf(grade, letter)) ?? sameGrade[0];
      if (!target) {
        target = proposals.get(keyOf(grade, letter)) ?? { grade, letter, existingId: null, classTeacherId: null };
        targets.set(keyOf(grade, letter), target);
      }
      p.target = target;
    }
  }
  const all = classes.flatMap((c) => c.pupils);
  const newClasses = [...targets.values()].filter((t) => t.existingId === null).sort((a, b) => a.grade - b.grade || a.letter.localeCompare(b.letter, 'ru'));
  return {
    classes,
    newClasses,
    counts: {
      moved: all.filter((p) => p.choice === 'move').length,
      heldBack: all.filter((p) => p.choice === 'repeat').length,
      graduated: all.filter((p) => p.choice === 'leave').length,
      skipped: all.filter((p) => p.choice === 'skip').length,
      classesCreated: newClasses.length,
    },
  };
}

/** Whether the plan changes anything. */
export function planHasWork(plan: PromotionPlan): boolean {
  return plan.counts.moved + plan.counts.heldBack + plan.counts.graduated > 0;
}

const msg = {
  nothing: {
    ru: 'Переводить некого: в классах этого учебного года нет обучающихся для перевода. Возможно, перевод уже проведён.',
    en: 'Nobody to promote: the classes of this year have no pupils left to move. The promotion may already be done.',
  },
  nextClosed: { ru: 'Следующий учебный год закрыт', en: 'The next academic year is closed' },
  tooEarly: (from: string): Message => ({
    ru: `Перевод проводится по итогам учебного года: не раньше начала последнего учебного периода (${from.slice(8, 10)}.${from.slice(5, 7)}.${from.slice(0, 4)})`,
    en: `Promotion follows the results of the year: not before its last term begins (${from})`,
  }),
  teacher: { ru: 'Классный руководитель должен быть сотрудником школы', en: 'The class teacher must be on the school staff' },
  changed: {
    ru: 'Пока проводился перевод, состав классов изменился. Откройте страницу перевода заново и проверьте список.',
    en: 'The classes changed while the promotion ran. Open the promotion page again and check the list.',
  },
} satisfies Record<string, Message | ((from: string) => Message)>;

export const promotionMessages = msg;

/** The school's year that starts the calendar year after `year` (Y+1), if it exists. */
export async function nextAcademicYear(db: Executor, year: AcademicYearRow): Promise<AcademicYearRow | null> {
  const next = schoolYearStartOf(year.startsOn) + 1;
  return (await listAcademicYears(db, year.organizationId)).find((y) => schoolYearStartOf(y.startsOn) === next) ?? null;
}

async function loadPlan(db: Executor, fromYear: AcademicYearRow, toYear: AcademicYearRow | null, choices: PromotionChoices): Promise<PromotionPlan> {
  const classes = await db.select().from(schoolClass).where(eq(schoolClass.yearId, fromYear.id)).orderBy(asc(schoolClass.grade), asc(schoolClass.letter));
  const stays = classes.length
    ? await db
        .select({ id: classEnrolment.id, pupilId: classEnrolment.pupilId, classId: classEnrolment.classId, startsOn: classEnrolment.startsOn })
        .from(classEnrolment)
        .where(and(inArray(classEnrolment.classId, classes.map((c) => c.id)), isNull(classEnrolment.endsOn), lte(classEnrolment.startsOn, fromYear.endsOn)))
    : [];
  const nextClasses = toYear ? await db.select().from(schoolClass).where(eq(schoolClass.yearId, toYear.id)) : [];
  const staff = await staffAmong(db, fromYear.organizationId, classes.flatMap((c) => (c.classTeacherId ? [c.classTeacherId] : [])));
  return buildPromotionPlan({ classes, stays, nextClasses, choices, staff });
}

export interface PromotionPreview {
  fromYear: AcademicYearRow;
  /** Y+1, or null when it will be created with the regional defaults. */
  toYear: AcademicYearRow | null;
  toYearName: string;
  /** The first day of Y+1: the day the new stays begin. */
  toYearStartsOn: string;
  plan: PromotionPlan;
  pupilNames: Map<string, PersonName>;
  teacherNames: Map<string, PersonName>;
}

/** The promotion of a year with the given choices, as it would be done now. Writes nothing. */
export async function previewPromotion(db: Executor, fromYear: AcademicYearRow, choices: PromotionChoices): Promise<PromotionPreview> {
  const toYear = await nextAcademicYear(db, fromYear);
  const startsYear = schoolYearStartOf(fromYear.startsOn) + 1;
  const toYearStartsOn = toYear?.startsOn ?? (await defaultYearPlan(db, startsYear, fromYear.termKind)).startsOn;
  const plan = await loadPlan(db, fromYear, toYear, choices);
  const teacherIds = [
    ...plan.classes.flatMap((c) => [c.source.classTeacherId, c.next?.classTeacherId ?? null]),
    ...plan.newClasses.map((c) => c.classTeacherId),
  ].filter((id): id is string => id !== null);
  const [pupilNames, teacherNames] = await Promise.all([
    findPersonNames(db, plan.classes.flatMap((c) => c.pupils.map((p) => p.pupilId))),
    findPersonNames(db, teacherIds),
  ]);
  return { fromYear, toYear, toYearName: toYear?.name ?? yearName(startsYear), toYearStartsOn, plan, pupilNames, teacherNames };
}

/** Refuses a chosen class teacher who is not on the school staff (422, keyed `teacher.<class id>`). */
async function checkChosenTeachers(db: Executor, organizationId: string, choices: PromotionChoices): Promise<void> {
  const chosen = [...choices.classTeachers.entries()].filter((e): e is [string, string] => e[1] !== null);
  const staff = await staffAmong(db, organizationId, chosen.map(([, id]) => id));
  const fields: FieldErrors = {};
  for (const [classId, teacherId] of chosen) if (!staff.has(teacherId.toLowerCase())) fields[`teacher.${classId}`] = msg.teacher;
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
}

export interface PromotionResult {
  toYearId: string;
  orderId: string;
  counts: PromotionCounts;
  /** Names of the classes created in Y+1 («5А»). */
  createdClasses: string[];
}

/**
 * Carries out the promotion of a year by the school's order, in one transaction (Y+1 is
 * created first with the regional defaults if the school has no such year, as admission does).
 * Audited as one event with the counts. 409 when there is nobody to move.
 */
export async function promotePupils(
  context: { db: Database; clock: { now(): Date } },
  origin: AuditOrigin,
  fromYearId: string,
  choices: PromotionChoices,
  order: OrderInput,
): Promise<PromotionResult> {
  const { db } = context;
  const fromYear = await findAcademicYear(db, fromYearId);
  if (!fromYear) throw errors.notFound();
  // Promotion is by the results of the year (Federal Law 273-FZ art. 58 p. 8): not before its
  // last term has begun. Earlier, a pupil's only open stay would become next year's, and a
  // transfer or leaving in the rest of this year would close that one instead.
  const terms = await termsOfYear(db, fromYear.id);
  const lastTermStarts = terms.length > 0 ? terms[terms.length - 1]!.startsOn : fromYear.startsOn;
  if (regionToday(context.clock) < lastTermStarts) throw errors.conflict('promotion-too-early', msg.tooEarly(lastTermStarts));
  const fields = validateMovement({ ...order, on: fromYear.endsOn });
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  await checkChosenTeachers(db, fromYear.organizationId, choices);
  // Nothing to do is said before anything is created.
  let toYear = await nextAcademicYear(db, fromYear);
  if (!planHasWork(await loadPlan(db, fromYear, toYear, choices))) throw errors.conflict('promotion-nothing', msg.nothing);
  if (!toYear) {
    const startsYear = schoolYearStartOf(fromYear.startsOn) + 1;
    const school = { organizationId: fromYear.organizationId, municipalityId: fromYear.municipalityId };
    toYear = await createAcademicYear(db, origin, school, { startsYear, weekDays: fromYear.weekDays, termKind: fromYear.termKind }).catch(async (error: unknown) => {
      const again = await nextAcademicYear(db, fromYear);
      if (again && error instanceof AppError && error.status === 409) return again;
      throw error;
    });
  }
  const next = toYear;
  if (next.status === 'closed') throw errors.conflict('academic-year-closed', msg.nextClosed);

  return db.transaction(async (tx) => {
    // One promotion of a year at a time: the second waits, then finds the stays already closed.
    await tx.select({ id: academicYear.id }).from(academicYear).where(eq(academicYear.id, fromYear.id)).for('update');
    const plan = await loadPlan(tx, fromYear, next, choices);
    if (!planHasWork(plan)) throw errors.conflict('promotion-nothing', msg.nothing);
    const issued = await issueOrder(tx, fromYear.organizationId, 'promotion', order);

    if (plan.newClasses.length > 0) {
      await tx
        .insert(schoolClass)
        .values(plan.newClasses.map((c) => ({ yearId: next.id, organizationId: next.organizationId, municipalityId: next.municipalityId, grade: c.grade, letter: c.letter, classTeacherId: c.classTeacherId })))
        .onConflictDoNothing();
    }
    const nextClasses = new Map((await tx.select().from(schoolClass).where(eq(schoolClass.yearId, next.id))).map((c) => [keyOf(c.grade, c.letter), c]));

    const pupils = plan.classes.flatMap((c) => c.pupils);
    const staying = pupils.filter((p) => p.choice === 'move' || p.choice === 'repeat');
    const leaving = pupils.filter((p) => p.choice === 'leave');
    const closed = [
      ...(await closeStays(tx, staying.map((p) => ({ id: p.enrolmentId, startsOn: p.startsOn })), fromYear.endsOn, 'nextYear', issued.id)),
      ...(await closeStays(tx, leaving.map((p) => ({ id: p.enrolmentId, startsOn: p.startsOn })), fromYear.endsOn, 'graduation', issued.id)),
    ];
    if (closed.length !== staying.length + leaving.length) throw errors.conflict('promotion-changed', msg.changed);

    const stays: NewStay[] = staying.map((p) => ({
      pupilId: p.pupilId,
      target: nextClasses.get(keyOf(p.target!.grade, p.target!.letter))!,
      startsOn: next.startsOn,
      startReason: p.choice === 'repeat' ? 'repeatYear' : 'nextYear',
      orderId: issued.id,
    }));
    await openStays(tx, origin, context.clock.now(), stays);
    await setAttendedOrganization(tx, leaving.map((p) => p.pupilId), null, context.clock.now());

    const createdClasses = plan.newClasses.map(className);
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'promotion',
      entityId: issued.id,
      municipalityId: fromYear.municipalityId,
      organizationId: fromYear.organizationId,
      details: { fromYearId: fromYear.id, toYearId: next.id, orderNumber: issued.number, orderIssuedOn: issued.issuedOn, ...plan.counts, createdClasses },
    });
    return { toYearId: next.id, orderId: issued.id, counts: plan.counts, createdClasses };
  });
}
