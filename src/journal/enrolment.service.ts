/**
 * The pupils' registry (контингент) and its movement history (issue 5 §2): every stay of a
 * pupil in a class is one row of class_enrolment, opened and closed by orders of the school
 * (приказ о зачислении / переводе / отчислении, Federal Law 273-FZ art. 53 §1, art. 61 §3;
 * order of the Ministry of Enlightenment No. 458 of 2 Sep 2020 on admission). Rows are never
 * rewritten, only closed; a pupil has at most one open stay (unique index class_enrolment_one_open).
 * A transfer to another school closes the stay in the old school and opens one in the new, so
 * the child remains one person record with a continuous history.
 *
 * Dates: `startsOn` is the first day in the class, `endsOn` the last (inclusive). A movement
 * effective on day D closes the previous stay on D − 1 and opens the next on D.
 * Authorisation is the caller's (journal.policy.ts `canMovePupils` on the receiving school).
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Actor } from '../platform/access/access.ts';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Database, Executor, Transaction } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isIsoDate, isUuid } from '../platform/validation.ts';
import { findOrganization } from '../registry/organization.service.ts';
import { findPersonAccessFacts, findPersonNames, personFullName, type PersonName } from '../registry/person.service.ts';
import { setAttendedOrganization } from '../registry/pupil-registry.service.ts';
import { schoolClass } from './class.schema.ts';
import { className, type SchoolClassRow } from './class.service.ts';
import { teachingAssignment } from './curriculum.schema.ts';
import { classEnrolment, movementOrder, type EndReason, type OrderKind, type StartReason } from './enrolment.schema.ts';
import type { PupilAccess, SchoolScope } from './journal.policy.ts';
import { academicYear } from './school-year.schema.ts';
import { addDays, createAcademicYear, schoolYearStartOf } from './school-year.service.ts';

export type EnrolmentRow = typeof classEnrolment.$inferSelect;
export type MovementOrderRow = typeof movementOrder.$inferSelect;

export const startReasonNames: Record<StartReason, Message> = {
  admission: { ru: 'Зачисление', en: 'Admission' },
  transferIn: { ru: 'Перевод из другой школы', en: 'Transfer from another school' },
  transferWithin: { ru: 'Перевод из другого класса', en: 'Transfer from another class' },
  nextYear: { ru: 'Перевод в следующий класс', en: 'Promotion to the next grade' },
  repeatYear: { ru: 'Оставлен на повторное обучение', en: 'Held back to repeat the grade' },
};

export const endReasonNames: Record<EndReason, Message> = {
  transferOut: { ru: 'Перевод в другую школу', en: 'Transfer to another school' },
  transferWithin: { ru: 'Перевод в другой класс', en: 'Transfer to another class' },
  leaving: { ru: 'Отчисление', en: 'Leaving' },
  graduation: { ru: 'Окончание школы', en: 'Graduation' },
  nextYear: { ru: 'Перевод в следующий класс', en: 'Promotion to the next grade' },
};

const msg = {
  orderNumber: { ru: 'Укажите номер приказа', en: 'Enter the order number' },
  orderDate: { ru: 'Укажите дату приказа', en: 'Enter the order date' },
  date: { ru: 'Укажите дату в формате ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' },
  grade: { ru: 'Параллель — число от 1 до 11', en: 'The grade is a number from 1 to 11' },
  pupil: { ru: 'Обучающийся не найден', en: 'Pupil not found' },
  alreadyHere: { ru: 'Ребёнок уже учится в этой школе: оформите перевод между классами', en: 'The child already studies at this school: transfer between classes instead' },
  notEnrolled: { ru: 'Ребёнок сейчас не зачислен ни в один класс', en: 'The child is not enrolled in any class' },
  sameClass: { ru: 'Ребёнок уже в этом классе', en: 'The child is already in this class' },
  beforeStay: { ru: 'Дата раньше начала текущего пребывания в классе', en: 'The date is before the current stay began' },
  orderKind: { ru: 'Приказ с этим номером и датой уже издан по другому основанию', en: 'An order with this number and date exists for another kind of movement' },
  classYear: { ru: 'Дата не входит в учебный год класса', en: 'The date is outside the class’s academic year' },
  closedYear: { ru: 'Учебный год закрыт', en: 'The academic year is closed' },
  noClass: { ru: 'Класс не найден', en: 'Class not found' },
  notSchool: { ru: 'Зачислить можно только в школу', en: 'Pupils are admitted to schools only' },
} satisfies Record<string, Message>;

export const enrolmentMessages = msg;

/** An order (приказ) as typed: its number and date. */
export interface OrderInput {
  orderNumber: string;
  orderIssuedOn: string;
}

/** Checks the order number and date and a movement date (pure). */
export function validateMovement(input: OrderInput & { on: string }): FieldErrors {
  const fields: FieldErrors = {};
  const number = input.orderNumber.trim();
  if (number.length < 1 || number.length > 50) fields['orderNumber'] = msg.orderNumber;
  if (!isIsoDate(input.orderIssuedOn)) fields['orderIssuedOn'] = msg.orderDate;
  if (!isIsoDate(input.on)) fields['on'] = msg.date;
  return fields;
}

function originOf(who: Actor | AuditOrigin): AuditOrigin {
  return 'actor' in who ? who : { actor: who, ip: null, requestId: null };
}

function accountIdOf(origin: AuditOrigin): string | null {
  return origin.actor.kind === 'account' ? origin.actor.accountId : null;
}

/** Finds or issues the school's order; an existing order of another kind is a conflict. */
export async function issueOrder(tx: Executor, organizationId: string, kind: OrderKind, order: OrderInput): Promise<MovementOrderRow> {
  const number = order.orderNumber.trim();
  const [created] = await tx.insert(movementOrder).values({ organizationId, number, issuedOn: order.orderIssuedOn, kind }).onConflictDoNothing().returning();
  if (created) return created;
  const [existing] = await tx
    .select()
    .from(movementOrder)
    .where(and(eq(movementOrder.organizationId, organizationId), eq(movementOrder.number, number), eq(movementOrder.issuedOn, order.orderIssuedOn)));
  if (!existing) throw errors.conflict('order-conflict', msg.orderKind);
  if (existing.kind !== kind) throw errors.validation({ orderNumber: msg.orderKind });
  return existing;
}

async function openStayOf(tx: Executor, pupilId: string): Promise<EnrolmentRow | null> {
  const [row] = await tx.select().from(classEnrolment).where(and(eq(classEnrolment.pupilId, pupilId), isNull(classEnrolment.endsOn))).for('update');
  return row ?? null;
}

async function classForUpdate(tx: Executor, classId: string): Promise<SchoolClassRow & { yearStartsOn: string; yearEndsOn: string; yearStatus: string }> {
  const [row] = await tx
    .select({ c: schoolClass, yearStartsOn: academicYear.startsOn, yearEndsOn: academicYear.endsOn, yearStatus: academicYear.status })
    .from(schoolClass)
    .innerJoin(academicYear, eq(academicYear.id, schoolClass.yearId))
    .where(eq(schoolClass.id, classId));
  if (!row) throw errors.validation({ classId: msg.noClass });
  return { ...row.c, yearStartsOn: row.yearStartsOn, yearEndsOn: row.yearEndsOn, yearStatus: row.yearStatus };
}

function checkClassDate(c: { yearStartsOn: string; yearEndsOn: string; yearStatus: string }, on: string): void {
  if (c.yearStatus === 'closed') throw errors.conflict('academic-year-closed', msg.closedYear);
  // A pupil may be admitted in the summer before the year begins (orders for 1 September).
  if (on > c.yearEndsOn || on < addDays(c.yearStartsOn, -120)) throw errors.validation({ on: msg.classYear });
}

async function closeStay(tx: Executor, stay: EnrolmentRow, on: string, reason: EndReason, orderId: string): Promise<void> {
  await closeStays(tx, [stay], addDays(on, -1), reason, orderId);
}

/**
 * Closes open stays on their last day `endsOn` by an order, in one statement. A stay already
 * closed (by a concurrent movement) is left alone; the ids actually closed are returned.
 */
export async function closeStays(tx: Executor, stays: ReadonlyArray<Pick<EnrolmentRow, 'id' | 'startsOn'>>, endsOn: string, reason: EndReason, orderId: string): Promise<string[]> {
  if (stays.length === 0) return [];
  if (stays.some((s) => endsOn < s.startsOn)) throw errors.validation({ on: msg.beforeStay });
  const closed = await tx
    .update(classEnrolment)
    .set({ endsOn, endReason: reason, endOrderId: orderId })
    .where(and(inArray(classEnrolment.id, stays.map((s) => s.id)), isNull(classEnrolment.endsOn)))
    .returning({ id: classEnrolment.id });
  return closed.map((c) => c.id);
}

export interface NewStay {
  pupilId: string;
  target: Pick<SchoolClassRow, 'id' | 'organizationId' | 'municipalityId'>;
  /** The first day in the class. */
  startsOn: string;
  startReason: StartReason;
  orderId: string;
}

/** Opens stays in classes by an order, in one statement; returns their ids in the order given. */
export async function openStays(tx: Executor, origin: AuditOrigin, now: Date, stays: readonly NewStay[]): Promise<string[]> {
  if (stays.length === 0) return [];
  const rows = await tx
    .insert(classEnrolment)
    .values(
      stays.map((s) => ({
        pupilId: s.pupilId,
        classId: s.target.id,
        organizationId: s.target.organizationId,
        municipalityId: s.target.municipalityId,
        startsOn: s.startsOn,
        startReason: s.startReason,
        startOrderId: s.orderId,
        createdBy: accountIdOf(origin),
        createdAt: now,
      })),
    )
    .returning({ id: classEnrolment.id, pupilId: classEnrolment.pupilId });
  const ids = new Map(rows.map((r) => [r.pupilId, r.id]));
  return stays.map((s) => ids.get(s.pupilId)!);
}

export interface AdmitInput extends OrderInput {
  pupilId: string;
  organizationId: string;
  grade: number;
  /** The first day in the class. */
  startsOn: string;
  /** The class; when absent, the class of the grade with the fewest pupils (created as «А» if the grade has none). */
  classId?: string;
}

export interface MovementResult {
  enrolmentId: string;
  classId: string;
  orderId: string;
  /** The stay closed by this movement, if any. */
  closedEnrolmentId: string | null;
}

/**
 * Admits a pupil to a school by its admission order. Used by the pages of the school and by
 * the first-grade admission and kindergarten services, so that no one retypes the child. If the
 * child still has an open stay in another school, that stay is closed the day before as a
 * transfer out and this one opens as a transfer in. If the school has no academic year for the
 * date yet, it is created with the regional defaults. Audited; one transaction.
 */
export async function admitPupil(context: { db: Database; clock: { now(): Date } }, who: Actor | AuditOrigin, input: AdmitInput): Promise<MovementResult> {
  const origin = originOf(who);
  const fields = validateMovement({ ...input, on: input.startsOn });
  if (!Number.isInteger(input.grade) || input.grade < 1 || input.grade > 11) fields['grade'] = msg.grade;
  if (!isUuid(input.pupilId)) fields['pupilId'] = msg.pupil;
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  const school = await findOrganization(context.db, input.organizationId);
  if (!school) throw errors.notFound();
  if (school.kind !== 'school') throw errors.validation({ organizationId: msg.notSchool });
  const pupilId = input.pupilId.toLowerCase();
  const facts = (await findPersonAccessFacts(context.db, [pupilId])).get(pupilId);
  if (!facts) throw errors.validation({ pupilId: msg.pupil });

  // The year for the date: the school's, or a new one with the regional defaults.
  const startsYear = schoolYearStartOf(input.startsOn);
  let [year] = await context.db
    .select()
    .from(academicYear)
    .where(and(eq(academicYear.organizationId, school.id), lte(academicYear.startsOn, addDays(input.startsOn, 120)), gte(academicYear.endsOn, input.startsOn)))
    .orderBy(asc(academicYear.startsOn))
    .limit(1);
  if (!year && !input.classId) {
    year = await createAcademicYear(context.db, origin, { organizationId: school.id, municipalityId: school.municipalityId }, { startsYear, weekDays: 5, termKind: 'quarter' }).catch(async (error) => {
      const [again] = await context.db.select().from(academicYear).where(and(eq(academicYear.organizationId, school.id), eq(academicYear.startsOn, `${startsYear}-09-01`)));
      if (again) return again;
      throw error;
    });
  }

  return context.db.transaction(async (tx) => {
    let classId = input.classId?.toLowerCase();
    if (classId !== undefined && !isUuid(classId)) throw errors.validation({ classId: msg.noClass });
    if (classId === undefined) classId = await classOfGrade(tx, year!.id, school.id, school.municipalityId, input.grade, input.startsOn, origin);
    const target = await classForUpdate(tx, classId);
    if (target.organizationId !== school.id) throw errors.validation({ classId: msg.noClass });
    checkClassDate(target, input.startsOn);
    const open = await openStayOf(tx, pupilId);
    if (open && open.organizationId === school.id) throw errors.conflict('already-enrolled', msg.alreadyHere);
    const order = await issueOrder(tx, school.id, 'admission', input);
    if (open) await closeStay(tx, open, input.startsOn, 'transferOut', order.id);
    const startReason: StartReason = open ? 'transferIn' : 'admission';
    const [stayId] = await openStays(tx, origin, context.clock.now(), [{ pupilId, target, startsOn: input.startsOn, startReason, orderId: order.id }]);
    await setAttendedOrganization(tx, pupilId, school.id, context.clock.now());
    await recordAudit(tx, origin, [
      ...(open
        ? [{ action: 'update' as const, entityType: 'class-enrolment', entityId: open.id, municipalityId: open.municipalityId, organizationId: open.organizationId, details: { pupilId, endReason: 'transferOut', orderId: order.id } }]
        : []),
      {
        action: 'create',
        entityType: 'class-enrolment',
        entityId: stayId!,
        municipalityId: school.municipalityId,
        organizationId: school.id,
        details: { pupilId, classId: target.id, class: className(target), startReason, orderNumber: order.number, orderIssuedOn: order.issuedOn },
      },
    ]);
    return { enrolmentId: stayId!, classId: target.id, orderId: order.id, closedEnrolmentId: open?.id ?? null };
  });
}

/** The class of a grade with the fewest pupils on the date, or a new «А». */
async function classOfGrade(tx: Transaction, yearId: string, organizationId: string, municipalityId: number, grade: number, on: string, origin: AuditOrigin): Promise<string> {
  const classes = await tx.select().from(schoolClass).where(and(eq(schoolClass.yearId, yearId), eq(schoolClass.grade, grade))).orderBy(asc(schoolClass.letter));
  if (classes.length === 0) {
    const [created] = await tx.insert(schoolClass).values({ yearId, organizationId, municipalityId, grade, letter: 'А' }).onConflictDoNothing().returning();
    const row = created ?? (await tx.select().from(schoolClass).where(and(eq(schoolClass.yearId, yearId), eq(schoolClass.grade, grade), eq(schoolClass.letter, 'А'))))[0]!;
    if (created) {
      await recordAudit(tx, origin, { action: 'create', entityType: 'school-class', entityId: row.id, municipalityId, organizationId, details: { grade, letter: 'А', automatic: true } });
    }
    return row.id;
  }
  const counts = await pupilCounts(tx, classes.map((c) => c.id), on);
  return [...classes].sort((a, b) => (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0))[0]!.id;
}

async function pupilCounts(db: Executor, classIds: string[], on: string): Promise<Map<string, number>> {
  if (classIds.length === 0) return new Map();
  const rows = await db
    .select({ classId: classEnrolment.classId, pupilId: classEnrolment.pupilId })
    .from(classEnrolment)
    .where(and(inArray(classEnrolment.classId, classIds), lte(classEnrolment.startsOn, on), or(isNull(classEnrolment.endsOn), gte(classEnrolment.endsOn, on))));
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.classId, (counts.get(r.classId) ?? 0) + 1);
  return counts;
}

export interface TransferInput extends OrderInput {
  pupilId: string;
  toClassId: string;
  /** The first day in the new class. */
  on: string;
}

/**
 * Transfers a pupil to another class: of the same school (transferWithin both ways), or of
 * another school (transferOut / transferIn). The order is the receiving school's. Audited.
 */
export async function transferPupil(context: { db: Database; clock: { now(): Date } }, who: Actor | AuditOrigin, input: TransferInput): Promise<MovementResult> {
  const origin = originOf(who);
  const fields = validateMovement(input);
  if (!isUuid(input.pupilId)) fields['pupilId'] = msg.pupil;
  if (!isUuid(input.toClassId)) fields['toClassId'] = msg.noClass;
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  const pupilId = input.pupilId.toLowerCase();
  return context.db.transaction(async (tx) => {
    const target = await classForUpdate(tx, input.toClassId.toLowerCase());
    checkClassDate(target, input.on);
    const open = await openStayOf(tx, pupilId);
    if (!open) throw errors.conflict('not-enrolled', msg.notEnrolled);
    if (open.classId === target.id) throw errors.conflict('same-class', msg.sameClass);
    const within = open.organizationId === target.organizationId;
    const order = await issueOrder(tx, target.organizationId, within ? 'transfer' : 'admission', input);
    await closeStay(tx, open, input.on, within ? 'transferWithin' : 'transferOut', order.id);
    const startReason: StartReason = within ? 'transferWithin' : 'transferIn';
    const [stayId] = await openStays(tx, origin, context.clock.now(), [{ pupilId, target, startsOn: input.on, startReason, orderId: order.id }]);
    if (!within) await setAttendedOrganization(tx, pupilId, target.organizationId, context.clock.now());
    await recordAudit(tx, origin, [
      { action: 'update', entityType: 'class-enrolment', entityId: open.id, municipalityId: open.municipalityId, organizationId: open.organizationId, details: { pupilId, endReason: within ? 'transferWithin' : 'transferOut', orderId: order.id } },
      {
        action: 'create',
        entityType: 'class-enrolment',
        entityId: stayId!,
        municipalityId: target.municipalityId,
        organizationId: target.organizationId,
        details: { pupilId, classId: target.id, class: className(target), startReason, orderNumber: order.number, orderIssuedOn: order.issuedOn },
      },
    ]);
    return { enrolmentId: stayId!, classId: target.id, orderId: order.id, closedEnrolmentId: open.id };
  });
}

export type LeavingReason = 'leaving' | 'graduation' | 'transferOut';

export interface LeaveInput extends OrderInput {
  pupilId: string;
  /** The day the order takes effect: the pupil is no longer in the class from this day. */
  on: string;
  reason: LeavingReason;
}

/** Closes the pupil's open stay by the school's leaving order (отчисление), audited. */
export async function leavePupil(context: { db: Database; clock: { now(): Date } }, who: Actor | AuditOrigin, input: LeaveInput): Promise<{ enrolmentId: string; orderId: string }> {
  const origin = originOf(who);
  const fields = validateMovement(input);
  if (!isUuid(input.pupilId)) fields['pupilId'] = msg.pupil;
  if (!['leaving', 'graduation', 'transferOut'].includes(input.reason)) fields['reason'] = { ru: 'Выберите основание', en: 'Choose the reason' };
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  const pupilId = input.pupilId.toLowerCase();
  return context.db.transaction(async (tx) => {
    const open = await openStayOf(tx, pupilId);
    if (!open) throw errors.conflict('not-enrolled', msg.notEnrolled);
    const order = await issueOrder(tx, open.organizationId, 'leaving', input);
    await closeStay(tx, open, input.on, input.reason, order.id);
    await setAttendedOrganization(tx, pupilId, null, context.clock.now());
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'class-enrolment',
      entityId: open.id,
      municipalityId: open.municipalityId,
      organizationId: open.organizationId,
      details: { pupilId, endReason: input.reason, orderNumber: order.number, orderIssuedOn: order.issuedOn },
    });
    return { enrolmentId: open.id, orderId: order.id };
  });
}

/** Which school a pupil's open stay is in (for authorising a movement by its head). */
export async function openStayOfPupil(db: Executor, pupilId: string): Promise<EnrolmentRow | null> {
  if (!isUuid(pupilId)) return null;
  const [row] = await db.select().from(classEnrolment).where(and(eq(classEnrolment.pupilId, pupilId.toLowerCase()), isNull(classEnrolment.endsOn))).limit(1);
  return row ?? null;
}

// Reading ------------------------------------------------------------------------------------------

export interface CurrentEnrolment {
  pupilId: string;
  enrolmentId: string;
  classId: string;
  yearId: string;
  organizationId: string;
  municipalityId: number;
  grade: number;
  letter: string;
  startsOn: string;
}

/** The open stays of a batch of pupils (one query), keyed by pupil. */
export async function currentEnrolments(db: Executor, pupilIds: string[]): Promise<Map<string, CurrentEnrolment>> {
  const wanted = [...new Set(pupilIds.filter(isUuid).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({
      pupilId: classEnrolment.pupilId,
      enrolmentId: classEnrolment.id,
      classId: classEnrolment.classId,
      yearId: schoolClass.yearId,
      organizationId: classEnrolment.organizationId,
      municipalityId: classEnrolment.municipalityId,
      grade: schoolClass.grade,
      letter: schoolClass.letter,
      startsOn: classEnrolment.startsOn,
    })
    .from(classEnrolment)
    .innerJoin(schoolClass, eq(schoolClass.id, classEnrolment.classId))
    .where(and(inArray(classEnrolment.pupilId, wanted), isNull(classEnrolment.endsOn)));
  return new Map(rows.map((r) => [r.pupilId, r]));
}

export interface ClassPupil extends PersonName {
  enrolmentId: string;
  startsOn: string;
  endsOn: string | null;
}

/** The pupils in a class on a date, ordered by surname, first name. */
export async function classPupils(db: Executor, classId: string, onDate: string): Promise<ClassPupil[]> {
  if (!isUuid(classId)) return [];
  const stays = await db
    .select({ id: classEnrolment.id, pupilId: classEnrolment.pupilId, startsOn: classEnrolment.startsOn, endsOn: classEnrolment.endsOn })
    .from(classEnrolment)
    .where(and(eq(classEnrolment.classId, classId.toLowerCase()), lte(classEnrolment.startsOn, onDate), or(isNull(classEnrolment.endsOn), gte(classEnrolment.endsOn, onDate))));
  const names = await findPersonNames(db, stays.map((s) => s.pupilId));
  return stays
    .flatMap((s) => {
      const name = names.get(s.pupilId);
      return name ? [{ ...name, enrolmentId: s.id, startsOn: s.startsOn, endsOn: s.endsOn }] : [];
    })
    .sort((a, b) => a.lastName.localeCompare(b.lastName, 'ru') || a.firstName.localeCompare(b.firstName, 'ru') || a.id.localeCompare(b.id));
}

/** Every stay of a class during a period (pupils who came or left in it included), for the journal's lists. */
export async function classStays(db: Executor, classId: string, from: string, to: string): Promise<EnrolmentRow[]> {
  if (!isUuid(classId)) return [];
  return db
    .select()
    .from(classEnrolment)
    .where(and(eq(classEnrolment.classId, classId.toLowerCase()), lte(classEnrolment.startsOn, to), or(isNull(classEnrolment.endsOn), gte(classEnrolment.endsOn, from))))
    .orderBy(asc(classEnrolment.startsOn));
}

export interface HistoryEntry extends EnrolmentRow {
  className: string;
  yearName: string;
  organizationName: string;
  startOrder: MovementOrderRow | null;
  endOrder: MovementOrderRow | null;
}

/** A pupil's whole movement history, newest stay first. */
export async function pupilHistory(db: Executor, pupilId: string): Promise<HistoryEntry[]> {
  if (!isUuid(pupilId)) return [];
  const rows = await db
    .select({ e: classEnrolment, grade: schoolClass.grade, letter: schoolClass.letter, yearName: academicYear.name })
    .from(classEnrolment)
    .innerJoin(schoolClass, eq(schoolClass.id, classEnrolment.classId))
    .innerJoin(academicYear, eq(academicYear.id, schoolClass.yearId))
    .where(eq(classEnrolment.pupilId, pupilId.toLowerCase()))
    .orderBy(desc(classEnrolment.startsOn), desc(classEnrolment.createdAt));
  const orderIds = rows.flatMap((r) => [r.e.startOrderId, r.e.endOrderId].filter((id): id is string => id !== null));
  const orders = orderIds.length ? await db.select().from(movementOrder).where(inArray(movementOrder.id, orderIds)) : [];
  const orgNames = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.e.organizationId))) orgNames.set(id, (await findOrganization(db, id))?.shortName ?? '');
  return rows.map((r) => ({
    ...r.e,
    className: className(r),
    yearName: r.yearName,
    organizationName: orgNames.get(r.e.organizationId) ?? '',
    startOrder: orders.find((o) => o.id === r.e.startOrderId) ?? null,
    endOrder: orders.find((o) => o.id === r.e.endOrderId) ?? null,
  }));
}

/**
 * The facts the pupil policy needs, for a batch of pupils (a fixed number of queries): the
 * person's municipality and guardians, and for the stays overlapping the period (default: the
 * open stays) the schools, the class teachers and the teachers of the classes' assignments.
 */
export async function loadPupilAccess(db: Executor, pupilIds: string[], period?: { from: string; to: string }): Promise<Map<string, PupilAccess>> {
  const wanted = [...new Set(pupilIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const result = new Map<string, PupilAccess>();
  if (wanted.length === 0) return result;
  const facts = await findPersonAccessFacts(db, wanted);
  const stayCondition = period
    ? and(lte(classEnrolment.startsOn, period.to), or(isNull(classEnrolment.endsOn), gte(classEnrolment.endsOn, period.from)))
    : isNull(classEnrolment.endsOn);
  const stays = await db
    .select({ pupilId: classEnrolment.pupilId, classId: classEnrolment.classId, organizationId: classEnrolment.organizationId, municipalityId: classEnrolment.municipalityId, classTeacherId: schoolClass.classTeacherId })
    .from(classEnrolment)
    .innerJoin(schoolClass, eq(schoolClass.id, classEnrolment.classId))
    .where(and(inArray(classEnrolment.pupilId, wanted), stayCondition));
  const classIds = [...new Set(stays.map((s) => s.classId))];
  const teachers = classIds.length
    ? await db.selectDistinct({ classId: teachingAssignment.classId, teacherId: teachingAssignment.teacherId }).from(teachingAssignment).where(inArray(teachingAssignment.classId, classIds))
    : [];
  for (const id of wanted) {
    const f = facts.get(id);
    if (!f) continue;
    const mine = stays.filter((s) => s.pupilId === id);
    const mineClasses = new Set(mine.map((s) => s.classId));
    const schools = new Map<string, SchoolScope>();
    for (const s of mine) schools.set(s.organizationId, { organizationId: s.organizationId, municipalityId: s.municipalityId });
    result.set(id, {
      pupilId: id,
      municipalityId: f.municipalityId,
      schools: [...schools.values()],
      classTeacherIds: [...new Set(mine.flatMap((s) => (s.classTeacherId ? [s.classTeacherId] : [])))],
      teacherIds: [...new Set(teachers.filter((t) => mineClasses.has(t.classId)).map((t) => t.teacherId))],
      guardianIds: f.guardianIds,
    });
  }
  return result;
}

/** One audit event for a staff read of pupils' records (152-FZ), naming the ids. */
export async function recordPupilReads(db: Executor, origin: AuditOrigin, school: SchoolScope | null, pupilIds: string[], what: string, channel: 'page' | 'api'): Promise<void> {
  if (pupilIds.length === 0) return;
  await recordAudit(db, origin, {
    action: 'read',
    entityType: 'pupil',
    entityId: pupilIds.length === 1 ? pupilIds[0]! : null,
    municipalityId: school?.municipalityId ?? null,
    organizationId: school?.organizationId ?? null,
    details: { channel, what, ids: pupilIds },
  });
}

export { personFullName };
