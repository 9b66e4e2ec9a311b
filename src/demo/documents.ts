/**
 * Issuers of unique, valid identifiers for the demo region. Numbers are issued the way the
 * real offices issue them — in sequence within a series, with gaps (numbers that went to people
 * outside the demo) — so no two people share a SNILS, certificate or passport by construction.
 * Sequential numbers also keep the unique indexes' inserts at a few hot pages, which is what
 * lets a million children load in a minute. Organisations' INN/OGRN are scattered instead.
 */
import { innCheckDigit, ogrnCheckDigit, snilsChecksum } from '../registry/identifiers.ts';
import { Random, Scatter } from './random.ts';

/** A strictly increasing sequence with random gaps of 1..maxGap. */
class Sequence {
  constructor(
    private current: number,
    private readonly limit: number,
    private readonly maxGap: number,
    private readonly what: string,
  ) {}
  next(random: Random): number {
    this.current += 1 + (this.maxGap > 1 ? Math.floor(random.float() * this.maxGap) : 0);
    if (this.current >= this.limit) throw new Error(`${this.what}: the demo ran out of numbers (scale too large)`);
    return this.current;
  }
}

/** СНИЛС: 9 digits above 001-001-998 (below it the checksum rule does not apply) + 2 check digits. */
export class SnilsIssuer {
  private readonly random: Random;
  private readonly sequence: Sequence;
  constructor(seed: number) {
    this.random = new Random(seed, 11);
    this.sequence = new Sequence(100_000_000 + this.random.int(0, 99_999_999), 1_000_000_000, 150, 'SNILS');
  }
  next(): string {
    const first9 = String(this.sequence.next(this.random));
    return first9 + String(snilsChecksum(first9)).padStart(2, '0');
  }
}

// Series of birth certificates: a Roman numeral, then two Cyrillic letters (no Ё, Й, Ъ, Ы, Ь).
const romans = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];
const letters = 'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ';

/**
 * Свидетельство о рождении: one series per registry office (municipality) and year of birth,
 * numbered in order within it. Distinct (year, municipality) pairs get distinct series.
 */
export class BirthCertificateIssuer {
  private readonly random: Random;
  private readonly offset: number;
  private readonly sequences = new Map<number, Sequence>();
  constructor(seed: number) {
    this.random = new Random(seed, 12);
    this.offset = this.random.int(0, letters.length * letters.length - 1);
  }
  next(birthYear: number, municipalityId: number): { series: string; number: string } {
    const index = (birthYear - 1990) * 64 + municipalityId; // < 40·64 = 2560 for births up to 2029
    let sequence = this.sequences.get(index);
    if (!sequence) {
      sequence = new Sequence(this.random.int(100_000, 400_000), 1_000_000, 6, 'birth certificates');
      this.sequences.set(index, sequence);
    }
    // index → (Roman numeral, letter pair) is one-to-one: index % 10 and ⌊index / 10⌋ < 256 < 28²
    const pair = (Math.floor(index / romans.length) + this.offset) % (letters.length * letters.length);
    const series = `${romans[index % romans.length]}-${letters[Math.floor(pair / letters.length)]}${letters[pair % letters.length]}`;
    return { series, number: String(sequence.next(this.random)).padStart(6, '0') };
  }
}

/**
 * Паспорт: series "03YY" — 03 is Krasnodar Krai's OKATO code, YY the year of issue — and a
 * 6-digit number, in order within the series.
 */
export class PassportIssuer {
  private readonly random: Random;
  private readonly sequences = new Map<number, Sequence>();
  constructor(seed: number) {
    this.random = new Random(seed, 13);
  }
  next(issueYear: number): { series: string; number: string } {
    let sequence = this.sequences.get(issueYear);
    if (!sequence) {
      sequence = new Sequence(this.random.int(0, 60_000), 1_000_000, 3, 'passports');
      this.sequences.set(issueYear, sequence);
    }
    return { series: `03${String(issueYear % 100).padStart(2, '0')}`, number: String(sequence.next(this.random)).padStart(6, '0') };
  }
}

/**
 * ИНН (10 digits: 23 region, 2-digit tax office, 5-digit serial, check digit) and ОГРН
 * (1, year of registration, 23, tax office, the same serial, check digit) of a legal entity.
 */
export class LegalEntityIssuer {
  private readonly scatter: Scatter;
  private issued = 0;
  constructor(key: number) {
    this.scatter = new Scatter(10_000, 100_000, key);
  }
  next(taxOffice: string, registrationYear: number): { inn: string; ogrn: string } {
    const serial = String(this.scatter.map(this.issued++));
    const inn9 = `23${taxOffice}${serial}`;
    const ogrn12 = `1${String(registrationYear % 100).padStart(2, '0')}23${taxOffice}${serial}`;
    return { inn: inn9 + innCheckDigit(inn9), ogrn: ogrn12 + ogrnCheckDigit(ogrn12) };
  }
}
