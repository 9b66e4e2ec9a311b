/**
 * Test and demo factory: `createPerson(db, overrides)` inserts a valid person with unique
 * identity documents (a checksum-valid SNILS and a birth certificate), straight into the table
 * without audit. Tests that check the service's behaviour use the service instead.
 */
import crypto from 'node:crypto';
import type { Executor } from '../platform/db/connect.ts';
import { snilsChecksum } from './identifiers.ts';
import { guardianLink, person, staffMember } from './person.schema.ts';
import type { GuardianRelation, PersonRow } from './person.service.ts';

type NewPerson = typeof person.$inferInsert;

// A per-process random start plus a counter keeps documents unique within a database.
let sequence = crypto.randomInt(0, 9_000_000);

function nextSequence(): number {
  sequence = (sequence + 1) % 10_000_000;
  return sequence;
}

/** A checksum-valid SNILS (11 digits) that no other call in this process returns. */
export function uniqueSnils(): string {
  // Numbers up to 001-001-998 are reserved; start the nine digits from 100000000.
  const first9 = String(100_000_000 + nextSequence() * 37 + crypto.randomInt(0, 37)).slice(0, 9);
  return `${first9}${String(snilsChecksum(first9)).padStart(2, '0')}`;
}

const seriesLetters = ['АГ', 'ВЕ', 'КН', 'МР', 'ОТ', 'СХ', 'ЖЛ', 'ЯБ'];
const seriesRoman = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'];

/** A birth certificate (series "IV-АГ", 6-digit number) unique in this process. */
export function uniqueBirthCertificate(): { series: string; number: string } {
  const n = nextSequence();
  const millions = Math.floor(n / 1_000_000);
  const series = `${seriesRoman[millions % seriesRoman.length]}-${seriesLetters[Math.floor(millions / seriesRoman.length) % seriesLetters.length]}`;
  return { series, number: String(n % 1_000_000).padStart(6, '0') };
}

const lastNames = ['Иванов', 'Петров', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов'];
const firstNames = { male: ['Артём', 'Михаил', 'Иван', 'Максим'], female: ['Анна', 'Мария', 'София', 'Алиса'] };

/** Inserts a valid person (a child in municipality 1 unless overridden) and returns the row. */
export async function createPerson(db: Executor, overrides: Partial<NewPerson> = {}): Promise<PersonRow> {
  const n = nextSequence();
  const sex = overrides.sex ?? (n % 2 === 0 ? 'male' : 'female');
  const certificate = uniqueBirthCertificate();
  const lastName = lastNames[n % lastNames.length]! + (sex === 'female' ? 'а' : '');
  const [row] = await db
    .insert(person)
    .values({
      lastName,
      firstName: firstNames[sex][n % 4]!,
      middleName: null,
      birthDate: '2018-05-10',
      sex,
      snils: uniqueSnils(),
      birthCertificateSeries: certificate.series,
      birthCertificateNumber: certificate.number,
      municipalityId: 1,
      organizationId: null,
      ...overrides,
    })
    .returning();
  return row!;
}

/** Links a guardian to a child directly (no audit). */
export async function linkGuardianDirectly(db: Executor, guardianId: string, childId: string, relation: GuardianRelation = 'mother'): Promise<void> {
  await db.insert(guardianLink).values({ guardianId, childId, relation });
}

/** Records a staff membership directly (no audit). */
export async function addStaffDirectly(db: Executor, personId: string, organizationId: string, position = 'Учитель'): Promise<void> {
  await db.insert(staffMember).values({ personId, organizationId, position });
}
