/**
 * The demo region's first-grade admission: a published campaign for Krasnodar city for
 * 1 September 2027 whose stage 1 opens on 29 March 2027 at 00:00 Moscow time (Krasnodar Krai
 * opens before the federal 1 April, as in 2024; Order 458 §17), a plan of 2–4 classes of 25 for
 * every school of the city, and a few families' drafts ready for the opening minute. Written
 * straight into the tables inside the seed's transaction, deterministic ids from the generator.
 */
import { sql } from 'drizzle-orm';
import { addWorkingDays } from '../platform/calendar/calendar.service.ts';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { territoryHouseIds } from '../registry/territory.service.ts';
import {
  admissionApplication,
  admissionCampaign,
  admissionReceiptCounter,
  admissionSchoolPlan,
  admissionStatusChange,
} from '../enrollment/admission/admission.schema.ts';

export interface AdmissionDemoOptions {
  /** Krasnodar city. */
  municipalityId: number;
  /** The city's schools, in generation order. */
  schoolIds: readonly string[];
  newId: () => string;
  /** How many drafts to prepare (children of first-grade age with a guardian in the registry). */
  drafts?: number;
}

export interface AdmissionDemoReport {
  tables: Record<string, number>;
  campaignId: string | null;
}

const moscow = (iso: string) => new Date(`${iso}T00:00:00+03:00`);

export async function seedAdmissionDemo(tx: Executor, options: AdmissionDemoOptions): Promise<AdmissionDemoReport> {
  if (options.schoolIds.length === 0) return { tables: {}, campaignId: null };
  const campaignId = options.newId();
  const created = new Date('2026-09-15T07:00:00Z');
  await tx.insert(admissionCampaign).values({
    id: campaignId,
    municipalityId: options.municipalityId,
    year: 2027,
    stage1OpensAt: moscow('2027-03-29'),
    stage1ClosesAt: moscow('2027-07-01'),
    stage2OpensAt: moscow('2027-07-06'),
    stage2ClosesAt: moscow('2027-09-06'),
    ordering: 'receipt',
    status: 'published',
    territoryActDueOn: '2027-03-15',
    placesDueOn: '2027-03-25',
    freePlacesDueOn: '2027-07-05',
    // Order 458 §17: orders of stage 1 within 3 working days after it ends (30 June 2027).
    stage1DecisionDueOn: await addWorkingDays(tx, '2027-06-30', 3),
    publishedAt: created,
    createdAt: created,
    updatedAt: created,
  });
  await tx.insert(admissionReceiptCounter).values({ campaignId });
  await tx.insert(admissionSchoolPlan).values(
    options.schoolIds.map((organizationId, i) => {
      const classes = 2 + (i % 3);
      return { campaignId, organizationId, classes, classSize: 25, plannedPlaces: classes * 25, updatedAt: created };
    }),
  );

  // Drafts: children of first-grade age on 1 September 2027 (6.5–8 years) with a guardian.
  const families = await queryRows<{ child_id: string; guardian_id: string }>(
    tx,
    sql`SELECT DISTINCT ON (p.id) p.id::text AS child_id, gl.guardian_id::text AS guardian_id
        FROM person p JOIN guardian_link gl ON gl.child_id = p.id
        WHERE p.municipality_id = ${options.municipalityId} AND p.birth_date BETWEEN '2019-09-02' AND '2021-03-01'
        ORDER BY p.id LIMIT ${options.drafts ?? 5}`,
  );
  let drafts = 0;
  for (const [i, family] of families.entries()) {
    const schoolId = options.schoolIds[i % Math.min(3, options.schoolIds.length)]!;
    const houses = await territoryHouseIds(tx, schoolId, '2026-09-15');
    const applicationId = options.newId();
    await tx.insert(admissionApplication).values({
      id: applicationId,
      campaignId,
      municipalityId: options.municipalityId,
      organizationId: schoolId,
      childId: family.child_id,
      guardianId: family.guardian_id,
      houseId: houses[i % Math.max(1, houses.length)] ?? null,
      apartment: String(10 + i),
      registeredSince: '2021-05-20',
      inTerritory: houses.length > 0,
      status: 'draft',
      createdAt: created,
      updatedAt: created,
    });
    await tx.insert(admissionStatusChange).values({ applicationId, fromStatus: null, toStatus: 'draft', at: created, actorLabel: 'demo', reason: 'Черновик заявления создан' });
    drafts++;
  }
  return {
    campaignId,
    tables: { admission_campaign: 1, admission_receipt_counter: 1, admission_school_plan: options.schoolIds.length, admission_application: drafts, admission_status_change: drafts },
  };
}
