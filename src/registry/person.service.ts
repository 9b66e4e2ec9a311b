/**
 * The people registry: children, guardians and staff, one record per person for the whole
 * region (DESIGN.md "Data that matters"). Validation of identity documents, creation and
 * editing with duplicate detection, guardian links, staff membership, scoped lists and the
 * audit of every change and every staff read.
 */
import { isIsoDate, isUuid } from '../platform/validation.ts';
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AuditOrigin } from '../platform/audit/audit.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { preparedRows, queryRows, type Database, type Executor, type PreparedStatement } from '../platform/db/connect.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isValidBirthCertificateNumber, isValidSnils, normalizeBirthCertificateSeries, normalizeSnils } from './identifiers.ts';
import { organization } from './organization.schema.ts';
import { guardianLink, guardianRelations, person, staffMember } from './person.schema.ts';
import type { PersonAccessFacts, PersonReadScope, StaffingTarget } from './person.policy.ts';
import { municipality } from './region.schema.ts';

export type PersonRow = typeof person.$inferSelect;
export type GuardianRelation = (typeof guardianRelations)[number];
export type Sex = 'male' | 'female';

/** A validated, normalised person as stored. */
export interface PersonInput {
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  sex: Sex;
  snils: string | null;
  birthCertificateSeries: string | null;
  birthCertificateNumber: string | null;
  passportSeries: string | null;
  passportNumber: string | null;
  phone: string | null;
  email: string | null;
  municipalityId: number;
  organizationId: string | null;
}

/** Raw values as a form or an API body sends them (strings, possibly missing). */
export type PersonFormValues = Partial<Record<keyof PersonInput, string>>;

export const personFieldLabels: Record<keyof PersonInput, Message> = {
  lastName: { ru: 'Фамилия', en: 'Last name' },
  firstName: { ru: 'Имя', en: 'First name' },
  middleName: { ru: 'Отчество', en: 'Middle name' },
  birthDate: { ru: 'Дата рождения', en: 'Date of birth' },
  sex: { ru: 'Пол', en: 'Sex' },
  snils: { ru: 'СНИЛС', en: 'SNILS' },
  birthCertificateSeries: { ru: 'Серия свидетельства о рождении', en: 'Birth certificate series' },
  birthCertificateNumber: { ru: 'Номер свидетельства о рождении', en: 'Birth certificate number' },
  passportSeries: { ru: 'Серия паспорта', en: 'Passport series' },
  passportNumber: { ru: 'Номер паспорта', en: 'Passport number' },
  phone: { ru: 'Телефон', en: 'Phone' },
  email: { ru: 'Электронная почта', en: 'Email' },
  municipalityId: { ru: 'Муниципальное образование проживания', en: 'Municipality of residence' },
  organizationId: { ru: 'Организация, которую посещает', en: 'Organisation attended' },
};

export const relationNames: Record<GuardianRelation, Message> = {
  mother: { ru: 'Мать', en: 'Mother' },
  father: { ru: 'Отец', en: 'Father' },
  guardian: { ru: 'Опекун', en: 'Guardian' },
  trustee: { ru: 'Попечитель', en: 'Trustee' },
  other: { ru: 'Иной законный представитель', en: 'Other legal representative' },
};

export function isGuardianRelation(value: unknown): value is GuardianRelation {
  return typeof value === 'string' && (guardianRelations as readonly string[]).includes(value);
}

export { isUuid };

const namePattern = /^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .-]*$/;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** Russian mobile and landline numbers in one form: +7 and ten digits. */
export function normalizePhone(value: string): string | null {
  const digits = value.replace(/[\s()+-]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  if (digits.length === 10) return `+7${digits}`;
  if (digits.length === 11 && (digits.startsWith('7') || digits.startsWith('8'))) return `+7${digits.slice(1)}`;
  return null;
}

/**
 * Validates and normalises a person's fields, the same for the HTML form and the API: SNILS
 * without separators and with its checksum, birth certificate series in the canonical
 * "IV-АГ" form, passport series 4 digits and number 6 digits (spaces dropped).
 * `today` (YYYY-MM-DD, from the injected clock) bounds the date of birth.
 */
export function parsePersonInput(raw: PersonFormValues, today: string): { ok: true; value: PersonInput } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const lastName = text(raw.lastName).replace(/\s+/g, ' ');
  const firstName = text(raw.firstName).replace(/\s+/g, ' ');
  const middleName = text(raw.middleName).replace(/\s+/g, ' ');
  const nameError = (value: string, required: boolean, missing: Message): Message | null => {
    if (!value) return required ? missing : null;
    if (value.length > 100) return { ru: 'Не длиннее 100 символов', en: 'At most 100 characters' };
    if (!namePattern.test(value)) return { ru: 'Только буквы, пробел, дефис и апостроф', en: 'Letters, space, hyphen and apostrophe only' };
    return null;
  };
  const ln = nameError(lastName, true, { ru: 'Введите фамилию', en: 'Enter the last name' });
  if (ln) fieldErrors.lastName = ln;
  const fn = nameError(firstName, true, { ru: 'Введите имя', en: 'Enter the first name' });
  if (fn) fieldErrors.firstName = fn;
  const mn = nameError(middleName, false, { ru: '', en: '' });
  if (mn) fieldErrors.middleName = mn;

  const birthDate = text(raw.birthDate);
  if (!birthDate) fieldErrors.birthDate = { ru: 'Введите дату рождения', en: 'Enter the date of birth' };
  else if (!isIsoDate(birthDate)) fieldErrors.birthDate = { ru: 'Дата рождения в формате ГГГГ-ММ-ДД', en: 'Date of birth as YYYY-MM-DD' };
  else if (birthDate > today) fieldErrors.birthDate = { ru: 'Дата рождения не может быть в будущем', en: 'The date of birth cannot be in the future' };
  else if (birthDate < '1900-01-01') fieldErrors.birthDate = { ru: 'Проверьте год рождения', en: 'Check the year of birth' };

  const sex = text(raw.sex);
  if (sex !== 'male' && sex !== 'female') fieldErrors.sex = { ru: 'Укажите пол', en: 'Choose the sex' };

  let snils: string | null = null;
  const snilsRaw = text(raw.snils);
  if (snilsRaw) {
    snils = normalizeSnils(snilsRaw);
    if (!snils) fieldErrors.snils = { ru: 'СНИЛС — 11 цифр, например 123-456-789 64', en: 'SNILS is 11 digits, e.g. 123-456-789 64' };
    else if (!isValidSnils(snils)) fieldErrors.snils = { ru: 'СНИЛС введён с ошибкой: не сходится контрольное число', en: 'SNILS checksum does not match' };
  }

  let birthCertificateSeries: string | null = null;
  let birthCertificateNumber: string | null = null;
  const seriesRaw = text(raw.birthCertificateSeries);
  const numberRaw = text(raw.birthCertificateNumber).replace(/\s+/g, '');
  if (seriesRaw || numberRaw) {
    birthCertificateSeries = seriesRaw ? normalizeBirthCertificateSeries(seriesRaw) : null;
    if (!seriesRaw) fieldErrors.birthCertificateSeries = { ru: 'Введите серию свидетельства о рождении', en: 'Enter the certificate series' };
    else if (!birthCertificateSeries)
      fieldErrors.birthCertificateSeries = {
        ru: 'Серия — римские цифры, дефис и две русские буквы, например IV-АГ',
        en: 'Series is Roman numerals, a hyphen and two Cyrillic letters, e.g. IV-АГ',
      };
    if (!numberRaw) fieldErrors.birthCertificateNumber = { ru: 'Введите номер свидетельства о рождении', en: 'Enter the certificate number' };
    else if (!isValidBirthCertificateNumber(numberRaw)) fieldErrors.birthCertificateNumber = { ru: 'Номер свидетельства — 6 цифр', en: 'The certificate number is 6 digits' };
    else birthCertificateNumber = numberRaw;
  }

  let passportSeries: string | null = null;
  let passportNumber: string | null = null;
  const pSeriesRaw = text(raw.passportSeries).replace(/\s+/g, '');
  const pNumberRaw = text(raw.passportNumber).replace(/\s+/g, '');
  if (pSeriesRaw || pNumberRaw) {
    if (!/^\d{4}$/.test(pSeriesRaw)) fieldErrors.passportSeries = { ru: 'Серия паспорта — 4 цифры', en: 'The passport series is 4 digits' };
    else passportSeries = pSeriesRaw;
    if (!/^\d{6}$/.test(pNumberRaw)) fieldErrors.passportNumber = { ru: 'Номер паспорта — 6 цифр', en: 'The passport number is 6 digits' };
    else passportNumber = pNumberRaw;
  }

  let phone: string | null = null;
  const phoneRaw = text(raw.phone);
  if (phoneRaw) {
    phone = normalizePhone(phoneRaw);
    if (!phone) fieldErrors.phone = { ru: 'Телефон — 10 цифр после +7', en: 'Phone is 10 digits after +7' };
  }

  const email = text(raw.email) || null;
  if (email && (email.length > 200 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
    fieldErrors.email = { ru: 'Адрес почты в формате name@example.ru', en: 'Email like name@example.com' };
  }

  const municipalityText = text(raw.municipalityId);
  const municipalityId = /^\d{1,9}$/.test(municipalityText) ? Number(municipalityText) : NaN;
  if (!municipalityText) fieldErrors.municipalityId = { ru: 'Выберите муниципальное образование', en: 'Choose the municipality' };
  else if (!Number.isInteger(municipalityId) || municipalityId <= 0) fieldErrors.municipalityId = { ru: 'Муниципальное образование не найдено', en: 'Unknown municipality' };

  const organizationId = text(raw.organizationId) || null;
  if (organizationId && !isUuid(organizationId)) fieldErrors.organizationId = { ru: 'Организация не найдена', en: 'Unknown organisation' };

  if (Object.keys(fieldErrors).length) return { ok: false, errors: fieldErrors };
  return {
    ok: true,
    value: {
      lastName,
      firstName,
      middleName: middleName || null,
      birthDate,
      sex: sex as Sex,
      snils,
      birthCertificateSeries,
      birthCertificateNumber,
      passportSeries,
      passportNumber,
      phone,
      email: email ? email.toLowerCase() : null,
      municipalityId,
      organizationId: organizationId ? organizationId.toLowerCase() : null,
    },
  };
}

/** A stored record back as form values (for the edit form and for PATCH merges). */
export function personFormValues(row: PersonRow): PersonFormValues {
  return {
    lastName: row.lastName,
    firstName: row.firstName,
    middleName: row.middleName ?? '',
    birthDate: row.birthDate,
    sex: row.sex,
    snils: row.snils ?? '',
    birthCertificateSeries: row.birthCertificateSeries ?? '',
    birthCertificateNumber: row.birthCertificateNumber ?? '',
    passportSeries: row.passportSeries ?? '',
    passportNumber: row.passportNumber ?? '',
    phone: row.phone ?? '',
    email: row.email ?? '',
    municipalityId: String(row.municipalityId),
    organizationId: row.organizationId ?? '',
  };
}

/** Today in the region's zone (Europe/Moscow), from the injected clock. */
export function regionToday(clock: { now(): Date }): string {
  return regionDateFormat.format(clock.now());
}

// Made once: creating an Intl.DateTimeFormat costs about as much as rendering a small page.
const regionDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit' });

export const guardianNotFound: Message = {
  ru: 'Запись законного представителя не найдена среди доступных вам. Сначала создайте её.',
  en: 'No guardian record found in your scope. Create it first.',
};

/** The form errors for a record placed where the actor may not keep records. */
export function placementErrors(placement: Pick<PersonInput, 'organizationId'>): FieldErrors {
  const message: Message = {
    ru: 'Вы можете вести записи только в своём муниципальном образовании или своей организации',
    en: 'You can keep records only in your own municipality or organisation',
  };
  return placement.organizationId ? { organizationId: message, municipalityId: message } : { municipalityId: message };
}

// Database errors → catalogue errors ------------------------------------------------------------

interface DriverError {
  code?: string;
  constraint?: string;
  message?: string;
}

/** The PostgreSQL error behind an exception; Drizzle wraps the driver's error in `.cause`. */
export function databaseErrorOf(error: unknown): DriverError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as DriverError & { cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return null;
}

export const duplicateMessages = {
  birthCertificate: {
    ru: 'Запись с таким свидетельством о рождении уже существует',
    en: 'A record with this birth certificate already exists',
  },
  snils: { ru: 'Запись с таким СНИЛС уже существует', en: 'A record with this SNILS already exists' },
  passport: { ru: 'Запись с таким паспортом уже существует', en: 'A record with this passport already exists' },
} satisfies Record<string, Message>;

/** A duplicate person as a 409 naming the document; the field says where to show it in a form. */
export class DuplicatePersonError extends AppError {
  constructor(
    readonly document: keyof typeof duplicateMessages,
    readonly field: keyof PersonInput,
  ) {
    super(409, `person-duplicate-${document === 'birthCertificate' ? 'birth-certificate' : document}`, duplicateMessages[document], {
      [field]: duplicateMessages[document],
    });
  }
}

/**
 * Turns constraint violations of the person table into catalogue errors: the unique indexes
 * into a 409 naming the document, unknown references into a 422 on the field.
 */
function translateDatabaseError(error: unknown): unknown {
  const db = databaseErrorOf(error);
  if (!db) return error;
  const constraint = db.constraint ?? '';
  if (db.code === '23505') {
    if (constraint === 'person_birth_certificate' || /birth_certificate/.test(db.message ?? '')) return new DuplicatePersonError('birthCertificate', 'birthCertificateNumber');
    if (constraint.startsWith('person_snils') || /snils/.test(db.message ?? '')) return new DuplicatePersonError('snils', 'snils');
    if (constraint === 'person_passport' || /passport/.test(db.message ?? '')) return new DuplicatePersonError('passport', 'passportNumber');
  }
  if (db.code === '23503') {
    if (constraint.includes('municipality')) return errors.validation({ municipalityId: { ru: 'Муниципальное образование не найдено', en: 'Unknown municipality' } });
    if (constraint.includes('organization')) return errors.validation({ organizationId: { ru: 'Организация не найдена', en: 'Unknown organisation' } });
  }
  if (db.code === '23514') return errors.validation({ request: { ru: 'Данные не прошли проверку', en: 'The data failed a check' } });
  return error;
}

async function translatingDatabaseErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

// Loading ------------------------------------------------------------------------------------

/**
 * Access facts of a batch of people in one query (never one query per row): where each record
 * sits, where the person works and who their guardians are.
 */
export async function findPersonAccessFacts(db: Executor, ids: string[]): Promise<Map<string, PersonAccessFacts>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  const result = new Map<string, PersonAccessFacts>();
  if (wanted.length === 0) return result;
  const rows = await db
    .select({
      id: person.id,
      municipalityId: person.municipalityId,
      organizationId: person.organizationId,
      staffOrganizationIds: sql<string[] | null>`(SELECT array_agg(sm.organization_id::text) FROM staff_member sm WHERE sm.person_id = ${person.id})`,
      guardianIds: sql<string[] | null>`(SELECT array_agg(gl.guardian_id::text) FROM guardian_link gl WHERE gl.child_id = ${person.id})`,
    })
    .from(person)
    .where(inArray(person.id, wanted));
  for (const row of rows) {
    result.set(row.id, {
      id: row.id,
      municipalityId: row.municipalityId,
      organizationId: row.organizationId,
      staffOrganizationIds: row.staffOrganizationIds ?? [],
      guardianIds: row.guardianIds ?? [],
    });
  }
  return result;
}

export async function findPersonAccess(db: Executor, id: string): Promise<PersonAccessFacts | null> {
  return (await findPersonAccessFacts(db, [id])).get(id.toLowerCase()) ?? null;
}

// Batch reads for other domains ----------------------------------------------------------------
// House rule 3: other folders read people only through these functions, always by a batch of ids
// (one query per list, never one per row).

export interface PersonName {
  id: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
}

/**
 * The children linked to a guardian, with names, ordered by birth date: one index scan of
 * guardian_link's primary key (the diary asks on every page; listOwnPeople's search is too wide).
 */
export async function findChildrenOfGuardian(db: Executor, guardianId: string): Promise<PersonName[]> {
  if (!isUuid(guardianId)) return [];
  // Every diary page asks this: a prepared statement (db/connect.ts preparedRows).
  const rows = await preparedRows<{ id: string; last_name: string; first_name: string; middle_name: string | null; birth_date: string }>(db, childrenOfGuardian, [guardianId]);
  return rows.map((r) => ({ id: r.id, lastName: r.last_name, firstName: r.first_name, middleName: r.middle_name, birthDate: r.birth_date }));
}

export const childrenOfGuardian: PreparedStatement = {
  name: 'children_of_guardian_v1',
  text: `SELECT p.id, p.last_name, p.first_name, p.middle_name, p.birth_date::text AS birth_date
           FROM guardian_link gl JOIN person p ON p.id = gl.child_id
          WHERE gl.guardian_id = $1 ORDER BY p.birth_date, p.id`,
};

/** Names and birth dates of a batch of people, keyed by id; unknown ids are absent. */
export async function findPersonNames(db: Executor, ids: string[]): Promise<Map<string, PersonName>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: person.id, lastName: person.lastName, firstName: person.firstName, middleName: person.middleName, birthDate: person.birthDate })
    .from(person)
    .where(inArray(person.id, wanted));
  return new Map(rows.map((r) => [r.id, { ...r, birthDate: String(r.birthDate).slice(0, 10) }]));
}

/** "Last First Middle", skipping an absent middle name. */
export function personFullName(name: Pick<PersonName, 'lastName' | 'firstName' | 'middleName'>): string {
  return [name.lastName, name.firstName, name.middleName].filter(Boolean).join(' ');
}

export interface ProbableDuplicatePerson {
  personId: string;
  sameBirthCertificate: boolean;
  sameSnils: boolean;
  /** Same last name, first name and birth date, ignoring case and ё/е. */
  sameNameAndBirthDate: boolean;
}

/**
 * Other records that probably describe the same person as `personId`: the same birth certificate
 * (series and number), the same SNILS, or the same last name, first name and birth date compared
 * without case and with ё read as е (translate(lower(…), 'ё', 'е')). The person itself is not listed.
 */
export async function findProbableDuplicatePeople(db: Executor, personId: string): Promise<ProbableDuplicatePerson[]> {
  if (!isUuid(personId)) return [];
  const folded = (column: SQL) => sql`translate(lower(${column}), 'ё', 'е')`;
  const rows = await queryRows<{ id: string; same_certificate: boolean; same_snils: boolean; same_name: boolean }>(
    db,
    sql`WITH me AS (
          SELECT id, birth_certificate_series, birth_certificate_number, snils, birth_date,
                 ${folded(sql`last_name`)} AS last_name, ${folded(sql`first_name`)} AS first_name
          FROM person WHERE id = ${personId.toLowerCase()}::uuid
        )
        SELECT o.id::text AS id,
               COALESCE(o.birth_certificate_number = me.birth_certificate_number AND o.birth_certificate_series = me.birth_certificate_series, false) AS same_certificate,
               COALESCE(o.snils = me.snils, false) AS same_snils,
               COALESCE(${folded(sql`o.last_name`)} = me.last_name AND ${folded(sql`o.first_name`)} = me.first_name AND o.birth_date = me.birth_date, false) AS same_name
        FROM me
        JOIN person o ON o.id <> me.id AND (
             (o.birth_certificate_number = me.birth_certificate_number AND o.birth_certificate_series = me.birth_certificate_series)
             OR o.snils = me.snils
             OR (o.birth_date = me.birth_date AND ${folded(sql`o.last_name`)} = me.last_name AND ${folded(sql`o.first_name`)} = me.first_name))
        ORDER BY o.id`,
  );
  return rows.map((r) => ({ personId: r.id, sameBirthCertificate: r.same_certificate, sameSnils: r.same_snils, sameNameAndBirthDate: r.same_name }));
}

/**
 * The organisations (kindergartens, schools) attended by a sibling of each child: another child
 * who shares a guardian with it (guardian_link; adopted children and children under guardianship
 * are linked the same way) and whose record names an organisation. Federal Law 273-FZ art. 67
 * part 3.1. One query for the whole batch (an allocation asks for every applicant of a
 * municipality at once); the ids travel as one text parameter, not one parameter each.
 */
export async function findSiblingOrganizations(db: Executor, childIds: string[]): Promise<Map<string, Set<string>>> {
  const wanted = [...new Set(childIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const result = new Map<string, Set<string>>();
  if (wanted.length === 0) return result;
  const rows = await queryRows<{ child_id: string; organization_id: string }>(
    db,
    sql`SELECT DISTINCT mine.child_id::text AS child_id, sibling.organization_id::text AS organization_id
        FROM guardian_link mine
        JOIN guardian_link theirs ON theirs.guardian_id = mine.guardian_id AND theirs.child_id <> mine.child_id
        JOIN person sibling ON sibling.id = theirs.child_id
        WHERE mine.child_id = ANY(string_to_array(${wanted.join(',')}, ',')::uuid[]) AND sibling.organization_id IS NOT NULL`,
  );
  for (const r of rows) {
    let set = result.get(r.child_id);
    if (!set) result.set(r.child_id, (set = new Set()));
    set.add(r.organization_id);
  }
  return result;
}

export interface LinkedPerson {
  id: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  relation: GuardianRelation;
}

export interface StaffMembership {
  organizationId: string;
  organizationName: string;
  /** Where the organisation sits, for the staffing policy. */
  organizationMunicipalityId: number;
  position: string;
  hiredOn: string | null;
}

/** A person's card: the record, where it sits, its links and employment. */
export interface PersonRecord {
  person: PersonRow;
  access: PersonAccessFacts;
  municipalityName: { ru: string; en: string };
  organizationName: string | null;
  guardians: LinkedPerson[];
  children: LinkedPerson[];
  staff: StaffMembership[];
}

export async function findPersonRecord(db: Executor, id: string): Promise<PersonRecord | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({ person, municipalityRu: municipality.nameRu, municipalityEn: municipality.nameEn, organizationName: organization.shortName })
    .from(person)
    .innerJoin(municipality, eq(municipality.id, person.municipalityId))
    .leftJoin(organization, eq(organization.id, person.organizationId))
    .where(eq(person.id, id));
  if (!row) return null;
  const linkedColumns = {
    id: person.id,
    lastName: person.lastName,
    firstName: person.firstName,
    middleName: person.middleName,
    birthDate: person.birthDate,
    relation: guardianLink.relation,
  };
  const guardians = await db
    .select(linkedColumns)
    .from(guardianLink)
    .innerJoin(person, eq(person.id, guardianLink.guardianId))
    .where(eq(guardianLink.childId, row.person.id))
    .orderBy(asc(person.lastName), asc(person.firstName), asc(person.id));
  const children = await db
    .select(linkedColumns)
    .from(guardianLink)
    .innerJoin(person, eq(person.id, guardianLink.childId))
    .where(eq(guardianLink.guardianId, row.person.id))
    .orderBy(asc(person.birthDate), asc(person.id));
  const staff = await db
    .select({ organizationId: staffMember.organizationId, organizationName: organization.shortName, organizationMunicipalityId: organization.municipalityId, position: staffMember.position, hiredOn: staffMember.hiredOn })
    .from(staffMember)
    .innerJoin(organization, eq(organization.id, staffMember.organizationId))
    .where(eq(staffMember.personId, row.person.id))
    .orderBy(asc(organization.shortName));
  return {
    person: row.person,
    access: {
      id: row.person.id,
      municipalityId: row.person.municipalityId,
      organizationId: row.person.organizationId,
      staffOrganizationIds: staff.map((s) => s.organizationId),
      guardianIds: guardians.map((g) => g.id),
    },
    municipalityName: { ru: row.municipalityRu, en: row.municipalityEn },
    organizationName: row.organizationName ?? null,
    guardians,
    children,
    staff,
  };
}

// Lists --------------------------------------------------------------------------------------

export interface PersonListItem {
  id: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  municipalityId: number;
  municipalityName: { ru: string; en: string };
  organizationId: string | null;
  organizationName: string | null;
}

export interface PersonListQuery {
  /** Name words, or a document number (SNILS, certificate or passport number). */
  q?: string;
  municipalityId?: number;
  /** Keyset: the id of the last record of the previous page (no names in URLs). */
  after?: string;
  limit: number;
}

/** The read scope as SQL: the same rules as `personPolicy.read`. */
function scopeCondition(scope: PersonReadScope): SQL {
  if (scope.kind === 'all') return sql`true`;
  if (scope.kind === 'none') return sql`false`;
  const parts: SQL[] = [];
  if (scope.municipalityIds.length) parts.push(inArray(person.municipalityId, scope.municipalityIds));
  if (scope.organizationIds.length) {
    parts.push(inArray(person.organizationId, scope.organizationIds));
    parts.push(
      sql`EXISTS (SELECT 1 FROM staff_member sm WHERE sm.person_id = ${person.id} AND sm.organization_id IN (${sql.join(
        scope.organizationIds.map((id) => sql`${id}`),
        sql`, `,
      )}))`,
    );
  }
  if (scope.selfId) parts.push(eq(person.id, scope.selfId));
  if (scope.childrenOfId) parts.push(sql`EXISTS (SELECT 1 FROM guardian_link gl WHERE gl.child_id = ${person.id} AND gl.guardian_id = ${scope.childrenOfId})`);
  return parts.length ? or(...parts)! : sql`false`;
}

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function searchCondition(q: string): SQL | undefined {
  const words = q
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 5)
    .map((w) => w.slice(0, 50));
  if (words.length === 0) return undefined;
  const compact = q.replace(/[\s-]/g, '');
  if (/^\d{11}$/.test(compact)) return eq(person.snils, compact);
  if (/^\d{6}$/.test(compact)) return or(eq(person.birthCertificateNumber, compact), eq(person.passportNumber, compact));
  const haystack = sql`translate(lower(concat_ws(' ', ${person.lastName}, ${person.firstName}, ${person.middleName})), 'ё', 'е')`;
  return and(...words.map((w) => sql`${haystack} LIKE ${likePattern(w)}`));
}

/**
 * People in a read scope, ordered by name, keyset-paginated: `nextAfter` is the cursor of the
 * next page, or null on the last one.
 */
export async function listPeople(db: Executor, scope: PersonReadScope, query: PersonListQuery): Promise<{ items: PersonListItem[]; nextAfter: string | null }> {
  if (scope.kind === 'none') return { items: [], nextAfter: null };
  // A record merged into another (person_merge) stays for the audit trail but is not listed:
  // the registry shows each child once.
  const conditions: SQL[] = [scopeCondition(scope), sql`NOT EXISTS (SELECT 1 FROM person_merge pm WHERE pm.merged_person_id = ${person.id})`];
  if (query.q) {
    const search = searchCondition(query.q);
    if (search) conditions.push(search);
  }
  if (query.municipalityId !== undefined) conditions.push(eq(person.municipalityId, query.municipalityId));
  if (query.after) {
    if (!isUuid(query.after)) return { items: [], nextAfter: null };
    conditions.push(
      sql`(${person.lastName}, ${person.firstName}, ${person.id}) > (SELECT c.last_name, c.first_name, c.id FROM person c WHERE c.id = ${query.after})`,
    );
  }
  const rows = await db
    .select({
      id: person.id,
      lastName: person.lastName,
      firstName: person.firstName,
      middleName: person.middleName,
      birthDate: person.birthDate,
      municipalityId: person.municipalityId,
      municipalityRu: municipality.nameRu,
      municipalityEn: municipality.nameEn,
      organizationId: person.organizationId,
      organizationName: organization.shortName,
    })
    .from(person)
    .innerJoin(municipality, eq(municipality.id, person.municipalityId))
    .leftJoin(organization, eq(organization.id, person.organizationId))
    .where(and(...conditions))
    .orderBy(asc(person.lastName), asc(person.firstName), asc(person.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map(({ municipalityRu, municipalityEn, ...r }) => ({
    ...r,
    municipalityName: { ru: municipalityRu, en: municipalityEn },
    organizationName: r.organizationName ?? null,
  }));
  return { items: page, nextAfter: rows.length > query.limit ? page.at(-1)!.id : null };
}

/** The actor's own record and the children linked to them ("my family"). */
export async function listOwnPeople(db: Executor, personId: string): Promise<{ self: PersonListItem | null; children: PersonListItem[] }> {
  const { items } = await listPeople(db, { kind: 'some', municipalityIds: [], organizationIds: [], selfId: personId, childrenOfId: personId }, { limit: 100 });
  return { self: items.find((p) => p.id === personId) ?? null, children: items.filter((p) => p.id !== personId) };
}

// Audit of reads -----------------------------------------------------------------------------

/** One audit event per record read by staff (a card, an API detail). */
export async function recordPersonRead(db: Executor, origin: AuditOrigin, facts: PersonAccessFacts, channel: 'page' | 'api'): Promise<void> {
  await recordAudit(db, origin, {
    action: 'read',
    entityType: 'person',
    entityId: facts.id,
    municipalityId: facts.municipalityId,
    organizationId: facts.organizationId,
    details: { channel },
  });
}

/** One audit event for a list page read by staff, naming the ids shown. */
export async function recordPeopleListRead(
  db: Executor,
  origin: AuditOrigin,
  items: Array<Pick<PersonListItem, 'id' | 'municipalityId' | 'organizationId'>>,
  channel: 'page' | 'api',
): Promise<void> {
  if (items.length === 0) return;
  const municipalities = new Set(items.map((i) => i.municipalityId));
  const organizations = new Set(items.map((i) => i.organizationId));
  await recordAudit(db, origin, {
    action: 'read',
    entityType: 'person',
    entityId: null,
    municipalityId: municipalities.size === 1 ? items[0]!.municipalityId : null,
    organizationId: organizations.size === 1 ? items[0]!.organizationId : null,
    details: { channel, list: true, ids: items.map((i) => i.id) },
  });
}

// Changes ------------------------------------------------------------------------------------

/** Creates a person and audits it in one transaction; a duplicate document answers 409. */
export async function createPerson(db: Database, origin: AuditOrigin, input: PersonInput, now: Date): Promise<string> {
  return translatingDatabaseErrors(() =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(person)
        .values({ ...input, createdAt: now, updatedAt: now })
        .returning({ id: person.id });
      await recordAudit(tx, origin, {
        action: 'create',
        entityType: 'person',
        entityId: row!.id,
        municipalityId: input.municipalityId,
        organizationId: input.organizationId,
        details: { fields: changedFieldNames(null, input) },
      });
      return row!.id;
    }),
  );
}

// Field names only: the audit log must not become a second copy of personal data.
function changedFieldNames(before: PersonRow | null, after: PersonInput): string[] {
  return (Object.keys(after) as Array<keyof PersonInput>).filter((k) => (before ? before[k] !== after[k] : after[k] !== null));
}

export const stalePersonVersionMessage: Message = {
  ru: 'Запись изменил другой пользователь, пока вы её редактировали. Ваши изменения не сохранены: проверьте текущие данные и отправьте форму снова.',
  en: 'Someone else changed this record while you were editing it. Your changes were not saved: check the current data and submit again.',
};

/**
 * Replaces a person's fields if nobody changed the record since `expectedVersion` (optimistic
 * concurrency: a stale edit gets 409 'stale-version', never a silent overwrite), bumps the
 * version and audits the names of the changed fields, all in one transaction. The version is
 * compared by the UPDATE itself, so two concurrent edits of the same version cannot both win.
 */
export async function updatePerson(
  db: Database,
  origin: AuditOrigin,
  before: PersonRow,
  expectedVersion: number,
  input: PersonInput,
  now: Date,
): Promise<PersonRow> {
  // `before` is what the caller showed and checked access against; it must be the version edited.
  if (expectedVersion !== before.version) throw errors.conflict('stale-version', stalePersonVersionMessage);
  return translatingDatabaseErrors(() =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(person)
        .set({ ...input, updatedAt: now, version: sql`${person.version} + 1` })
        .where(and(eq(person.id, before.id), eq(person.version, expectedVersion)))
        .returning();
      if (!row) throw errors.conflict('stale-version', stalePersonVersionMessage);
      await recordAudit(tx, origin, {
        action: 'update',
        entityType: 'person',
        entityId: before.id,
        municipalityId: input.municipalityId,
        organizationId: input.organizationId,
        details: {
          fields: changedFieldNames(before, input),
          version: row.version,
          ...(before.municipalityId !== input.municipalityId ? { fromMunicipalityId: before.municipalityId } : {}),
          ...(before.organizationId !== input.organizationId ? { fromOrganizationId: before.organizationId } : {}),
        },
      });
      return row;
    }),
  );
}

/**
 * A guardian by a reference staff can type: the record id, or a SNILS (the document a parent
 * brings). Returns the id, or null when there is no such record.
 */
export async function resolvePersonReference(db: Executor, reference: string): Promise<string | null> {
  const trimmed = reference.trim();
  if (isUuid(trimmed)) {
    const [row] = await db.select({ id: person.id }).from(person).where(eq(person.id, trimmed.toLowerCase()));
    return row?.id ?? null;
  }
  const snils = normalizeSnils(trimmed);
  if (snils) {
    const [row] = await db.select({ id: person.id }).from(person).where(eq(person.snils, snils));
    return row?.id ?? null;
  }
  return null;
}

/** Links a guardian to a child (or changes the relation of an existing link), audited on the child. */
export async function linkGuardian(
  db: Database,
  origin: AuditOrigin,
  child: PersonAccessFacts,
  guardianId: string,
  relation: GuardianRelation,
): Promise<void> {
  if (guardianId === child.id) {
    throw errors.validation({ guardian: { ru: 'Человек не может быть законным представителем самого себя', en: 'A person cannot be their own guardian' } });
  }
  await translatingDatabaseErrors(() =>
    db.transaction(async (tx) => {
      await tx
        .insert(guardianLink)
        .values({ guardianId, childId: child.id, relation })
        .onConflictDoUpdate({ target: [guardianLink.guardianId, guardianLink.childId], set: { relation } });
      await recordAudit(tx, origin, {
        action: 'update',
        entityType: 'person',
        entityId: child.id,
        municipalityId: child.municipalityId,
        organizationId: child.organizationId,
        details: { change: 'guardian-linked', guardianId, relation },
      });
    }),
  );
}

/** The organisation a staff membership is for: where it sits, for the staffing policy. */
export async function findStaffingTarget(db: Executor, organizationId: string): Promise<(StaffingTarget & { name: string }) | null> {
  if (!isUuid(organizationId)) return null;
  const [row] = await db
    .select({ organizationId: organization.id, municipalityId: organization.municipalityId, name: organization.shortName })
    .from(organization)
    .where(eq(organization.id, organizationId.toLowerCase()));
  return row ?? null;
}

export interface StaffInput {
  position: string;
  hiredOn: string | null;
}

export function parseStaffInput(raw: { position?: unknown; hiredOn?: unknown }, today: string): { ok: true; value: StaffInput } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const position = text(raw.position).replace(/\s+/g, ' ');
  if (position.length < 2 || position.length > 200) fieldErrors.position = { ru: 'Введите должность (от 2 до 200 символов)', en: 'Enter the position (2 to 200 characters)' };
  const hiredOn = text(raw.hiredOn) || null;
  if (hiredOn && (!isIsoDate(hiredOn) || hiredOn > today)) fieldErrors.hiredOn = { ru: 'Дата приёма в формате ГГГГ-ММ-ДД, не позже сегодняшней', en: 'Hiring date as YYYY-MM-DD, not in the future' };
  return Object.keys(fieldErrors).length ? { ok: false, errors: fieldErrors } : { ok: true, value: { position, hiredOn } };
}

/** Records (or updates) that a person works at an organisation, audited on the person. */
export async function setStaffMembership(db: Database, origin: AuditOrigin, who: PersonAccessFacts, target: StaffingTarget, input: StaffInput): Promise<void> {
  await translatingDatabaseErrors(() =>
    db.transaction(async (tx) => {
      await tx
        .insert(staffMember)
        .values({ personId: who.id, organizationId: target.organizationId, position: input.position, hiredOn: input.hiredOn })
        .onConflictDoUpdate({ target: [staffMember.personId, staffMember.organizationId], set: { position: input.position, hiredOn: input.hiredOn } });
      await recordAudit(tx, origin, {
        action: 'update',
        entityType: 'person',
        entityId: who.id,
        municipalityId: target.municipalityId,
        organizationId: target.organizationId,
        details: { change: 'staff-membership-set', position: input.position },
      });
    }),
  );
}

/** Ends a staff membership, audited on the person. */
export async function removeStaffMembership(db: Database, origin: AuditOrigin, who: PersonAccessFacts, target: StaffingTarget): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(staffMember).where(and(eq(staffMember.personId, who.id), eq(staffMember.organizationId, target.organizationId)));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'person',
      entityId: who.id,
      municipalityId: target.municipalityId,
      organizationId: target.organizationId,
      details: { change: 'staff-membership-removed' },
    });
  });
}

/** Organisations an actor may attach people to, for the form's select (small scopes only). */
export async function organizationChoices(
  db: Executor,
  reach: { kind: 'all' } | { kind: 'some'; municipalityIds: number[]; organizationIds: string[] } | { kind: 'none' },
  max = 300,
): Promise<Array<{ id: string; name: string }> | null> {
  if (reach.kind === 'none') return [];
  const conditions: SQL[] = [];
  if (reach.kind === 'some') {
    const parts: SQL[] = [];
    if (reach.municipalityIds.length) parts.push(inArray(organization.municipalityId, reach.municipalityIds));
    if (reach.organizationIds.length) parts.push(inArray(organization.id, reach.organizationIds));
    if (parts.length === 0) return [];
    conditions.push(or(...parts)!);
  }
  const rows = await db
    .select({ id: organization.id, name: organization.shortName })
    .from(organization)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(organization.shortName), asc(organization.id))
    .limit(max + 1);
  // Too many to choose from in a select: the form asks for the organisation's id instead.
  return rows.length > max ? null : rows;
}
