/**
 * Kinds of work (виды работ) and their weights: the regional reference list every mark names
 * (issue 5 §5: "marks with the kind of work and its weight"; house rule 6: rules that change by
 * region are reference data, editable by the regional administrator). Migration 0021 seeds the
 * list; here it is added to, renamed, reweighted, deactivated and — while nothing uses a kind —
 * deleted. Every change is audited.
 *
 * A mark copies the weight of its lesson's kind when it is given (lesson.service.ts saveCells), so
 * a new weight counts for the marks given from then on and the suggested finals built from them;
 * marks already given keep theirs, and so do the averages computed from them.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import { queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { databaseErrorOf } from '../registry/person.service.ts';
import { workKind } from './lesson.schema.ts';

export type WorkKindRow = typeof workKind.$inferSelect;

/** The limits of a weight: from 0.5 to 5 in tenths (the column is numeric(3,1)). */
export const weightLimits = { min: 0.5, max: 5 } as const;

/** The kind a lesson has until its teacher chooses another (lesson.work_kind DEFAULT): never deactivated or deleted. */
export const defaultWorkKind = 'classwork';

const workKindCode = /^[a-zA-Z][a-zA-Z0-9]{1,39}$/;

export function isWorkKindCode(value: unknown): value is string {
  return typeof value === 'string' && workKindCode.test(value);
}

export async function listWorkKinds(db: Executor): Promise<WorkKindRow[]> {
  return db.select().from(workKind).orderBy(asc(workKind.sort), asc(workKind.code));
}

export async function findWorkKind(db: Executor, code: string): Promise<WorkKindRow | undefined> {
  if (!isWorkKindCode(code)) return undefined;
  const [row] = await db.select().from(workKind).where(eq(workKind.code, code));
  return row;
}

export interface WorkKindInput {
  nameRu: string;
  nameEn: string;
  /** One decimal, as the column keeps it: '1.5'. */
  weight: string;
  sort: number;
}

const weightMessage: Message = { ru: 'Вес — число от 0,5 до 5 с шагом 0,1', en: 'The weight is a number from 0.5 to 5 in steps of 0.1' };

/** Checks the form's fields (pure); a code only when adding. The weight may be typed with a comma. */
export function parseWorkKindInput(raw: Record<string, unknown>, options: { withCode: boolean }): { ok: true; value: WorkKindInput & { code: string } } | { ok: false; errors: FieldErrors } {
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string).trim() : '');
  const fields: FieldErrors = {};
  const code = text('code');
  if (options.withCode && !workKindCode.test(code)) fields.code = { ru: 'Код — латинские буквы и цифры, от 2 до 40 знаков, первой буква', en: 'The code is 2 to 40 Latin letters and digits, starting with a letter' };
  const nameRu = text('nameRu');
  const nameEn = text('nameEn');
  if (nameRu.length < 1 || nameRu.length > 200) fields.nameRu = { ru: 'Укажите название, до 200 знаков', en: 'Enter the name, up to 200 characters' };
  if (nameEn.length < 1 || nameEn.length > 200) fields.nameEn = { ru: 'Укажите название по-английски, до 200 знаков', en: 'Enter the English name, up to 200 characters' };
  const typed = text('weight').replace(',', '.');
  const weight = Number(typed);
  if (!/^\d{1,2}(\.\d)?$/.test(typed) || weight < weightLimits.min || weight > weightLimits.max) fields.weight = weightMessage;
  const sortText = text('sort') || '0';
  const sort = Number(sortText);
  if (!/^-?\d{1,6}$/.test(sortText)) fields.sort = { ru: 'Порядок — целое число', en: 'The order is a whole number' };
  if (Object.keys(fields).length > 0) return { ok: false, errors: fields };
  return { ok: true, value: { code, nameRu, nameEn, weight: weight.toFixed(1), sort } };
}

/** Adds a kind of work to the regional list (active). 409 if the code is taken. Audited. */
export async function createWorkKind(db: Database, origin: AuditOrigin, input: WorkKindInput & { code: string }): Promise<WorkKindRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(workKind).values({ ...input, active: true }).onConflictDoNothing().returning();
    if (!row) throw errors.validation({ code: { ru: 'Вид работы с таким кодом уже есть', en: 'A kind of work with this code exists' } });
    await recordAudit(tx, origin, { action: 'create', entityType: 'journal-work-kind', entityId: row.code, details: { nameRu: row.nameRu, weight: row.weight, sort: row.sort } });
    return row;
  });
}

/** Renames, reweighs or reorders a kind; the audit record keeps the fields before and after. */
export async function updateWorkKind(db: Database, origin: AuditOrigin, kind: WorkKindRow, input: WorkKindInput): Promise<WorkKindRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(workKind).set({ nameRu: input.nameRu, nameEn: input.nameEn, weight: input.weight, sort: input.sort }).where(eq(workKind.code, kind.code)).returning();
    if (!row) throw errors.notFound();
    const changed = (['nameRu', 'nameEn', 'weight', 'sort'] as const).filter((k) => String(kind[k]) !== String(row[k]));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'journal-work-kind',
      entityId: kind.code,
      details: { before: Object.fromEntries(changed.map((k) => [k, kind[k]])), after: Object.fromEntries(changed.map((k) => [k, row[k]])) },
    });
    return row;
  });
}

export const defaultKindMessage: Message = {
  ru: '«Работа на уроке» — вид работы каждого нового урока: его нельзя отключить или удалить',
  en: '“Classwork” is the kind of every new lesson: it cannot be deactivated or deleted',
};

/**
 * Deactivates a kind (teachers no longer choose it for a lesson; lessons and marks that have it
 * keep it) or makes it active again. Audited.
 */
export async function setWorkKindActive(db: Database, origin: AuditOrigin, kind: WorkKindRow, active: boolean): Promise<void> {
  if (!active && kind.code === defaultWorkKind) throw errors.conflict('work-kind-default', defaultKindMessage);
  if (kind.active === active) return;
  await db.transaction(async (tx) => {
    await tx.update(workKind).set({ active }).where(eq(workKind.code, kind.code));
    await recordAudit(tx, origin, { action: 'update', entityType: 'journal-work-kind', entityId: kind.code, details: { active } });
  });
}

/**
 * Whether any mark or lesson names the kind. Neither column is indexed by kind (the mark table is
 * the journal's hottest and is not slowed for this rare question): it is asked of one kind, on its
 * own page and before a deletion, never for the whole list.
 */
export async function workKindInUse(db: Executor, code: string): Promise<{ marks: boolean; lessons: boolean }> {
  const [row] = await queryRows<{ marks: boolean; lessons: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM mark WHERE work_kind = ${code}) AS marks, EXISTS (SELECT 1 FROM lesson WHERE work_kind = ${code}) AS lessons`,
  );
  return { marks: row?.marks === true, lessons: row?.lessons === true };
}

export const usedKindMessage: Message = {
  ru: 'Этот вид работы уже использован в отметках или уроках: его нельзя удалить, только отключить',
  en: 'This kind of work is already used by marks or lessons: it cannot be deleted, only deactivated',
};

/**
 * Deletes a kind nothing uses yet (one added by mistake). A kind used by marks or lessons is
 * kept — the history of marks names it — and can only be deactivated: 409. The foreign keys of
 * mark and lesson stay the backstop against a mark given meanwhile. Audited.
 */
export async function deleteWorkKind(db: Database, origin: AuditOrigin, kind: WorkKindRow): Promise<void> {
  if (kind.code === defaultWorkKind) throw errors.conflict('work-kind-default', defaultKindMessage);
  const use = await workKindInUse(db, kind.code);
  if (use.marks || use.lessons) throw errors.conflict('work-kind-in-use', usedKindMessage);
  try {
    await db.transaction(async (tx) => {
      await tx.delete(workKind).where(eq(workKind.code, kind.code));
      await recordAudit(tx, origin, { action: 'delete', entityType: 'journal-work-kind', entityId: kind.code, details: { nameRu: kind.nameRu, weight: kind.weight } });
    });
  } catch (error) {
    if (databaseErrorOf(error)?.code === '23503') throw errors.conflict('work-kind-in-use', usedKindMessage);
    throw error;
  }
}
