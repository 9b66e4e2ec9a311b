/**
 * Reference data of the kindergarten waiting list, editable by the regional administrator
 * without code (DESIGN: rules that change by region or year are data): the region's numbers
 * (preschool_setting) and four lists — age groups, orientations, stay modes and benefits.
 * Codes are never deleted: applications and groups refer to them, so a code that is no longer
 * offered is deactivated (hidden from forms) and stays readable in old records.
 * Every change is audited in the same transaction. Authorisation is the caller's
 * (reference.policy.ts); validation of user input is here, with messages in Russian.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import { queryRows, type Database, type Executor } from '../../platform/db/connect.ts';
import { errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import {
  benefitLevels,
  preschoolAgeGroup,
  preschoolBenefit,
  preschoolOrientation,
  preschoolSetting,
  preschoolStayMode,
  type BenefitLevel,
} from './preschool.schema.ts';

export type PreschoolSettings = typeof preschoolSetting.$inferSelect;
export type AgeGroupRow = typeof preschoolAgeGroup.$inferSelect;
export type OrientationRow = typeof preschoolOrientation.$inferSelect;
export type StayModeRow = typeof preschoolStayMode.$inferSelect;
export type BenefitRow = typeof preschoolBenefit.$inferSelect;

// Settings --------------------------------------------------------------------------------------

/**
 * The id of the region this installation serves. The region is platform-level reference data
 * installed after migrations (registry/region.service.ts installs it); there is exactly one.
 */
async function regionId(db: Executor): Promise<number> {
  const [row] = await queryRows<{ id: number }>(db, sql`SELECT id FROM region ORDER BY id LIMIT 1`);
  if (!row) throw new Error('No region is installed: run the migrations and install the region first');
  return Number(row.id);
}

/** The region's settings; the row is created with the migration's defaults on first use. */
export async function getPreschoolSettings(db: Executor): Promise<PreschoolSettings> {
  const id = await regionId(db);
  await db.insert(preschoolSetting).values({ regionId: id }).onConflictDoNothing();
  const [row] = await db.select().from(preschoolSetting).where(eq(preschoolSetting.regionId, id));
  return row!;
}

export const settingFields = ['maxPreferences', 'offerAcceptanceDays', 'registrationDecisionDays', 'ageReferenceDay', 'ageReferenceMonth', 'maxAgeYears'] as const;
export type SettingField = (typeof settingFields)[number];
export type SettingsInput = Record<SettingField, number>;

export const settingLabels: Record<SettingField, Message> = {
  maxPreferences: { ru: 'Сколько детских садов можно выбрать', en: 'How many kindergartens may be chosen' },
  offerAcceptanceDays: { ru: 'Срок ответа на направление, дней', en: 'Days to answer an offer' },
  registrationDecisionDays: { ru: 'Срок решения о постановке на учёт, дней', en: 'Days to decide on a registration' },
  ageReferenceDay: { ru: 'День даты расчёта возраста', en: 'Day of the age reference date' },
  ageReferenceMonth: { ru: 'Месяц даты расчёта возраста', en: 'Month of the age reference date' },
  maxAgeYears: { ru: 'Учёт до достижения возраста, лет', en: 'Registered until the age of, years' },
};

/** The database's CHECK bounds (migrations/0007_preschool.sql), repeated to answer in words. */
const settingBounds: Record<SettingField, [number, number]> = {
  maxPreferences: [1, 20],
  offerAcceptanceDays: [1, 90],
  registrationDecisionDays: [1, 60],
  ageReferenceDay: [1, 31],
  ageReferenceMonth: [1, 12],
  maxAgeYears: [1, 10],
};

/** Days in a month; February counts 29 so that 29 February stays a valid reference day. */
const maxDayOfMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function wholeNumber(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^-?\d{1,6}$/.test(text) ? Number(text) : null;
}

function inRange(min: number, max: number): Message {
  return { ru: `Введите целое число от ${min} до ${max}`, en: `Enter a whole number from ${min} to ${max}` };
}

/** Reads the settings form (strings) or JSON (numbers); per-field messages on a mistake. */
export function parseSettingsInput(raw: Record<string, unknown>): { ok: true; value: SettingsInput } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const value = {} as SettingsInput;
  for (const field of settingFields) {
    const n = wholeNumber(raw[field]);
    const [min, max] = settingBounds[field];
    if (n === null || n < min || n > max) fieldErrors[field] = inRange(min, max);
    else value[field] = n;
  }
  if (!fieldErrors.ageReferenceDay && !fieldErrors.ageReferenceMonth && value.ageReferenceDay > maxDayOfMonth[value.ageReferenceMonth - 1]!) {
    fieldErrors.ageReferenceDay = { ru: 'В этом месяце нет такого дня', en: 'That month has no such day' };
  }
  return Object.keys(fieldErrors).length ? { ok: false, errors: fieldErrors } : { ok: true, value };
}

/** Saves the region's numbers (validated input) and audits the change with before/after. */
export async function updatePreschoolSettings(db: Database, origin: AuditOrigin, input: SettingsInput, now: Date): Promise<PreschoolSettings> {
  return db.transaction(async (tx) => {
    const before = await getPreschoolSettings(tx);
    const [row] = await tx
      .update(preschoolSetting)
      .set({ ...input, updatedAt: now })
      .where(eq(preschoolSetting.regionId, before.regionId))
      .returning();
    const changes = Object.fromEntries(settingFields.filter((f) => before[f] !== input[f]).map((f) => [f, { from: before[f], to: input[f] }]));
    await recordAudit(tx, origin, { action: 'update', entityType: 'preschool_setting', entityId: String(before.regionId), details: { changes } });
    return row!;
  });
}

// Lists -----------------------------------------------------------------------------------------

export const referenceKinds = ['ageGroups', 'orientations', 'stayModes', 'benefits'] as const;
export type ReferenceKind = (typeof referenceKinds)[number];

export function isReferenceKind(value: unknown): value is ReferenceKind {
  return typeof value === 'string' && (referenceKinds as readonly string[]).includes(value);
}

export interface ReferenceRowOf {
  ageGroups: AgeGroupRow;
  orientations: OrientationRow;
  stayModes: StayModeRow;
  benefits: BenefitRow;
}
export type ReferenceRow = AgeGroupRow | OrientationRow | StayModeRow | BenefitRow;

// Every list has code, names, sort and active; typed as the smallest of them so one query
// builder serves all four (rows are cast back to their own type).
type AnyListTable = typeof preschoolOrientation;
const tables: Record<ReferenceKind, AnyListTable> = {
  ageGroups: preschoolAgeGroup as unknown as AnyListTable,
  orientations: preschoolOrientation,
  stayModes: preschoolStayMode as unknown as AnyListTable,
  benefits: preschoolBenefit as unknown as AnyListTable,
};

/** The audit entity type of each list (the table name). */
const entityTypes: Record<ReferenceKind, string> = {
  ageGroups: 'preschool_age_group',
  orientations: 'preschool_orientation',
  stayModes: 'preschool_stay_mode',
  benefits: 'preschool_benefit',
};

export const referenceKindNames: Record<ReferenceKind, Message> = {
  ageGroups: { ru: 'Возрастные группы', en: 'Age groups' },
  orientations: { ru: 'Направленности групп', en: 'Group orientations' },
  stayModes: { ru: 'Режимы пребывания', en: 'Stay modes' },
  benefits: { ru: 'Льготы', en: 'Benefits' },
};

export const benefitLevelNames: Record<BenefitLevel, Message> = {
  outOfTurn: { ru: 'внеочередное право', en: 'out of turn' },
  firstPriority: { ru: 'первоочередное право', en: 'first priority' },
  preferential: { ru: 'преимущественное право', en: 'preferential' },
};

export function isBenefitLevel(value: unknown): value is BenefitLevel {
  return typeof value === 'string' && (benefitLevels as readonly string[]).includes(value);
}

/** One list in display order (sort, code); `activeOnly` for the forms citizens fill in. */
export async function listReference<K extends ReferenceKind>(db: Executor, kind: K, options: { activeOnly?: boolean } = {}): Promise<Array<ReferenceRowOf[K]>> {
  const table: AnyListTable = tables[kind];
  const rows = await db
    .select()
    .from(table)
    .where(options.activeOnly ? eq(table.active, true) : undefined)
    .orderBy(asc(table.sort), asc(table.code));
  return rows as unknown as Array<ReferenceRowOf[K]>;
}

export async function findReferenceItem<K extends ReferenceKind>(db: Executor, kind: K, code: string): Promise<ReferenceRowOf[K] | undefined> {
  const table: AnyListTable = tables[kind];
  const [row] = await db.select().from(table).where(eq(table.code, code));
  return row as unknown as ReferenceRowOf[K] | undefined;
}

export interface ReferenceLists {
  ageGroups: AgeGroupRow[];
  orientations: OrientationRow[];
  stayModes: StayModeRow[];
  benefits: BenefitRow[];
}

/** All four lists (optionally only active entries), read together. */
export async function listAllReference(db: Executor, options: { activeOnly?: boolean } = {}): Promise<ReferenceLists> {
  const [ageGroups, orientations, stayModes, benefits] = await Promise.all([
    listReference(db, 'ageGroups', options),
    listReference(db, 'orientations', options),
    listReference(db, 'stayModes', options),
    listReference(db, 'benefits', options),
  ]);
  return { ageGroups, orientations, stayModes, benefits };
}

/** The form fields of each list, in order ('code' is set once, at creation). */
export const referenceFields: Record<ReferenceKind, readonly string[]> = {
  ageGroups: ['code', 'nameRu', 'nameEn', 'minMonths', 'maxMonths', 'sort'],
  orientations: ['code', 'nameRu', 'nameEn', 'sort'],
  stayModes: ['code', 'nameRu', 'nameEn', 'sort'],
  benefits: ['code', 'level', 'nameRu', 'nameEn', 'legalBasis', 'provingDocument', 'sort'],
};

export const referenceFieldLabels: Record<string, Message> = {
  code: { ru: 'Код', en: 'Code' },
  nameRu: { ru: 'Название по-русски', en: 'Name in Russian' },
  nameEn: { ru: 'Название по-английски', en: 'Name in English' },
  minMonths: { ru: 'Возраст от, месяцев (включительно)', en: 'Age from, months (inclusive)' },
  maxMonths: { ru: 'Возраст до, месяцев (не включая)', en: 'Age below, months (exclusive)' },
  sort: { ru: 'Порядок в списке', en: 'Order in the list' },
  level: { ru: 'Вид права', en: 'Level' },
  legalBasis: { ru: 'Основание (нормативный акт)', en: 'Legal basis' },
  provingDocument: { ru: 'Подтверждающий документ', en: 'Proving document' },
  active: { ru: 'Действует', en: 'Active' },
};

/** The validated values of a list entry (without `active`). */
export type ReferenceInput = Record<string, string | number>;

const codePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const required: Message = { ru: 'Заполните поле', en: 'Fill in this field' };

function text(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
}

/**
 * Reads a list entry from a form or JSON. On update the code is not read (it never changes:
 * records refer to it).
 */
export function parseReferenceInput(kind: ReferenceKind, raw: Record<string, unknown>, mode: 'create' | 'update'): { ok: true; value: ReferenceInput } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const value: ReferenceInput = {};
  for (const field of referenceFields[kind]) {
    if (field === 'code' && mode === 'update') continue;
    const t = text(raw[field]);
    switch (field) {
      case 'code':
        if (!t) fieldErrors.code = required;
        else if (!codePattern.test(t)) fieldErrors.code = { ru: 'Латинские буквы, цифры, «-» и «_», до 40 знаков', en: 'Latin letters, digits, "-" and "_", up to 40 characters' };
        else value.code = t;
        break;
      case 'minMonths':
      case 'maxMonths':
      case 'sort': {
        const [min, max] = field === 'sort' ? [0, 9999] : [0, 240];
        if (field === 'sort' && t === '') {
          value.sort = 0;
          break;
        }
        const n = wholeNumber(t);
        if (n === null || n < min || n > max) fieldErrors[field] = inRange(min, max);
        else value[field] = n;
        break;
      }
      case 'level':
        if (!isBenefitLevel(t)) fieldErrors.level = { ru: 'Выберите вид права', en: 'Choose the level' };
        else value.level = t;
        break;
      default: {
        const limit = field === 'legalBasis' || field === 'provingDocument' ? 500 : 200;
        if (!t) fieldErrors[field] = required;
        else if (t.length > limit) fieldErrors[field] = { ru: `Не длиннее ${limit} знаков`, en: `At most ${limit} characters` };
        else value[field] = t;
      }
    }
  }
  if (kind === 'ageGroups' && !fieldErrors.minMonths && !fieldErrors.maxMonths && Number(value.maxMonths) <= Number(value.minMonths)) {
    fieldErrors.maxMonths = { ru: 'Верхняя граница должна быть больше нижней', en: 'The upper bound must exceed the lower one' };
  }
  return Object.keys(fieldErrors).length ? { ok: false, errors: fieldErrors } : { ok: true, value };
}

const codeTaken: Message = { ru: 'Такой код уже есть', en: 'This code is already in use' };

/** Adds an entry (validated input); 422 on a code already taken. Audited. */
export async function createReferenceItem<K extends ReferenceKind>(db: Database, origin: AuditOrigin, kind: K, input: ReferenceInput): Promise<ReferenceRowOf[K]> {
  return db.transaction(async (tx) => {
    const table: AnyListTable = tables[kind];
    const [row] = await tx
      .insert(table)
      .values(input as never)
      .onConflictDoNothing()
      .returning();
    if (!row) throw errors.validation({ code: codeTaken });
    await recordAudit(tx, origin, { action: 'create', entityType: entityTypes[kind], entityId: String(input.code), details: { values: input } });
    return row as unknown as ReferenceRowOf[K];
  });
}

/** Changes an entry's names, bounds, level…, and/or whether it is offered. Audited with before/after. 404 on an unknown code. */
export async function updateReferenceItem<K extends ReferenceKind>(
  db: Database,
  origin: AuditOrigin,
  kind: K,
  code: string,
  input: ReferenceInput | { active: boolean },
): Promise<ReferenceRowOf[K]> {
  return db.transaction(async (tx) => {
    const table: AnyListTable = tables[kind];
    const [before] = (await tx.select().from(table).where(eq(table.code, code)).for('update')) as unknown as Array<Record<string, unknown>>;
    if (!before) throw errors.notFound();
    const values = Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'code'));
    const [row] = await tx
      .update(table)
      .set(values as never)
      .where(eq(table.code, code))
      .returning();
    const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => before[k] !== v).map(([k, v]) => [k, { from: before[k], to: v }]));
    await recordAudit(tx, origin, { action: 'update', entityType: entityTypes[kind], entityId: code, details: { changes } });
    return row as unknown as ReferenceRowOf[K];
  });
}

/** Deactivates (or reactivates) an entry: it is never deleted, records keep referring to it. */
export async function setReferenceItemActive<K extends ReferenceKind>(db: Database, origin: AuditOrigin, kind: K, code: string, active: boolean): Promise<ReferenceRowOf[K]> {
  return updateReferenceItem(db, origin, kind, code, { active });
}

// Age ------------------------------------------------------------------------------------------

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseDate(value: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new Error(`Not a date: ${value}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/**
 * The date the age is taken on: the settings' day and month in the year of the desired start.
 * A 29 February reference date in a common year becomes 28 February.
 */
export function ageReferenceDate(desiredStartDate: string, settings: Pick<PreschoolSettings, 'ageReferenceDay' | 'ageReferenceMonth'>): string {
  const [year] = parseDate(desiredStartDate);
  const day = Math.min(settings.ageReferenceDay, daysInMonth(year, settings.ageReferenceMonth));
  return `${year}-${String(settings.ageReferenceMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Age in whole months on a date (negative before birth). A month is complete on the day of the
 * month matching the birth day or, when the month has no such day, on its last day (Civil Code
 * art. 192 p. 3): born 31 January → one month old on 28 (29) February; born 29 February → one
 * year old on 28 February of a common year.
 */
export function ageInMonths(birthDate: string, onDate: string): number {
  const [by, bm, bd] = parseDate(birthDate);
  const [y, m, d] = parseDate(onDate);
  let months = (y - by) * 12 + (m - bm);
  const anniversaryDay = Math.min(bd, daysInMonth(y, m));
  if (d < anniversaryDay) months -= 1;
  return months;
}

/**
 * The age group of a child: age in whole months on the reference date (settings' day and month,
 * year of the desired start) → the active age group whose [minMonths, maxMonths) contains it
 * (the first in list order if several overlap), or null when the child is too young or has
 * reached the maximum age of registration (settings.maxAgeYears).
 */
export function ageGroupFor<G extends Pick<AgeGroupRow, 'code' | 'minMonths' | 'maxMonths'> & { active?: boolean; sort?: number }>(
  birthDate: string,
  desiredStartDate: string,
  settings: Pick<PreschoolSettings, 'ageReferenceDay' | 'ageReferenceMonth' | 'maxAgeYears'>,
  ageGroups: readonly G[],
): G | null {
  const months = ageInMonths(birthDate, ageReferenceDate(desiredStartDate, settings));
  if (months < 0 || months >= settings.maxAgeYears * 12) return null;
  const candidates = ageGroups
    .filter((g) => g.active !== false && months >= g.minMonths && months < g.maxMonths)
    .sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.minMonths - b.minMonths);
  return candidates[0] ?? null;
}
