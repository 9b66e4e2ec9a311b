/**
 * Dates for the demo region as day numbers (days since 1970-01-01, UTC), formatted once each.
 * The region is a snapshot on 1 September 2025, the first day of the 2025/26 school year: a
 * constant, never the clock, so the same seed gives the same birth dates on any day it runs.
 */
const DAY_MS = 86_400_000;

export function dayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The day the demo region describes. */
export const referenceDay = dayOf(2025, 9, 1);
export const referenceYear = 2025;

const isoCache = new Map<number, string>();

/** 'YYYY-MM-DD'. */
export function isoDate(day: number): string {
  let text = isoCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(day, text);
  }
  return text;
}

export function yearOfDay(day: number): number {
  return Number(isoDate(day).slice(0, 4));
}

/** The day someone born on `birthDay` turns `years` old (29 February → 1 March). */
export function anniversary(birthDay: number, years: number): number {
  const [y, m, d] = isoDate(birthDay).split('-').map(Number) as [number, number, number];
  return dayOf(y + years, m, d);
}

export const yearDays = 365.25;
