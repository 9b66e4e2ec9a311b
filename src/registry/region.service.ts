import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../platform/db/connect.ts';
import { krasnodarKrai, krasnodarMunicipalities } from './krasnodar-krai.ts';
import { municipality, region } from './region.schema.ts';

export type MunicipalityRow = typeof municipality.$inferSelect;

/** Installs the region and its municipalities (idempotent): reference data, not demo data. */
export async function installRegion(db: Executor): Promise<void> {
  await db.insert(region).values(krasnodarKrai).onConflictDoNothing();
  await db
    .insert(municipality)
    .values(krasnodarMunicipalities.map((m) => ({ ...m, regionId: krasnodarKrai.id })))
    .onConflictDoNothing();
}

export async function listMunicipalities(db: Executor): Promise<MunicipalityRow[]> {
  return db.select().from(municipality).orderBy(asc(municipality.id));
}

export async function findMunicipality(db: Executor, id: number): Promise<MunicipalityRow | undefined> {
  const [row] = await db.select().from(municipality).where(eq(municipality.id, id));
  return row;
}

export function municipalityName(m: Pick<MunicipalityRow, 'nameRu' | 'nameEn'>, locale: 'ru' | 'en'): string {
  return locale === 'ru' ? m.nameRu : m.nameEn;
}
