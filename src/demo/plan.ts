/**
 * How big the demo region is at a given scale: organisations of each kind, pupils and preschool
 * children per municipality, in proportion to population (largest-remainder apportionment, so
 * each municipality is within one of its exact share). Scale 1 is the whole Krai as it is.
 */
import { krasnodarMunicipalities } from '../registry/krasnodar-krai.ts';
import type { OrganizationKind } from '../registry/organization.schema.ts';
import { apportion } from './random.ts';

/** The Krai at scale 1 (shared/domain/region.md: ~1,200 schools, 1,576 kindergartens, 780,000 pupils). */
export const regionAtScaleOne = {
  organizations: { school: 1200, kindergarten: 1550, clubProvider: 600, college: 70, camp: 60 } satisfies Record<OrganizationKind, number>,
  pupils: 780_000,
  preschoolChildren: 270_000,
};

/** Kinds in generation order: the demo school is the first school of municipality 1. */
export const kindsInOrder: OrganizationKind[] = ['school', 'kindergarten', 'clubProvider', 'college', 'camp'];

export interface MunicipalityPlan {
  municipalityId: number;
  organizations: Record<OrganizationKind, number>;
  pupils: number;
  preschoolChildren: number;
}

export function planRegion(scale: number): MunicipalityPlan[] {
  const weights = krasnodarMunicipalities.map((m) => m.populationThousands);
  const byKind = {} as Record<OrganizationKind, number[]>;
  for (const kind of kindsInOrder) {
    const counts = apportion(Math.max(1, Math.round(regionAtScaleOne.organizations[kind] * scale)), weights);
    // Every municipality has at least one school and one kindergarten, however small the scale:
    // children there need somewhere to go, and every operator's demo needs something to show.
    byKind[kind] = kind === 'school' || kind === 'kindergarten' ? counts.map((c) => Math.max(1, c)) : counts;
  }
  const pupils = apportion(Math.round(regionAtScaleOne.pupils * scale), weights);
  const preschool = apportion(Math.round(regionAtScaleOne.preschoolChildren * scale), weights);
  return krasnodarMunicipalities.map((m, i) => ({
    municipalityId: m.id,
    organizations: {
      school: byKind.school[i]!,
      kindergarten: byKind.kindergarten[i]!,
      clubProvider: byKind.clubProvider[i]!,
      college: byKind.college[i]!,
      camp: byKind.camp[i]!,
    },
    pupils: pupils[i]!,
    preschoolChildren: preschool[i]!,
  }));
}
