/**
 * The lock of a closed school year (issue 5 §8; letter АП-147/07): once the head closes a year,
 * its lessons, marks, attendance, finals, timetable and homework files do not change; corrections
 * go through the head's correction with a reason (correction.service.ts `correctJournal`).
 * Write services check the year first and answer 409 with a clear message; the database trigger
 * journal_closed_year_guard (migration 0022) stays as the backstop, and its error maps to the
 * same 409 here, so no path surfaces a raw database error.
 */
import { AppError, errors } from '../platform/errors.ts';

export const YEAR_CLOSED_CODE = 'journal-year-closed';

export function yearClosedError(): AppError {
  return errors.conflict(YEAR_CLOSED_CODE, {
    ru: 'Учебный год закрыт, журнал изменить нельзя. Исправления вносит руководитель школы через исправление закрытого журнала',
    en: 'The school year is closed and its journal cannot change. Corrections are made by the head of the school through a correction of the closed journal',
  });
}

/** Throws the 409 when the year is closed. */
export function assertYearOpen(year: { yearClosed: boolean } | { yearStatus: 'open' | 'closed' }): void {
  const closed = 'yearClosed' in year ? year.yearClosed : year.yearStatus === 'closed';
  if (closed) throw yearClosedError();
}

/** Whether an error (or one it wraps) is the trigger's refusal. */
export function isClosedYearDbError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { hint?: unknown; message?: unknown };
    if (x.hint === YEAR_CLOSED_CODE || (typeof x.message === 'string' && x.message.includes('journal year closed'))) return true;
  }
  return false;
}

/** Runs a write, turning the trigger's refusal (a year closed meanwhile) into the 409. */
export async function guardClosedYear<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isClosedYearDbError(error)) throw yearClosedError();
    throw error;
  }
}

/**
 * The errors a form page shows in place, keeping the user's input: validation (422) by field,
 * and the closed year (409) under `field`; null for any other error (rethrow it).
 */
export function formErrorsOf(error: unknown, field: string): { status: number; fields: Record<string, AppError['userMessage']> } | null {
  if (!(error instanceof AppError)) return null;
  if (error.status === 422) return { status: 422, fields: error.fields };
  if (error.code === YEAR_CLOSED_CODE) return { status: 409, fields: { [field]: error.userMessage } };
  return null;
}
