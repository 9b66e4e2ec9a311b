/**
 * Russian identifiers with their checksums: INN and OGRN of organisations, SNILS and birth
 * certificates of people. Pure functions, used by validation and by the demo generator.
 */

const innWeights = [2, 4, 10, 3, 5, 9, 4, 6, 8];

/** INN of a legal entity (10 digits); the tenth is a checksum (Tax Code, FNS order ММВ-7-6/435@). */
export function isValidInn(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return innCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

export function innCheckDigit(first9: string): number {
  const sum = innWeights.reduce((acc, w, i) => acc + w * Number(first9[i]), 0);
  return (sum % 11) % 10;
}

/** OGRN (13 digits): the last is (first 12 as a number mod 11) mod 10. */
export function isValidOgrn(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  return ogrnCheckDigit(value.slice(0, 12)) === Number(value[12]);
}

export function ogrnCheckDigit(first12: string): number {
  return Number((BigInt(first12) % 11n) % 10n);
}

/** SNILS (11 digits): the last two are a checksum of the first nine (PFR rules). */
export function isValidSnils(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{11}$/.test(digits)) return false;
  return snilsChecksum(digits.slice(0, 9)) === Number(digits.slice(9));
}

export function snilsChecksum(first9: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (9 - i);
  if (sum < 100) return sum;
  if (sum === 100 || sum === 101) return 0;
  const rest = sum % 101;
  return rest === 100 ? 0 : rest;
}

/** "123-456-789 64" → "12345678964"; anything else → null. */
export function normalizeSnils(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{11}$/.test(digits) ? digits : null;
}

export function formatSnils(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9)}`;
}

// Latin letters people type for Cyrillic ones of the same shape.
const latinToCyrillic: Record<string, string> = { A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', Y: 'У', X: 'Х' };

/**
 * Birth certificate series: Roman numerals (the region code of the registry office), a hyphen,
 * two Cyrillic letters — "IV-АГ". Accepts lower case, spaces, Cyrillic I/V look-alikes.
 */
export function normalizeBirthCertificateSeries(value: string): string | null {
  const cleaned = value.trim().toUpperCase().replace(/\s+/g, '').replace(/[–—]/g, '-');
  const match = /^([IVXLCІУХЛС1]+)-?([А-ЯЁA-Z]{2})$/.exec(cleaned);
  if (!match) return null;
  const roman = match[1]!.replace(/І|1/g, 'I').replace(/Х/g, 'X').replace(/Л/g, 'L').replace(/С/g, 'C').replace(/У/g, 'V');
  const letters = [...match[2]!].map((c) => latinToCyrillic[c] ?? c).join('').replace('Ё', 'Е');
  if (!/^[IVXLC]{1,6}$/.test(roman) || !/^[А-Я]{2}$/.test(letters)) return null;
  return `${roman}-${letters}`;
}

export function isValidBirthCertificateNumber(value: string): boolean {
  return /^\d{6}$/.test(value);
}
