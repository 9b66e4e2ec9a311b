/**
 * The school year (issue 5 §1): an academic year per school with its terms (quarters,
 * trimesters or half-years), 5- or 6-day week, school holidays (каникулы) and bell schedule.
 * A new year starts from the regional defaults (the Krai's four-quarter calendar, reference data
 * in `school_calendar_default`) and the head edits it. Federal Law 273-FZ art. 28 §3 p. 6: the
 * school sets its own calendar (календарный учебный график) within the federal programme; the
 * year lasts from 1 September to the end of May (ФОП НОО/ООО/СОО).
 * Authorisation is the caller's (journal.policy.ts); validation of user input is here.
 */
import { and, asc, desc, eq, gte, lte } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Database, Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isIsoDate, isUuid } from '../platform/validation.ts';
import type { ScopeFilter } from '../platform/access/access.ts';
import { nonWorkingDays } from '../platform/calendar/calendar.service.ts';
import { findOrganization, iterateOrganizations, type OrganizationRow } from '../registry/organization.service.ts';
import { academicTerm, academicYear, bellSchedule, schoolCalendarDefault, schoolHoliday, termKinds, type TermKind } from './school-year.schema.ts';

export type AcademicYearRow = typeof academicYear.$inferSelect;
export type AcademicTermRow = typeof academicTerm.$inferSelect;
export type SchoolHolidayRow = typeof schoolHoliday.$inferSelect;
export type BellRow = typeof bellSchedule.$inferSelect;

export { termKinds, type TermKind };

export const termCount: Record<TermKind, number> = { quarter: 4, trimester: 3, halfYear: 2 };

export const termKindNames: Record<TermKind, Message> = {
  quarter: { ru: 'Четверти', en: 'Quarters' },
  trimester: { ru: 'Триместры', en: 'Trimesters' },
  halfYear: { ru: 'Полугодия', en: 'Half-years' },
};

export function termName(kind: TermKind, n: number): Message {
  if (kind === 'quarter') return { ru: `${n} четверть`, en: `Quarter ${n}` };
  if (kind === 'trimester') return { ru: `${n} триместр`, en: `Trimester ${n}` };
  return { ru: `${n} полугодие`, en: `Half-year ${n}` };
}

export function isTermKind(value: unknown): value is TermKind {
  return typeof value === 'string' && (termKinds as readonly string[]).includes(value);
}

export interface DateRange {
  startsOn: string;
  endsOn: string;
}

export interface HolidayInput extends DateRange {
  name: string;
}

export interface BellInput {
  lessonNumber: number;
  /** 'HH:MM' */
  startsAt: string;
  endsAt: string;
}

export interface YearCalendar {
  year: AcademicYearRow;
  terms: AcademicTermRow[];
  holidays: SchoolHolidayRow[];
  bells: BellRow[];
}

/** A usual bell schedule of a Russian school (45-minute lessons; SanPiN 1.2.3685-21 table 6.6). */
export const defaultBells: BellInput[] = [
  { lessonNumber: 1, startsAt: '08:00', endsAt: '08:45' },
  { lessonNumber: 2, startsAt: '08:55', endsAt: '09:40' },
  { lessonNumber: 3, startsAt: '10:00', endsAt: '10:45' },
  { lessonNumber: 4, startsAt: '11:05', endsAt: '11:50' },
  { lessonNumber: 5, startsAt: '12:00', endsAt: '12:45' },
  { lessonNumber: 6, startsAt: '12:55', endsAt: '13:40' },
  { lessonNumber: 7, startsAt: '13:50', endsAt: '14:35' },
];

// Date arithmetic on 'YYYY-MM-DD' -----------------------------------------------------------------

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The name of the year that starts in `startsYear`: '2026/2027'. */
export function yearName(startsYear: number): string {
  return `${startsYear}/${startsYear + 1}`;
}

/** The calendar year in which the school year containing `date` started (September to August). */
export function schoolYearStartOf(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 8 ? y : y - 1;
}

// Defaults -----------------------------------------------------------------------------------------

export interface YearPlan extends DateRange {
  name: string;
  terms: DateRange[];
  holidays: HolidayInput[];
}

/**
 * The default plan of a year: the region's calendar for quarters when the regional
 * administrator has entered it; otherwise (or for trimesters and half-years) a computed one —
 * 1 September to 25 May (31 May for half-years), terms of nearly equal length with the usual
 * holidays between them.
 */
export async function defaultYearPlan(db: Executor, startsYear: number, kind: TermKind): Promise<YearPlan> {
  const name = yearName(startsYear);
  if (kind === 'quarter') {
    const rows = await db
      .select()
      .from(schoolCalendarDefault)
      .where(eq(schoolCalendarDefault.startsYear, startsYear))
      .orderBy(asc(schoolCalendarDefault.kind), asc(schoolCalendarDefault.number));
    const terms = rows.filter((r) => r.kind === 'term').map((r) => ({ startsOn: r.startsOn, endsOn: r.endsOn }));
    if (terms.length === 4) {
      return {
        name,
        startsOn: terms[0]!.startsOn,
        endsOn: terms[3]!.endsOn,
        terms,
        holidays: rows.filter((r) => r.kind === 'holiday').map((r) => ({ name: r.nameRu, startsOn: r.startsOn, endsOn: r.endsOn })),
      };
    }
  }
  return computedPlan(startsYear, kind);
}

/** A computed plan: terms split evenly between 1 September and the end of May, one week of holidays between them (the New Year two). */
export function computedPlan(startsYear: number, kind: TermKind): YearPlan {
  const startsOn = `${startsYear}-09-01`;
  const endsOn = kind === 'halfYear' ? `${startsYear + 1}-05-31` : `${startsYear + 1}-05-25`;
  const n = termCount[kind];
  const total = daysBetween(startsOn, endsOn) + 1;
  const terms: DateRange[] = [];
  const holidays: HolidayInput[] = [];
  const winterStart = `${startsYear}-12-29`;
  const winterEnd = `${startsYear + 1}-01-08`;
  let from = startsOn;
  for (let i = 1; i <= n; i += 1) {
    let to = i === n ? endsOn : addDays(startsOn, Math.round((total * i) / n) - 1);
    // A boundary near the New Year falls on the winter holidays.
    if (i < n && to >= addDays(winterStart, -21) && to <= addDays(winterEnd, 21)) to = addDays(winterStart, -1);
    terms.push({ startsOn: from, endsOn: to });
    if (i < n) {
      const isWinter = to === addDays(winterStart, -1);
      const hStart = addDays(to, 1);
      const hEnd = isWinter ? winterEnd : addDays(to, 7);
      holidays.push({ name: isWinter ? 'Зимние каникулы' : 'Каникулы', startsOn: hStart, endsOn: hEnd });
      from = addDays(hEnd, 1);
    }
  }
  return { name: yearName(startsYear), startsOn, endsOn, terms, holidays };
}

// Validation -------------------------------------------------------------------------------------

const m = {
  date: { ru: 'Укажите дату в формате ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' },
  order: { ru: 'Дата окончания раньше даты начала', en: 'The end is before the start' },
  outside: { ru: 'Период выходит за пределы учебного года', en: 'The period lies outside the academic year' },
  termOverlap: { ru: 'Периоды пересекаются или идут не по порядку', en: 'The terms overlap or are out of order' },
  termCount: { ru: 'Неверное число учебных периодов', en: 'Wrong number of terms' },
  holidayName: { ru: 'Укажите название каникул', en: 'Name the holidays' },
  holidayInTerm: { ru: 'Каникулы не могут занимать весь учебный период', en: 'Holidays cannot cover a whole term' },
  yearLength: { ru: 'Учебный год длится от 30 до 52 недель', en: 'An academic year lasts 30 to 52 weeks' },
  time: { ru: 'Укажите время в формате ЧЧ:ММ', en: 'Enter a time as HH:MM' },
  bellOrder: { ru: 'Урок заканчивается раньше, чем начинается, или пересекается с предыдущим', en: 'The lesson ends before it starts or overlaps the previous one' },
} satisfies Record<string, Message>;

export const calendarMessages = m;

/**
 * Checks a year's terms and holidays against each other (pure): every date valid, each period
 * in order and inside the year, the terms numbered 1..n for the kind, in order and not
 * overlapping; holidays inside the year and not swallowing a whole term. Errors are keyed
 * `terms.1.startsOn`, `holidays.0.endsOn`, … so the form shows them by the field.
 */
export function validateCalendar(year: DateRange & { termKind: TermKind }, terms: DateRange[], holidays: HolidayInput[]): FieldErrors {
  const fields: FieldErrors = {};
  if (!isIsoDate(year.startsOn)) fields['startsOn'] = m.date;
  if (!isIsoDate(year.endsOn)) fields['endsOn'] = m.date;
  if (fields['startsOn'] || fields['endsOn']) return fields;
  if (year.endsOn <= year.startsOn) fields['endsOn'] = m.order;
  else {
    const weeks = (daysBetween(year.startsOn, year.endsOn) + 1) / 7;
    if (weeks < 30 || weeks > 52) fields['endsOn'] = m.yearLength;
  }
  if (terms.length !== termCount[year.termKind]) fields['terms'] = m.termCount;
  let previous: DateRange | null = null;
  terms.forEach((t, i) => {
    const key = `terms.${i + 1}`;
    if (!isIsoDate(t.startsOn)) fields[`${key}.startsOn`] = m.date;
    if (!isIsoDate(t.endsOn)) fields[`${key}.endsOn`] = m.date;
    if (fields[`${key}.startsOn`] || fields[`${key}.endsOn`]) return;
    if (t.endsOn < t.startsOn) fields[`${key}.endsOn`] = m.order;
    else if (t.startsOn < year.startsOn || t.endsOn > year.endsOn) fields[`${key}.startsOn`] = m.outside;
    else if (previous && t.startsOn <= previous.endsOn) fields[`${key}.startsOn`] = m.termOverlap;
    previous = t;
  });
  holidays.forEach((h, i) => {
    const key = `holidays.${i}`;
    if (h.name.trim().length === 0 || h.name.length > 200) fields[`${key}.name`] = m.holidayName;
    if (!isIsoDate(h.startsOn)) fields[`${key}.startsOn`] = m.date;
    if (!isIsoDate(h.endsOn)) fields[`${key}.endsOn`] = m.date;
    if (fields[`${key}.startsOn`] || fields[`${key}.endsOn`]) return;
    if (h.endsOn < h.startsOn) fields[`${key}.endsOn`] = m.order;
    else if (h.startsOn < year.startsOn || h.endsOn > year.endsOn) fields[`${key}.startsOn`] = m.outside;
    else if (terms.some((t) => isIsoDate(t.startsOn) && isIsoDate(t.endsOn) && h.startsOn <= t.startsOn && h.endsOn >= t.endsOn)) {
      fields[`${key}.startsOn`] = m.holidayInTerm;
    }
  });
  return fields;
}

const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Checks a bell schedule (pure): times HH:MM, each lesson ending after it starts and after the previous one. */
export function validateBells(bells: BellInput[]): FieldErrors {
  const fields: FieldErrors = {};
  const sorted = [...bells].sort((a, b) => a.lessonNumber - b.lessonNumber);
  let previousEnd: string | null = null;
  for (const b of sorted) {
    const key = `bells.${b.lessonNumber}`;
    if (!Number.isInteger(b.lessonNumber) || b.lessonNumber < 0 || b.lessonNumber > 12) fields[key] = m.time;
    if (!timePattern.test(b.startsAt)) fields[`${key}.startsAt`] = m.time;
    if (!timePattern.test(b.endsAt)) fields[`${key}.endsAt`] = m.time;
    if (fields[`${key}.startsAt`] || fields[`${key}.endsAt`]) continue;
    if (b.endsAt <= b.startsAt || (previousEnd !== null && b.startsAt < previousEnd)) fields[`${key}.endsAt`] = m.bellOrder;
    previousEnd = b.endsAt;
  }
  return fields;
}

// Reading ------------------------------------------------------------------------------------------

export async function findAcademicYear(db: Executor, id: string): Promise<AcademicYearRow | undefined> {
  const [row] = await db.select().from(academicYear).where(eq(academicYear.id, id)).limit(1);
  return row;
}

/** The years of a school, newest first. */
export async function listAcademicYears(db: Executor, organizationId: string): Promise<AcademicYearRow[]> {
  return db.select().from(academicYear).where(eq(academicYear.organizationId, organizationId)).orderBy(desc(academicYear.startsOn));
}

/** The year of the school that contains the date (or null). */
export async function academicYearOn(db: Executor, organizationId: string, date: string): Promise<AcademicYearRow | null> {
  const [row] = await db
    .select()
    .from(academicYear)
    .where(and(eq(academicYear.organizationId, organizationId), lte(academicYear.startsOn, date), gte(academicYear.endsOn, date)))
    .limit(1);
  return row ?? null;
}

/**
 * The year to work with on a date: the one containing it, else (in the summer) the next one
 * that starts after it, else the latest before it.
 */
export async function currentAcademicYear(db: Executor, organizationId: string, date: string): Promise<AcademicYearRow | null> {
  const years = await listAcademicYears(db, organizationId);
  return (
    years.find((y) => y.startsOn <= date && y.endsOn >= date) ??
    [...years].reverse().find((y) => y.startsOn > date) ??
    years.find((y) => y.endsOn < date) ??
    null
  );
}

export async function yearCalendar(db: Executor, yearId: string): Promise<YearCalendar | null> {
  const year = await findAcademicYear(db, yearId);
  if (!year) return null;
  const [terms, holidays, bells] = await Promise.all([
    db.select().from(academicTerm).where(eq(academicTerm.yearId, yearId)).orderBy(asc(academicTerm.number)),
    db.select().from(schoolHoliday).where(eq(schoolHoliday.yearId, yearId)).orderBy(asc(schoolHoliday.startsOn)),
    db.select().from(bellSchedule).where(eq(bellSchedule.yearId, yearId)).orderBy(asc(bellSchedule.lessonNumber)),
  ]);
  return { year, terms, holidays, bells };
}

/** The term of the year containing the date, or null (holidays, summer). */
export function termOn(calendar: Pick<YearCalendar, 'terms'>, date: string): AcademicTermRow | null {
  return calendar.terms.find((t) => t.startsOn <= date && t.endsOn >= date) ?? null;
}

/**
 * Whether lessons are held on the date by the school's own calendar: inside a term, on a
 * weekday of its 5- or 6-day week, and not in school holidays. Public holidays and transferred
 * days of the production calendar are the caller's to subtract (`nonWorkingDays` of
 * src/platform/calendar, passed as a set).
 */
export function isSchoolDay(calendar: Pick<YearCalendar, 'year' | 'terms' | 'holidays'>, date: string, publicDaysOff: ReadonlySet<string> = new Set()): boolean {
  if (isoWeekday(date) > calendar.year.weekDays) return false;
  if (!termOn(calendar, date)) return false;
  if (calendar.holidays.some((h) => h.startsOn <= date && h.endsOn >= date)) return false;
  return !publicDaysOff.has(date);
}

/** The school days of a period by the school's calendar (see isSchoolDay). */
export function schoolDays(calendar: Pick<YearCalendar, 'year' | 'terms' | 'holidays'>, range: DateRange, publicDaysOff: ReadonlySet<string> = new Set()): string[] {
  const days: string[] = [];
  for (let d = range.startsOn; d <= range.endsOn; d = addDays(d, 1)) if (isSchoolDay(calendar, d, publicDaysOff)) days.push(d);
  return days;
}

// Changes ------------------------------------------------------------------------------------------

export interface NewYearInput {
  startsYear: number;
  weekDays: 5 | 6;
  termKind: TermKind;
}

const duplicateYear: Message = { ru: 'Учебный год с этой датой начала уже есть', en: 'This school already has a year starting on that date' };

/**
 * Creates a school's academic year with the default calendar (regional defaults), the default
 * bells, in one transaction, audited. A second year with the same start answers 409.
 */
export async function createAcademicYear(
  db: Database,
  origin: AuditOrigin,
  school: { organizationId: string; municipalityId: number },
  input: NewYearInput,
): Promise<AcademicYearRow> {
  if (!Number.isInteger(input.startsYear) || input.startsYear < 2000 || input.startsYear > 2100) {
    throw errors.validation({ startsYear: { ru: 'Укажите год начала', en: 'Enter the starting year' } });
  }
  const plan = await defaultYearPlan(db, input.startsYear, input.termKind);
  const problems = validateCalendar({ ...plan, termKind: input.termKind }, plan.terms, plan.holidays);
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  return db.transaction(async (tx) => {
    const [year] = await tx
      .insert(academicYear)
      .values({ ...school, name: plan.name, startsOn: plan.startsOn, endsOn: plan.endsOn, weekDays: input.weekDays, termKind: input.termKind })
      .onConflictDoNothing()
      .returning();
    if (!year) throw errors.conflict('academic-year-exists', duplicateYear);
    await tx.insert(academicTerm).values(plan.terms.map((t, i) => ({ yearId: year.id, number: i + 1, ...t })));
    if (plan.holidays.length > 0) await tx.insert(schoolHoliday).values(plan.holidays.map((h) => ({ yearId: year.id, ...h })));
    await tx.insert(bellSchedule).values(defaultBells.map((b) => ({ yearId: year.id, ...b })));
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'academic-year',
      entityId: year.id,
      municipalityId: school.municipalityId,
      organizationId: school.organizationId,
      details: { name: plan.name, termKind: input.termKind, weekDays: input.weekDays },
    });
    return year;
  });
}

export interface CalendarInput {
  weekDays: 5 | 6;
  termKind: TermKind;
  startsOn: string;
  endsOn: string;
  terms: DateRange[];
  holidays: HolidayInput[];
  /** The version the edit was made from. */
  version: number;
}

const staleYear: Message = {
  ru: 'Календарь изменил другой пользователь, пока вы его редактировали. Проверьте текущие данные и сохраните снова.',
  en: 'Someone else changed the calendar while you were editing it. Check the current data and save again.',
};
const closedYear: Message = { ru: 'Учебный год закрыт, его календарь не меняется', en: 'The year is closed; its calendar cannot change' };

/**
 * Replaces a year's dates, kind of terms, week, terms and holidays after validation, in one
 * transaction, refusing a stale edit (409) and a closed year (409). Term ids are kept for the
 * numbers that remain (lessons refer to them).
 */
export async function saveCalendar(db: Database, origin: AuditOrigin, yearId: string, input: CalendarInput): Promise<void> {
  const problems = validateCalendar(input, input.terms, input.holidays);
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  await db.transaction(async (tx) => {
    const [year] = await tx.select().from(academicYear).where(eq(academicYear.id, yearId)).for('update');
    if (!year) throw errors.notFound();
    if (year.status === 'closed') throw errors.conflict('academic-year-closed', closedYear);
    if (year.version !== input.version) throw errors.conflict('stale-version', staleYear);
    await tx
      .update(academicYear)
      .set({ weekDays: input.weekDays, termKind: input.termKind, startsOn: input.startsOn, endsOn: input.endsOn, version: year.version + 1 })
      .where(eq(academicYear.id, yearId));
    const existing = await tx.select().from(academicTerm).where(eq(academicTerm.yearId, yearId));
    for (const [i, t] of input.terms.entries()) {
      const number = i + 1;
      if (existing.some((e) => e.number === number)) {
        await tx.update(academicTerm).set(t).where(and(eq(academicTerm.yearId, yearId), eq(academicTerm.number, number)));
      } else {
        await tx.insert(academicTerm).values({ yearId, number, ...t });
      }
    }
    for (const e of existing.filter((e) => e.number > input.terms.length)) {
      await tx.delete(academicTerm).where(eq(academicTerm.id, e.id));
    }
    await tx.delete(schoolHoliday).where(eq(schoolHoliday.yearId, yearId));
    if (input.holidays.length > 0) await tx.insert(schoolHoliday).values(input.holidays.map((h) => ({ yearId, name: h.name.trim(), startsOn: h.startsOn, endsOn: h.endsOn })));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'academic-year',
      entityId: yearId,
      municipalityId: year.municipalityId,
      organizationId: year.organizationId,
      details: { terms: input.terms.length, holidays: input.holidays.length, termKind: input.termKind, weekDays: input.weekDays },
    });
  });
}

/** Replaces the bell schedule of a year after validation, audited. */
export async function saveBells(db: Database, origin: AuditOrigin, yearId: string, bells: BellInput[]): Promise<void> {
  const problems = validateBells(bells);
  if (bells.length === 0) problems['bells'] = { ru: 'Укажите хотя бы один урок', en: 'Enter at least one lesson' };
  if (new Set(bells.map((b) => b.lessonNumber)).size !== bells.length) problems['bells'] = m.bellOrder;
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  await db.transaction(async (tx) => {
    const [year] = await tx.select().from(academicYear).where(eq(academicYear.id, yearId)).for('update');
    if (!year) throw errors.notFound();
    if (year.status === 'closed') throw errors.conflict('academic-year-closed', closedYear);
    await tx.delete(bellSchedule).where(eq(bellSchedule.yearId, yearId));
    await tx.insert(bellSchedule).values(bells.map((b) => ({ yearId, ...b })));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'bell-schedule',
      entityId: yearId,
      municipalityId: year.municipalityId,
      organizationId: year.organizationId,
      details: { lessons: bells.length },
    });
  });
}

/** 'HH:MM:SS' or 'HH:MM' → 'HH:MM'. */
export function shortTime(value: string): string {
  return value.slice(0, 5);
}

/** The school (an organisation of kind school) or 404. */
export async function getSchool(db: Executor, id: string): Promise<OrganizationRow> {
  const row = isUuid(id) ? await findOrganization(db, id.toLowerCase()) : undefined;
  if (!row || row.kind !== 'school') throw errors.notFound();
  return row;
}

/**
 * The schools a list scope reaches, by short name. The whole region is listed one
 * municipality at a time (`municipalityId`), never all at once.
 */
export async function schoolsInScope(db: Executor, scope: ScopeFilter, municipalityId: number | null): Promise<OrganizationRow[]> {
  if (scope.kind === 'none') return [];
  const found = new Map<string, OrganizationRow>();
  const municipalities = scope.kind === 'all' ? (municipalityId !== null ? [municipalityId] : []) : scope.municipalityIds;
  for (const m of municipalities) for await (const row of iterateOrganizations(db, { municipalityId: m, kind: 'school' }, 500)) found.set(row.id, row);
  if (scope.kind === 'some') {
    for (const id of scope.organizationIds) {
      if (found.has(id)) continue;
      const row = await findOrganization(db, id);
      if (row?.kind === 'school') found.set(id, row);
    }
  }
  return [...found.values()].sort((a, b) => a.shortName.localeCompare(b.shortName, 'ru') || a.id.localeCompare(b.id));
}

/**
 * Public holidays and transferred days off that fall on Monday–Friday, from the production
 * calendar (src/platform/calendar; Labour Code art. 112): the days a school does not teach
 * whatever its week. Saturdays and Sundays are the school week's business (`weekDays`).
 */
export async function publicDaysOff(db: Executor, range: DateRange): Promise<Set<string>> {
  const days = await nonWorkingDays(db, range.startsOn, range.endsOn);
  return new Set(days.filter((d) => isoWeekday(d) <= 5));
}

/** The number of school days of a year by its calendar and the production calendar. */
export async function countSchoolDays(db: Executor, calendar: YearCalendar): Promise<number> {
  const range = { startsOn: calendar.year.startsOn, endsOn: calendar.year.endsOn };
  return schoolDays(calendar, range, await publicDaysOff(db, range)).length;
}

// Regional defaults (reference data of the regional administrator) ----------------------------------

export type CalendarDefaultRow = typeof schoolCalendarDefault.$inferSelect;

/** The regional calendar of the year starting in `startsYear` (terms, then holidays, by number). */
export async function listCalendarDefaults(db: Executor, startsYear: number): Promise<CalendarDefaultRow[]> {
  return db
    .select()
    .from(schoolCalendarDefault)
    .where(eq(schoolCalendarDefault.startsYear, startsYear))
    .orderBy(desc(schoolCalendarDefault.kind), asc(schoolCalendarDefault.number));
}

/**
 * Replaces the regional four-quarter calendar of a year (four terms and the holidays), after the
 * same validation as a school's calendar. Audited. New schools' years start from it.
 */
export async function saveCalendarDefaults(db: Database, origin: AuditOrigin, startsYear: number, terms: DateRange[], holidays: HolidayInput[]): Promise<void> {
  if (!Number.isInteger(startsYear) || startsYear < 2000 || startsYear > 2100) throw errors.validation({ startsYear: { ru: 'Укажите год начала', en: 'Enter the starting year' } });
  const span = terms.length === 4 ? { startsOn: terms[0]!.startsOn, endsOn: terms[3]!.endsOn } : { startsOn: `${startsYear}-09-01`, endsOn: `${startsYear + 1}-05-31` };
  const problems = validateCalendar({ ...span, termKind: 'quarter' }, terms, holidays);
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  await db.transaction(async (tx) => {
    await tx.delete(schoolCalendarDefault).where(eq(schoolCalendarDefault.startsYear, startsYear));
    await tx.insert(schoolCalendarDefault).values([
      ...terms.map((t, i) => ({ startsYear, kind: 'term' as const, number: i + 1, nameRu: `${i + 1} четверть`, nameEn: `Quarter ${i + 1}`, ...t })),
      ...holidays.map((h, i) => ({ startsYear, kind: 'holiday' as const, number: i + 1, nameRu: h.name.trim(), nameEn: h.name.trim(), startsOn: h.startsOn, endsOn: h.endsOn })),
    ]);
    await recordAudit(tx, origin, { action: 'update', entityType: 'school-calendar-default', entityId: String(startsYear), details: { terms: terms.length, holidays: holidays.length } });
  });
}
