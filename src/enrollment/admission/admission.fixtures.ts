/**
 * Test and demo support for admission: a municipality's schools, a street whose houses are
 * assigned to the first school by a published territory act, and a family (guardian + child of
 * first-grade age). Written through the registry's services and factories.
 */
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import type { Clock } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { createSettlement, createStreet } from '../../registry/address.factory.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson, linkGuardianDirectly } from '../../registry/person.factory.ts';
import { addRule, createAct, publishAct } from '../../registry/territory.service.ts';
import type { Database } from '../../platform/db/connect.ts';

export interface AdmissionArea {
  municipalityId: number;
  schoolIds: string[];
  /** house spec → house id; every house of the street belongs to schoolIds[0] */
  houses: Map<string, string>;
  streetLabel: string;
}

const fixtureOrigin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: null };

export async function createAdmissionArea(
  context: { db: Database; clock: Clock },
  options: { municipalityId?: number; schools?: number; street?: string; actValidFrom?: string } = {},
): Promise<AdmissionArea> {
  const municipalityId = options.municipalityId ?? 1;
  const db = context.db;
  const schoolIds: string[] = [];
  for (let i = 0; i < (options.schools ?? 2); i++) schoolIds.push((await createOrganization(db, { municipalityId, kind: 'school', shortName: `Школа № ${100 + i} (${municipalityId})` })).id);
  const city = await createSettlement(db, { municipalityId, name: 'Краснодар' });
  const street = options.street ?? 'Красная';
  const created = await createStreet(db, { municipalityId, settlement: city, street, houses: ['1', '2', '3', '5!'] });
  const act = await createAct(context, fixtureOrigin, {
    municipalityId,
    number: `Т-${municipalityId}`,
    signedOn: '2026-01-10',
    title: 'О закреплении территорий за школами',
    documentUrl: null,
    documentName: null,
    validFrom: options.actValidFrom ?? '2026-01-15',
  });
  await addRule(context, fixtureOrigin, act.id, { organizationId: schoolIds[0]!, objectId: created.streetId, kind: 'wholeStreet', numberFrom: null, numberTo: null, houseId: null });
  await publishAct(context, fixtureOrigin, act.id);
  return { municipalityId, schoolIds, houses: created.houses, streetLabel: `${city.label}, ул ${street}` };
}

/** A guardian and a child aged about seven on 1 September of `year`, linked in the registry. */
export async function createFamily(db: Executor, options: { municipalityId?: number; year?: number } = {}): Promise<{ guardianId: string; childId: string; guardianSnils: string }> {
  const municipalityId = options.municipalityId ?? 1;
  const year = options.year ?? 2027;
  const guardian = await createPerson(db, { birthDate: '1990-02-01', municipalityId });
  const child = await createPerson(db, { birthDate: `${year - 7}-03-15`, municipalityId });
  await linkGuardianDirectly(db, guardian.id, child.id);
  return { guardianId: guardian.id, childId: child.id, guardianSnils: guardian.snils! };
}
