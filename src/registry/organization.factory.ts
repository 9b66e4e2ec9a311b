/**
 * Test support: valid organisations with overrides. Other modules' tests import this; keep the
 * signatures stable: `buildOrganization(overrides)` (a row to insert, not inserted) and
 * `createOrganization(db, overrides)` (inserted, returns the row). Rows are written directly,
 * without an audit event: this builds test data, it is not a user's action.
 */
import type { Executor } from '../platform/db/connect.ts';
import { innCheckDigit, ogrnCheckDigit } from './identifiers.ts';
import { organization, type OrganizationKind } from './organization.schema.ts';

export type OrganizationRecord = typeof organization.$inferSelect;
export type NewOrganization = typeof organization.$inferInsert;

let sequence = 0;

/** A valid INN of a Krasnodar Krai legal entity (starts with 23), unique within the process. */
export function buildInn(n = ++sequence): string {
  const first9 = `23${String((n * 7919 + process.pid) % 10_000_000).padStart(7, '0')}`;
  return first9 + String(innCheckDigit(first9));
}

/** A valid OGRN (1 = legal entity, 02 = year, 23 = region), unique within the process. */
export function buildOgrn(n = ++sequence): string {
  const first12 = `10223${String((n * 104_729 + process.pid) % 10_000_000).padStart(7, '0')}`;
  return first12 + String(ogrnCheckDigit(first12));
}

const kindWords: Record<OrganizationKind, [string, string]> = {
  school: ['Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа', 'МБОУ СОШ'],
  kindergarten: ['Муниципальное бюджетное дошкольное образовательное учреждение детский сад', 'МБДОУ д/с'],
  clubProvider: ['Муниципальное бюджетное учреждение дополнительного образования центр творчества', 'МБУ ДО ЦТ'],
  college: ['Государственное бюджетное профессиональное образовательное учреждение колледж', 'ГБПОУ колледж'],
  camp: ['Муниципальное бюджетное учреждение детский оздоровительный лагерь', 'МБУ ДОЛ'],
};

/** A valid organisation (school no. N in Krasnodar unless overridden); not inserted. */
export function buildOrganization(overrides: Partial<NewOrganization> = {}): NewOrganization {
  const n = ++sequence;
  const kind = overrides.kind ?? 'school';
  const [full, short] = kindWords[kind];
  return {
    municipalityId: 1,
    kind,
    fullName: `${full} № ${n}`,
    shortName: `${short} № ${n}`,
    address: `350000, г. Краснодар, ул. Красная, д. ${n}`,
    headName: 'Иванова Мария Петровна',
    phone: '+7 (861) 255-12-34',
    email: `org${n}@edu.kuban.example`,
    website: `https://org${n}.edu.kuban.example`,
    inn: buildInn(n),
    ogrn: buildOgrn(n),
    licenceNumber: `Л035-01218-23/00${String(n).padStart(6, '0')}`,
    capacity: 500,
    ...overrides,
  };
}

/** Inserts a valid organisation with the overrides and returns the stored row. */
export async function createOrganization(db: Executor, overrides: Partial<NewOrganization> = {}): Promise<OrganizationRecord> {
  const [row] = await db.insert(organization).values(buildOrganization(overrides)).returning();
  return row!;
}
