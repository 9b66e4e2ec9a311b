import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { anonymous } from '../../platform/access/access.ts';
import { auditEvent } from '../../platform/audit/audit.schema.ts';
import type { AppError } from '../../platform/errors.ts';
import {
  ageGroupFor,
  ageInMonths,
  ageReferenceDate,
  createReferenceItem,
  getPreschoolSettings,
  listReference,
  parseReferenceInput,
  parseSettingsInput,
  setReferenceItemActive,
  updatePreschoolSettings,
  updateReferenceItem,
} from './reference.service.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const origin = { actor: anonymous, ip: '127.0.0.1', requestId: 'test' };
const now = new Date('2026-03-02T09:00:00Z');

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

const september = { ageReferenceDay: 1, ageReferenceMonth: 9, maxAgeYears: 8 };
const groups = [
  { code: '0-1', minMonths: 2, maxMonths: 12, sort: 1 },
  { code: '1-2', minMonths: 12, maxMonths: 24, sort: 2 },
  { code: '2-3', minMonths: 24, maxMonths: 36, sort: 3 },
  { code: '3-4', minMonths: 36, maxMonths: 48, sort: 4 },
  { code: '6-7', minMonths: 72, maxMonths: 96, sort: 7 },
];

test('age is counted in whole months: the month completes on the birth day', () => {
  assert.equal(ageInMonths('2023-09-01', '2026-09-01'), 36);
  assert.equal(ageInMonths('2023-09-02', '2026-09-01'), 35);
  assert.equal(ageInMonths('2023-08-31', '2026-09-01'), 36);
  assert.equal(ageInMonths('2026-09-02', '2026-09-01'), -1);
});

test('a month with no matching day completes on its last day (Civil Code art. 192)', () => {
  assert.equal(ageInMonths('2026-01-31', '2026-02-28'), 1);
  assert.equal(ageInMonths('2026-01-31', '2026-02-27'), 0);
  // born on a leap day: one year old on 28 February of a common year, not 1 March
  assert.equal(ageInMonths('2024-02-29', '2025-02-28'), 12);
  assert.equal(ageInMonths('2024-02-29', '2025-02-27'), 11);
  assert.equal(ageInMonths('2024-02-29', '2028-02-28'), 47);
  assert.equal(ageInMonths('2024-02-29', '2028-02-29'), 48);
});

test('the age group is taken on 1 September of the year of the desired start', () => {
  // three years old exactly on 1 September → 3-4, even if the start is in January next year
  assert.equal(ageGroupFor('2023-09-01', '2026-09-15', september, groups)?.code, '3-4');
  // one day short of three on 1 September → 2-3
  assert.equal(ageGroupFor('2023-09-02', '2026-09-15', september, groups)?.code, '2-3');
  // the year of the desired start decides, not its month: January 2026 counts on 1 September 2026
  assert.equal(ageGroupFor('2023-09-02', '2026-01-10', september, groups)?.code, '2-3');
  assert.equal(ageGroupFor('2023-09-02', '2027-01-10', september, groups)?.code, '3-4');
});

test('the reference day and month come from the settings', () => {
  const january = { ageReferenceDay: 1, ageReferenceMonth: 1, maxAgeYears: 8 };
  assert.equal(ageGroupFor('2023-09-02', '2027-05-01', january, groups)?.code, '3-4');
  assert.equal(ageReferenceDate('2027-05-01', { ageReferenceDay: 29, ageReferenceMonth: 2 }), '2027-02-28');
  assert.equal(ageReferenceDate('2028-05-01', { ageReferenceDay: 29, ageReferenceMonth: 2 }), '2028-02-29');
});

test('too young, too old or past the maximum age of registration gives no age group', () => {
  // one month old on the reference date: below the youngest group (2 months)
  assert.equal(ageGroupFor('2026-08-01', '2026-09-01', september, groups), null);
  // not yet born on the reference date
  assert.equal(ageGroupFor('2026-10-01', '2026-11-01', september, groups), null);
  // 4 to 6 years has no group in this list
  assert.equal(ageGroupFor('2021-09-01', '2026-09-01', september, groups), null);
  // eight years old: past registration even though 6-7 reaches 96 months
  assert.equal(ageGroupFor('2018-09-01', '2026-09-01', { ...september, maxAgeYears: 7 }, groups), null);
  assert.equal(ageGroupFor('2019-09-02', '2026-09-01', september, groups)?.code, '6-7');
});

test('an inactive age group is not chosen', () => {
  const withInactive = [{ code: 'old', minMonths: 36, maxMonths: 48, sort: 0, active: false }, ...groups];
  assert.equal(ageGroupFor('2023-09-01', '2026-09-01', september, withInactive)?.code, '3-4');
});

test('the settings row is created with the regulation defaults on first use', async () => {
  const settings = await getPreschoolSettings(db());
  assert.equal(settings.maxPreferences, 5);
  assert.equal(settings.ageReferenceMonth, 9);
  assert.equal(settings.ageReferenceDay, 1);
  const again = await getPreschoolSettings(db());
  assert.equal(again.regionId, settings.regionId);
});

test('settings are validated with a message per field', () => {
  const result = parseSettingsInput({ maxPreferences: '0', offerAcceptanceDays: 'десять', registrationDecisionDays: '15', ageReferenceDay: '31', ageReferenceMonth: '2', maxAgeYears: '8' });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(Object.keys(result.errors).sort(), ['ageReferenceDay', 'maxPreferences', 'offerAcceptanceDays']);
  assert.match(result.errors.maxPreferences!.ru, /от 1 до 20/);
});

test('a settings change is saved and audited', async () => {
  const parsed = parseSettingsInput({ maxPreferences: 3, offerAcceptanceDays: 7, registrationDecisionDays: 15, ageReferenceDay: 1, ageReferenceMonth: 9, maxAgeYears: 8 });
  assert.ok(parsed.ok);
  const saved = await updatePreschoolSettings(db(), origin, parsed.value, now);
  assert.equal(saved.maxPreferences, 3);
  assert.equal((await getPreschoolSettings(db())).offerAcceptanceDays, 7);
  const events = await db().select().from(auditEvent).where(eq(auditEvent.entityType, 'preschool_setting'));
  const changes = events.map((e) => (e.details as { changes?: Record<string, unknown> }).changes);
  assert.ok(changes.some((c) => c?.maxPreferences !== undefined));
  assert.deepEqual(changes.find((c) => c?.maxPreferences)?.maxPreferences, { from: 5, to: 3 });
});

test('a benefit needs a level, a legal basis and a proving document', () => {
  const result = parseReferenceInput('benefits', { code: 'x', nameRu: 'Льгота', nameEn: 'Benefit', level: 'vip' }, 'create');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(Object.keys(result.errors).sort(), ['legalBasis', 'level', 'provingDocument']);
});

test('an age group needs an upper bound above its lower bound', () => {
  const result = parseReferenceInput('ageGroups', { code: 'g', nameRu: 'Г', nameEn: 'G', minMonths: '24', maxMonths: '24' }, 'create');
  assert.equal(result.ok, false);
});

test('entries are added, edited and deactivated, never deleted, each change audited', async () => {
  const code = `o${crypto.randomBytes(3).toString('hex')}`;
  const parsed = parseReferenceInput('orientations', { code, nameRu: 'Новая', nameEn: 'New', sort: '9' }, 'create');
  assert.ok(parsed.ok);
  await createReferenceItem(db(), origin, 'orientations', parsed.value);
  await updateReferenceItem(db(), origin, 'orientations', code, { nameRu: 'Переименованная', nameEn: 'Renamed', sort: 9 });
  await setReferenceItemActive(db(), origin, 'orientations', code, false);
  const all = await listReference(db(), 'orientations');
  assert.equal(all.find((o) => o.code === code)?.nameRu, 'Переименованная');
  assert.equal(all.find((o) => o.code === code)?.active, false);
  const active = await listReference(db(), 'orientations', { activeOnly: true });
  assert.ok(!active.some((o) => o.code === code));
  const events = await db().select().from(auditEvent).where(and(eq(auditEvent.entityType, 'preschool_orientation'), eq(auditEvent.entityId, code)));
  assert.deepEqual(events.map((e) => e.action), ['create', 'update', 'update']);
});

test('a code already in use cannot be added again', async () => {
  await assert.rejects(
    createReferenceItem(db(), origin, 'stayModes', { code: 'fullDay', nameRu: 'Дубль', nameEn: 'Duplicate', sort: 1 }),
    (e: AppError) => e.status === 422 && !!e.fields.code,
  );
});
