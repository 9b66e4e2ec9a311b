/**
 * The Russian production calendar (производственный календарь) held as reference data: which
 * days are working days. Monday–Friday work and Saturday–Sunday rest, except the days stored in
 * production_calendar_day (public holidays and transferred days off on weekdays, worked weekend
 * days). A year with no row in production_calendar_year falls back to the Labour Code alone
 * (art. 112: the fixed public holidays on weekdays), so a deadline in an unentered year is never
 * earlier than the law allows for January and the fixed holidays — enter the year's decree.
 *
 * Dates are ISO strings (YYYY-MM-DD), days of the region's calendar, not instants.
 * Used by admission (decision deadlines) and the journal; knows no domain.
 */
import { and, asc, between, eq, gte, lte } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../audit/audit.ts';
import type { Database, Executor } from '../db/connect.ts';
import { errors, type FieldErrors } from '../errors.ts';
import { isIsoDate } from '../validation.ts';
import { calendarDayKinds, productionCalendarDay, productionCalendarYear, type CalendarDayKind } from './calendar.schema.ts';

export type CalendarDayRow = typeof productionCalendarDay.$inferSelect;
export type CalendarYearRow = typeof productionCalendarYear.$inferSelect;

const DAY_MS = 86_400_000;

/** ТК РФ ст. 112: non-working public holidays (month-day). */
const labourCodeHolidays = new Set(['01-01', '01-02', '01-03', '01-04', '01-05', '01-06', '01-07', '01-08', '02-23', '03-08', '05-01', '05-09', '06-12', '11-04']);

export function addCalendarDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
function isoWeekday(isoDate: string): number {
  const d = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function isWeekend(isoDate: string): boolean {
  return isoWeekday(isoDate) >= 6;
}

/** What the calendar knows about a span of days: its exceptions and which years were entered. */
interface CalendarSpan {
  exceptions: Map<string, CalendarDayKind>;
  enteredYears: Set<number>;
}

async function loadSpan(db: Executor, from: string, to: string): Promise<CalendarSpan> {
  const [days, years] = await Promise.all([
    db.select({ day: productionCalendarDay.day, kind: productionCalendarDay.kind }).from(productionCalendarDay).where(between(productionCalendarDay.day, from, to)),
    db
      .select({ year: productionCalendarYear.year })
      .from(productionCalendarYear)
      .where(and(gte(productionCalendarYear.year, Number(from.slice(0, 4))), lte(productionCalendarYear.year, Number(to.slice(0, 4))))),
  ]);
  return { exceptions: new Map(days.map((d) => [d.day, d.kind])), enteredYears: new Set(years.map((y) => y.year)) };
}

function working(span: CalendarSpan, isoDate: string): boolean {
  const kind = span.exceptions.get(isoDate);
  if (kind === 'workingWeekend') return true;
  if (kind === 'holiday' || kind === 'dayOff') return false;
  if (isWeekend(isoDate)) return false;
  // An unentered year: the Labour Code's fixed holidays still apply.
  if (!span.enteredYears.has(Number(isoDate.slice(0, 4))) && labourCodeHolidays.has(isoDate.slice(5))) return false;
  return true;
}

function requireDate(value: string): void {
  if (!isIsoDate(value)) throw new TypeError(`Not an ISO date: ${value}`);
}

/** Whether the day is a working day on the production calendar. */
export async function isWorkingDay(db: Executor, isoDate: string): Promise<boolean> {
  requireDate(isoDate);
  return working(await loadSpan(db, isoDate, isoDate), isoDate);
}

/**
 * The n-th working day after `fromDate` (the day itself not counted): "within 3 working days after
 * stage 1 ends" on 30 June is addWorkingDays(db, '…-06-30', 3). n = 0 gives `fromDate` itself if
 * it is a working day, else the next working day.
 */
export async function addWorkingDays(db: Executor, fromDate: string, n: number): Promise<string> {
  requireDate(fromDate);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${n}`);
  // Long enough for any run of holidays (the New Year break is at most ~12 days).
  const span = await loadSpan(db, fromDate, addCalendarDays(fromDate, n * 2 + 30));
  let day = fromDate;
  if (n === 0) {
    while (!working(span, day)) day = addCalendarDays(day, 1);
    return day;
  }
  let counted = 0;
  while (counted < n) {
    day = addCalendarDays(day, 1);
    if (working(span, day)) counted++;
  }
  return day;
}

/** The non-working days from `from` to `to` inclusive (weekends included), in order. */
export async function nonWorkingDays(db: Executor, from: string, to: string): Promise<string[]> {
  requireDate(from);
  requireDate(to);
  if (to < from) return [];
  const span = await loadSpan(db, from, to);
  const result: string[] = [];
  for (let day = from; day <= to; day = addCalendarDays(day, 1)) if (!working(span, day)) result.push(day);
  return result;
}

// The regional administrator's page ---------------------------------------------------------------

export interface CalendarYear {
  year: number;
  entered: CalendarYearRow | null;
  days: CalendarDayRow[];
  workingDays: number;
}

export async function getCalendarYear(db: Executor, year: number): Promise<CalendarYear> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const [[entered], days, off] = await Promise.all([
    db.select().from(productionCalendarYear).where(eq(productionCalendarYear.year, year)),
    db.select().from(productionCalendarDay).where(between(productionCalendarDay.day, from, to)).orderBy(asc(productionCalendarDay.day)),
    nonWorkingDays(db, from, to),
  ]);
  const total = (Date.parse(`${year + 1}-01-01`) - Date.parse(`${from}`)) / DAY_MS;
  return { year, entered: entered ?? null, days, workingDays: total - off.length };
}

export interface CalendarDayInput {
  day: string;
  kind: CalendarDayKind;
  note: string;
}

export interface CalendarYearInput {
  source: string;
  confirmed: boolean;
  days: CalendarDayInput[];
}

export const calendarKindNames: Record<CalendarDayKind, { ru: string; en: string }> = {
  holiday: { ru: 'праздничный день', en: 'public holiday' },
  dayOff: { ru: 'выходной по переносу', en: 'transferred day off' },
  workingWeekend: { ru: 'рабочий выходной (перенос)', en: 'worked weekend day' },
};

/**
 * Reads the year form: source, confirmed, and the exceptions as text lines
 * "YYYY-MM-DD kind note" (kind: holiday | dayOff | workingWeekend).
 */
export function parseCalendarYearInput(year: number, raw: Record<string, unknown>): { ok: true; value: CalendarYearInput } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const source = typeof raw.source === 'string' ? raw.source.trim() : '';
  if (source.length > 500) fieldErrors.source = { ru: 'Не длиннее 500 знаков', en: 'At most 500 characters' };
  const confirmed = raw.confirmed === 'on' || raw.confirmed === 'true' || raw.confirmed === true;
  const lines = (typeof raw.days === 'string' ? raw.days : '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const days: CalendarDayInput[] = [];
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const [day = '', kind = '', ...rest] = line.split(/\s+/);
    const where = `строка ${index + 1} («${line.slice(0, 40)}»)`;
    const whereEn = `line ${index + 1}`;
    if (!isIsoDate(day) || Number(day.slice(0, 4)) !== year) {
      fieldErrors.days = { ru: `${where}: дата ГГГГ-ММ-ДД ${year} года`, en: `${whereEn}: a date YYYY-MM-DD in ${year}` };
      break;
    }
    if (!(calendarDayKinds as readonly string[]).includes(kind)) {
      fieldErrors.days = { ru: `${where}: вид дня — holiday, dayOff или workingWeekend`, en: `${whereEn}: kind is holiday, dayOff or workingWeekend` };
      break;
    }
    if ((kind === 'workingWeekend') !== isWeekend(day) && kind !== 'holiday') {
      fieldErrors.days =
        kind === 'workingWeekend'
          ? { ru: `${where}: рабочим выходным может быть только суббота или воскресенье`, en: `${whereEn}: only a Saturday or Sunday can be a worked weekend day` }
          : { ru: `${where}: выходной по переносу — только будний день`, en: `${whereEn}: a transferred day off is a weekday` };
      break;
    }
    if (seen.has(day)) {
      fieldErrors.days = { ru: `${where}: дата повторяется`, en: `${whereEn}: the date is repeated` };
      break;
    }
    seen.add(day);
    days.push({ day, kind: kind as CalendarDayKind, note: rest.join(' ').slice(0, 200) });
  }
  return Object.keys(fieldErrors).length ? { ok: false, errors: fieldErrors } : { ok: true, value: { source, confirmed, days } };
}

/** The year's exceptions as the form's text. */
export function calendarDaysText(days: CalendarDayRow[]): string {
  return days.map((d) => `${d.day} ${d.kind}${d.note ? ` ${d.note}` : ''}`).join('\n');
}

/** Replaces a year's exceptions and its source; audited with what was added and removed. */
export async function saveCalendarYear(db: Database, origin: AuditOrigin, year: number, input: CalendarYearInput, now: Date): Promise<void> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw errors.notFound();
  await db.transaction(async (tx) => {
    const before = await tx
      .select()
      .from(productionCalendarDay)
      .where(between(productionCalendarDay.day, `${year}-01-01`, `${year}-12-31`));
    await tx.delete(productionCalendarDay).where(between(productionCalendarDay.day, `${year}-01-01`, `${year}-12-31`));
    if (input.days.length) await tx.insert(productionCalendarDay).values(input.days.map((d) => ({ ...d, updatedAt: now })));
    await tx
      .insert(productionCalendarYear)
      .values({ year, source: input.source, confirmed: input.confirmed, updatedAt: now })
      .onConflictDoUpdate({ target: productionCalendarYear.year, set: { source: input.source, confirmed: input.confirmed, updatedAt: now } });
    const key = (d: { day: string; kind: string }) => `${d.day} ${d.kind}`;
    const old = new Set(before.map(key));
    const fresh = new Set(input.days.map(key));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'production_calendar',
      entityId: String(year),
      details: {
        source: input.source,
        confirmed: input.confirmed,
        added: [...fresh].filter((k) => !old.has(k)),
        removed: [...old].filter((k) => !fresh.has(k)),
      },
    });
  });
}

/** Years shown on the page: the entered ones and the next. */
export async function listCalendarYears(db: Executor): Promise<number[]> {
  const rows = await db.select({ year: productionCalendarYear.year }).from(productionCalendarYear).orderBy(asc(productionCalendarYear.year));
  return rows.map((r) => r.year);
}

