/**
 * Days and instants in the region's zone. Krasnodar Krai keeps Moscow time (UTC+3, no daylight
 * saving since 2014); the zone is asked of Intl, not assumed, so another region only changes
 * the constant.
 */
export const regionTimeZone = 'Europe/Moscow';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: regionTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: regionTimeZone, timeZoneName: 'longOffset' });

/** The region's calendar day of an instant. */
export function regionDate(instant: Date): string {
  return dayFormat.format(instant);
}

function offsetMinutes(at: Date): number {
  const name = offsetFormat.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

/** The instant of a local day and minute of the day in the region's zone. */
export function regionInstant(isoDate: string, minuteOfDay = 0): Date {
  const naive = Date.parse(`${isoDate}T00:00:00Z`) + minuteOfDay * 60_000;
  return new Date(naive - offsetMinutes(new Date(naive)) * 60_000);
}

/** "HH:MM" of an instant in the region's zone. */
export function regionTime(instant: Date): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone: regionTimeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

export function isoDateOf(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function dayBefore(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export function dayAfter(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** 'DD.MM.YYYY' */
export function ruDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}.${m}.${y}`;
}
