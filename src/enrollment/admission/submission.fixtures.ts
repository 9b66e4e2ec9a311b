/**
 * Test data for the accepting path: a published campaign with a school plan, and drafts written
 * straight into the tables (no audit — this builds data, it is not a user's action).
 */
import type { Executor } from '../../platform/db/connect.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { admissionApplication, admissionCampaign, admissionReceiptCounter, admissionSchoolPlan } from './admission.schema.ts';

/** Stage 1 from 1 March 2026 (Moscow midnight) to 30 June, stage 2 from 6 July to 5 September. */
export const testStages = {
  stage1OpensAt: new Date('2026-02-28T21:00:00Z'),
  stage1ClosesAt: new Date('2026-06-30T21:00:00Z'),
  stage2OpensAt: new Date('2026-07-05T21:00:00Z'),
  stage2ClosesAt: new Date('2026-09-05T21:00:00Z'),
};

export interface TestCampaign {
  campaignId: string;
  organizationId: string;
  municipalityId: number;
}

export async function createPublishedCampaign(db: Executor, options: { municipalityId?: number; plannedPlaces?: number; status?: 'draft' | 'published' } = {}): Promise<TestCampaign> {
  const municipalityId = options.municipalityId ?? 1;
  const school = await createOrganization(db, { municipalityId });
  const [campaign] = await db
    .insert(admissionCampaign)
    .values({ municipalityId, year: 2026, ...testStages, status: options.status ?? 'published' })
    .returning({ id: admissionCampaign.id });
  await db.insert(admissionReceiptCounter).values({ campaignId: campaign!.id });
  const places = options.plannedPlaces ?? 50;
  await db.insert(admissionSchoolPlan).values({ campaignId: campaign!.id, organizationId: school.id, classes: Math.ceil(places / 25), classSize: 25, plannedPlaces: places });
  return { campaignId: campaign!.id, organizationId: school.id, municipalityId };
}

export interface DraftOptions {
  guardianId: string;
  accountId?: string | null;
  inTerritory?: boolean;
  priorityCode?: string | null;
  houseId?: string | null;
  apartment?: string | null;
}

/** A draft for a new child of the guardian; returns the application id. */
export async function createDraft(db: Executor, campaign: TestCampaign, options: DraftOptions): Promise<string> {
  const child = await createPerson(db, { birthDate: '2019-08-01' });
  const [row] = await db
    .insert(admissionApplication)
    .values({
      campaignId: campaign.campaignId,
      municipalityId: campaign.municipalityId,
      organizationId: campaign.organizationId,
      childId: child.id,
      guardianId: options.guardianId,
      createdByAccountId: options.accountId ?? null,
      inTerritory: options.inTerritory ?? true,
      priorityCode: options.priorityCode ?? null,
      houseId: options.houseId ?? null,
      apartment: options.apartment ?? null,
      status: 'draft',
    })
    .returning({ id: admissionApplication.id });
  return row!.id;
}
