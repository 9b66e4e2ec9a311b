/**
 * Russian first, English second. Messages live beside the code that shows them as
 * `{ ru, en }` pairs, so a module carries its own texts and no shared dictionary grows.
 */
export const locales = ['ru', 'en'] as const;
export type Locale = (typeof locales)[number];
export interface Message {
  ru: string;
  en: string;
}

export function isLocale(value: unknown): value is Locale {
  return value === 'ru' || value === 'en';
}

/** The text of a message in a locale, with `{name}` placeholders filled from `params`. */
export function translate(locale: Locale, message: Message | string, params?: Record<string, string | number>): string {
  let text = typeof message === 'string' ? message : message[locale];
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
  }
  return text;
}

/** Russian plural form: 1 школа, 2 школы, 5 школ. */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

// Intl formatters are costly to create (about as much as rendering a small page): made once each.
const numberFormats = new Map<Locale, Intl.NumberFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatNumber(locale: Locale, n: number): string {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB')));
  return format.format(n);
}

/** Date and time in the region's zone (Europe/Moscow for Krasnodar Krai). */
export function formatDateTime(locale: Locale, value: Date, timeZone = 'Europe/Moscow'): string {
  const key = `${locale} ${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) dateTimeFormats.set(key, (format = new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium', timeZone })));
  return format.format(value);
}

export function formatDate(locale: Locale, isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return locale === 'ru' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}
