/**
 * Test support for the order of admission, flags and planning: a campaign, school plans and
 * received applications written straight into the tables (receipt numbers taken from the
 * campaign's counter as the accepting path does), with overrides.
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { admissionApplication, admissionCampaign, admissionReceiptCounter, admissionSchoolPlan, admissionStatusChange, type AdmissionStatus } from './admission.schema.ts';

export const stage1Opens = new Date('2026-03-31T21:00:00Z'); // 1 April 00:00 MSK

export async function createCampaign(
  db: Executor,
  overrides: Partial<typeof admissionCampaign.$inferInsert> & { municipalityId: number; seed?: string },
): Promise<typeof admissionCampaign.$inferSelect> {
  const { seed, ...values } = overrides;
  const [row] = await db
    .insert(admissionCampaign)
    .values({
      year: 2026,
      stage1OpensAt: stage1Opens,
      stage1ClosesAt: new Date('2026-06-30T20:59:59Z'),
      stage2OpensAt: new Date('2026-07-05T21:00:00Z'),
      stage2ClosesAt: new Date('2026-09-05T20:59:59Z'),
      status: 'published',
      ...(seed !== undefined ? { ordering: 'lottery' as const, lotteryWindowHours: 1, lotterySeed: seed, lotterySeedSha256: createHash('sha256').update(seed).digest('hex') } : {}),
      ...values,
    })
    .returning();
  await db.insert(admissionReceiptCounter).values({ campaignId: row!.id });
  return row!;
}

export async function createSchool(db: Executor, municipalityId: number, overrides: { shortName?: string; address?: string } = {}) {
  return createOrganization(db, { municipalityId, kind: 'school', ...overrides });
}

export async function createPlan(db: Executor, campaignId: string, organizationId: string, places: number, classSize = 25): Promise<void> {
  await db
    .insert(admissionSchoolPlan)
    .values({ campaignId, organizationId, classes: Math.ceil(places / classSize), classSize, plannedPlaces: places })
    .onConflictDoUpdate({ target: [admissionSchoolPlan.campaignId, admissionSchoolPlan.organizationId], set: { plannedPlaces: places } });
}

export interface ApplicationOverrides {
  status?: AdmissionStatus;
  receivedAt?: Date;
  priorityCode?: string | null;
  priorityDocument?: string | null;
  inTerritory?: boolean;
  stage?: 1 | 2;
  houseId?: string | null;
  apartment?: string | null;
  registeredSince?: string | null;
  guardianId?: string;
}

/** A received (or later) application with the next receipt number of its campaign. */
export async function createApplication(
  db: Executor,
  campaign: { id: string; municipalityId: number },
  organizationId: string,
  overrides: ApplicationOverrides = {},
): Promise<typeof admissionApplication.$inferSelect> {
  const child = await createPerson(db, { birthDate: '2019-05-01' });
  const guardianId = overrides.guardianId ?? (await createPerson(db, { birthDate: '1990-01-01' })).id;
  const [counter] = await db
    .update(admissionReceiptCounter)
    .set({ lastNumber: sql`${admissionReceiptCounter.lastNumber} + 1` })
    .where(eq(admissionReceiptCounter.campaignId, campaign.id))
    .returning();
  const status = overrides.status ?? 'received';
  const receivedAt = overrides.receivedAt ?? new Date(stage1Opens.getTime() + counter!.lastNumber * 60_000);
  const [row] = await db
    .insert(admissionApplication)
    .values({
      campaignId: campaign.id,
      municipalityId: campaign.municipalityId,
      organizationId,
      childId: child.id,
      guardianId,
      houseId: overrides.houseId ?? null,
      apartment: overrides.apartment ?? null,
      registeredSince: overrides.registeredSince ?? null,
      priorityCode: overrides.priorityCode ?? null,
      priorityDocument: overrides.priorityDocument ?? null,
      inTerritory: overrides.inTerritory ?? true,
      status,
      stage: overrides.stage ?? 1,
      receiptNumber: counter!.lastNumber,
      receivedAt,
    })
    .returning();
  await db.insert(admissionStatusChange).values({ applicationId: row!.id, fromStatus: 'draft', toStatus: 'received', at: receivedAt, actorLabel: 'test', reason: 'test' });
  return row!;
}
