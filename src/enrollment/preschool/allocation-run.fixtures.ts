/**
 * Test support for allocation runs, offers and the public queue: kindergartens, approved groups
 * and inQueue applications written straight into the tables (no audit): this builds data, it is
 * not a user's action.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson, linkGuardianDirectly } from '../../registry/person.factory.ts';
import { kindergartenGroup, preschoolApplication, preschoolPreference, type ApplicationStatus, type BenefitStatus } from './preschool.schema.ts';
import { ageGroupFor, getPreschoolSettings, listReference } from './reference.service.ts';

let sequence = 0;

export async function createKindergarten(db: Executor, overrides: { municipalityId?: number; settlement?: string } = {}) {
  sequence += 1;
  return createOrganization(db, {
    kind: 'kindergarten',
    municipalityId: overrides.municipalityId ?? 1,
    address: `350000, ${overrides.settlement ?? 'г. Краснодар'}, ул. Садовая, д. ${sequence}`,
  });
}

export async function createGroup(
  db: Executor,
  organizationId: string,
  overrides: Partial<typeof kindergartenGroup.$inferInsert> = {},
): Promise<typeof kindergartenGroup.$inferSelect> {
  sequence += 1;
  const [row] = await db
    .insert(kindergartenGroup)
    .values({
      organizationId,
      name: `Группа ${sequence}`,
      ageGroupCode: '3-4',
      orientationCode: 'general',
      stayModeCode: 'fullDay',
      capacity: 20,
      occupied: 19,
      planStatus: 'approved',
      ...overrides,
    })
    .returning();
  return row!;
}

export interface ApplicationFixture {
  id: string;
  number: string;
  childId: string;
  guardianId: string;
}

/**
 * An application of a child born 2023-03-01 (age group 3-4 for a start on 2026-09-01), in the
 * queue, registered at `registeredAt`, listing `preferences` in order. Its age group is stored as
 * registration stores it (migrations/0009, ageGroupFor on the region's settings), so the queue
 * position, the public queue and allocation runs all see the group a real application has.
 */
export async function createQueuedApplication(
  db: Executor,
  options: {
    preferences: string[];
    registeredAt?: Date;
    municipalityId?: number;
    benefitCode?: string;
    benefitStatus?: BenefitStatus;
    consentAlternative?: boolean;
    status?: ApplicationStatus;
    birthDate?: string;
    desiredStartDate?: string;
    guardianId?: string;
    email?: string | null;
    childLastName?: string;
  },
): Promise<ApplicationFixture> {
  sequence += 1;
  const guardianId =
    options.guardianId ?? (await createPerson(db, { birthDate: '1990-01-01', email: options.email === undefined ? null : options.email })).id;
  const child = await createPerson(db, { birthDate: options.birthDate ?? '2023-03-01', ...(options.childLastName ? { lastName: options.childLastName } : {}) });
  await linkGuardianDirectly(db, guardianId, child.id);
  const registeredAt = options.registeredAt ?? new Date(Date.UTC(2025, 0, 1, 0, 0, sequence));
  const desiredStartDate = options.desiredStartDate ?? '2026-09-01';
  const [settings, ageGroups] = await Promise.all([getPreschoolSettings(db), listReference(db, 'ageGroups', { activeOnly: true })]);
  const ageGroupCode = ageGroupFor(child.birthDate, desiredStartDate, settings, ageGroups)?.code ?? null;
  const number = `23-01-2025-${String(sequence).padStart(6, '0')}-${Math.random().toString(36).slice(2, 6)}`;
  const [row] = await db
    .insert(preschoolApplication)
    .values({
      number,
      childId: child.id,
      guardianId,
      municipalityId: options.municipalityId ?? 1,
      registeredAt,
      submittedVia: 'online',
      desiredStartDate,
      orientationCode: 'general',
      stayModeCode: 'fullDay',
      benefitCode: options.benefitCode ?? null,
      benefitStatus: options.benefitCode ? (options.benefitStatus ?? 'verified') : 'none',
      consentAlternative: options.consentAlternative ?? false,
      status: options.status ?? 'inQueue',
      statusChangedAt: registeredAt,
      decisionDueAt: registeredAt,
    })
    .returning();
  // the column of migrations/0009 (its Drizzle mirror is private to application.service.ts)
  await queryRows(db, sql`UPDATE preschool_application SET age_group_code = ${ageGroupCode} WHERE id = ${row!.id} RETURNING id`);
  if (options.preferences.length > 0) {
    await db.insert(preschoolPreference).values(options.preferences.map((organizationId, i) => ({ applicationId: row!.id, rank: i + 1, organizationId })));
  }
  return { id: row!.id, number, childId: child.id, guardianId };
}

/** Puts a sibling of the child (sharing the guardian) into a kindergarten. */
export async function addSiblingAttending(db: Executor, guardianId: string, organizationId: string): Promise<void> {
  const sibling = await createPerson(db, { birthDate: '2021-02-02', organizationId });
  await linkGuardianDirectly(db, guardianId, sibling.id);
}
