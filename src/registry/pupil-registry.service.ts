/**
 * Registry functions the pupils' registry (контингент, src/journal) needs from the people
 * registry (house rule 3: other folders read and place people only through registry services):
 * the staff of a school, a child found by the document the parent brings, and the school a
 * child attends (person.organization_id) kept in step with the child's class stays.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/connect.ts';
import { isUuid } from '../platform/validation.ts';
import { normalizeBirthCertificateSeries, normalizeSnils } from './identifiers.ts';
import { person, staffMember } from './person.schema.ts';
import { resolveMergedPerson } from './person-merge.service.ts';

export interface StaffListItem {
  personId: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  position: string;
}

/** The staff of an organisation (staff_member), ordered by name. */
export async function listStaffOf(db: Executor, organizationId: string): Promise<StaffListItem[]> {
  if (!isUuid(organizationId)) return [];
  return db
    .select({ personId: person.id, lastName: person.lastName, firstName: person.firstName, middleName: person.middleName, position: staffMember.position })
    .from(staffMember)
    .innerJoin(person, eq(person.id, staffMember.personId))
    .where(eq(staffMember.organizationId, organizationId.toLowerCase()))
    .orderBy(asc(person.lastName), asc(person.firstName), asc(person.id));
}

/** Which of the given people are staff of the organisation. */
export async function staffAmong(db: Executor, organizationId: string, personIds: string[]): Promise<Set<string>> {
  const wanted = [...new Set(personIds.filter(isUuid).map((id) => id.toLowerCase()))];
  if (wanted.length === 0 || !isUuid(organizationId)) return new Set();
  const rows = await db
    .select({ id: staffMember.personId })
    .from(staffMember)
    .where(and(eq(staffMember.organizationId, organizationId.toLowerCase()), inArray(staffMember.personId, wanted)));
  return new Set(rows.map((r) => r.id));
}

/**
 * A person by an identity document typed at the desk: a SNILS, or a birth certificate as
 * "series number" (e.g. "IV-АГ 123456"). Exact match only; null when there is none. A record
 * merged into another answers with the kept record.
 */
export async function findPersonByDocument(db: Executor, document: string): Promise<string | null> {
  const found = await findByDocument(db, document);
  return found ? resolveMergedPerson(db, found) : null;
}

async function findByDocument(db: Executor, document: string): Promise<string | null> {
  const text = document.trim();
  const snils = normalizeSnils(text);
  if (snils) {
    const [row] = await db.select({ id: person.id }).from(person).where(eq(person.snils, snils)).limit(1);
    return row?.id ?? null;
  }
  const match = /^(\S+)\s*[№N]?\s*(\d{6})$/u.exec(text);
  if (match) {
    const series = normalizeBirthCertificateSeries(match[1]!);
    if (!series) return null;
    const [row] = await db
      .select({ id: person.id })
      .from(person)
      .where(and(eq(person.birthCertificateSeries, series), eq(person.birthCertificateNumber, match[2]!)))
      .limit(1);
    return row?.id ?? null;
  }
  return null;
}

/**
 * Records the school a child (or a batch of children, one statement) attends on their person
 * record (the registry's "organisation"), or clears it when they leave. Run inside the
 * caller's transaction.
 */
export async function setAttendedOrganization(db: Executor, personIds: string | readonly string[], organizationId: string | null, now: Date): Promise<void> {
  const ids = typeof personIds === 'string' ? [personIds] : [...personIds];
  if (ids.length === 0) return;
  await db.update(person).set({ organizationId, updatedAt: now, version: sql`${person.version} + 1` }).where(inArray(person.id, ids));
}
