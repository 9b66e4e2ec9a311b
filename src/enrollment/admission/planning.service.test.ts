import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { auditEvent } from '../../platform/audit/audit.schema.ts';
import { ManualClock } from '../../platform/context.ts';
import { createStreet } from '../../registry/address.factory.ts';
import { addRule, createAct, publishAct } from '../../registry/territory.service.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createApplication, createCampaign, createPlan, createSchool } from './admission-order.fixtures.ts';
import { admissionSchoolPlan } from './admission.schema.ts';
import { changeSchoolPlan, forecastForCampaign, importBirths, pageOfReport, shortageCsv, shortageReport } from './planning.service.ts';
import { textLines } from './planning.ts';

let database: TestDatabase;
const clock = new ManualClock(new Date('2026-05-15T09:00:00Z'));
const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'test' };
let context: { db: TestDatabase['handle']['db']; clock: ManualClock };
const m = 20;
let campaign: Awaited<ReturnType<typeof createCampaign>>;
let schoolA: string;
let schoolB: string;
let houses: Map<string, string>;
let foreignHouse: string;

before(async () => {
  database = await createTestDatabase();
  context = { db: database.handle.db, clock };
  campaign = await createCampaign(context.db, { municipalityId: m });
  schoolA = (await createSchool(context.db, m, { shortName: 'Школа № 1 (нечётная сторона)' })).id;
  schoolB = (await createSchool(context.db, m, { shortName: 'Школа № 2 (чётная сторона)' })).id;
  const street = await createStreet(context.db, { municipalityId: m, houses: ['1', '2', '3', '4'] });
  houses = street.houses;
  foreignHouse = (await createStreet(context.db, { municipalityId: m + 1, houses: ['7'] })).houses.get('7')!;
  const act = await createAct(context, origin, { municipalityId: m, number: '5', signedOn: '2026-03-01', title: 'О закреплении', documentUrl: null, documentName: null, validFrom: '2026-03-10' });
  const rule = (organizationId: string, kind: 'odd' | 'even') => ({ organizationId, objectId: street.streetId, kind, numberFrom: null, numberTo: null, houseId: null });
  await addRule(context, origin, act.id, rule(schoolA, 'odd'));
  await addRule(context, origin, act.id, rule(schoolB, 'even'));
  await publishAct(context, origin, act.id);
  await createPlan(context.db, campaign.id, schoolA, 40, 20);
  await createPlan(context.db, campaign.id, schoolB, 50, 25);
});
after(() => database.drop());

describe('births import, forecast and shortage report (hand-checked fixture)', () => {
  test('the births CSV is imported per house and year; bad, unknown and foreign houses are rejected with their lines; a re-import replaces counts', async () => {
    const csv = [
      'house_guid;birth_year;count',
      `${houses.get('1')};2019;30`,
      `${houses.get('1')};2020;10`,
      `${houses.get('3')};2019;99`,
      `${houses.get('2')};2019;40`,
      `${houses.get('2')};2021;7`,
      `not-a-guid;2019;1`,
      `${randomUUID()};2019;5`,
      `${foreignHouse};2019;5`,
    ].join('\r\n');
    const report = await importBirths(context, origin, textLines(csv), [m]);
    assert.equal(report.accepted, 5);
    assert.equal(report.rejectedCount, 3);
    assert.deepEqual(report.rejected.map((r) => r.line), [7, 8, 9]);
    assert.match(report.rejected[1]!.reason.en, /no house/);
    assert.match(report.rejected[2]!.reason.en, /another municipality/);
    const again = await importBirths(context, origin, textLines(`house_guid,birth_year,count\n${houses.get('3')},2019,20\n`), [m]);
    assert.deepEqual(again, { accepted: 1, rejectedCount: 0, rejected: [] });
    await assert.rejects(importBirths(context, origin, textLines('guid;year;n\n'), [m]), (e: { status?: number }) => e.status === 422);
    const audit = await context.db.select().from(auditEvent).where(eq(auditEvent.entityType, 'admissionBirthCount'));
    assert.equal(audit.length, 2, 'one audit event per file');
  });

  test('the shortage report counts applications by level and the forecast against planned places', async () => {
    await createApplication(context.db, campaign, schoolA, { priorityCode: 'judge' });
    await createApplication(context.db, campaign, schoolA, { priorityCode: 'police' });
    await createApplication(context.db, campaign, schoolA);
    await createApplication(context.db, campaign, schoolA, { status: 'documentsChecked' });
    await createApplication(context.db, campaign, schoolA, { inTerritory: false, stage: 2 });
    await createApplication(context.db, campaign, schoolA, { status: 'withdrawn' });
    await createApplication(context.db, campaign, schoolA, { status: 'enrolled' });
    const report = await shortageReport(context.db, campaign);
    const a = report.rows.find((r) => r.organizationId === schoolA)!;
    const b = report.rows.find((r) => r.organizationId === schoolB)!;
    // births 2019: school A = houses 1 + 3 = 30 + 20 = 50 → × 90 % = 45; school B = house 2 = 40 → 36
    assert.deepEqual(a.applications, { outOfTurn: 1, first: 1, sibling: 0, territory: 3, none: 1, total: 6 });
    assert.equal(a.enrolled, 1);
    assert.deepEqual([a.births, a.forecast, a.plannedPlaces, a.shortage, a.classesNeeded], [50, 45, 40, 5, 3]);
    assert.deepEqual([b.births, b.forecast, b.plannedPlaces, b.shortage, b.classesNeeded], [40, 36, 50, 0, 2]);
    assert.deepEqual([report.total.plannedPlaces, report.total.forecast, report.total.shortage, report.total.applications.total], [90, 81, 5, 6]);

    const page = pageOfReport(report.rows, { query: 'ШКОЛА № 1', onlyShort: false, page: 1, pageSize: 10 });
    assert.deepEqual(page.rows.map((r) => r.organizationId), [schoolA]);
    assert.deepEqual(pageOfReport(report.rows, { query: '', onlyShort: true, page: 1, pageSize: 10 }).rows.map((r) => r.organizationId), [schoolA]);
    assert.equal(pageOfReport(report.rows, { query: '', onlyShort: false, page: 2, pageSize: 1 }).rows[0]!.organizationId, schoolB, 'shortage first, then by name');

    const csv = shortageCsv(report, 'ru');
    assert.ok(csv.startsWith('\ufeffШкола;'));
    assert.ok(csv.includes('Школа № 1 (нечётная сторона);2;20;40;1;1;0;3;1;6;1;50;45;5;3\r\n'), csv);
    assert.ok(csv.endsWith('Итого по муниципалитету;;;90;1;1;0;3;1;6;1;90;81;5;\r\n'), csv);
  });

  test('the forecast for the next six years takes the cohort born seven years before each school year', async () => {
    const forecast = await forecastForCampaign(context.db, campaign);
    const a = forecast.schools.find((s) => s.organizationId === schoolA)!;
    const b = forecast.schools.find((s) => s.organizationId === schoolB)!;
    assert.deepEqual(a.years.map((y) => y.schoolYear), [2027, 2028, 2029, 2030, 2031, 2032]);
    assert.deepEqual(a.years.map((y) => y.forecast), [9, 0, 0, 0, 0, 0], '2020 births in house 1: 10 × 90 %');
    assert.deepEqual(b.years.map((y) => y.forecast), [0, 6, 0, 0, 0, 0], '2021 births in house 2: 7 × 90 % = 6.3');
    assert.deepEqual(forecast.total.map((y) => y.births), [10, 7, 0, 0, 0, 0]);
    assert.equal(forecast.observed, null, 'no campaign the year before');

    // Last year's campaign: 3 territory applications (a withdrawn one and an outsider do not count) for 4 births of 2018 → 75 %.
    const previous = await createCampaign(context.db, { municipalityId: m, year: 2025 });
    for (let i = 0; i < 3; i++) await createApplication(context.db, previous, schoolA, { status: i === 0 ? 'refused' : 'enrolled' });
    await createApplication(context.db, previous, schoolA, { status: 'withdrawn' });
    await createApplication(context.db, previous, schoolA, { inTerritory: false });
    await importBirths(context, origin, textLines(`house_guid,birth_year,count\n${houses.get('4')},2018,4\n`), [m]);
    assert.deepEqual((await forecastForCampaign(context.db, campaign)).observed, { year: 2025, applications: 3, births: 4, percent: 75 });
  });

  test('opening a class raises planned places (classes × size), audited; fewer places than enrolled is refused', async () => {
    await changeSchoolPlan(context, origin, campaign, schoolA, { classes: '3', classSize: '20' });
    const [plan] = await context.db.select().from(admissionSchoolPlan).where(eq(admissionSchoolPlan.organizationId, schoolA));
    assert.deepEqual([plan!.classes, plan!.plannedPlaces], [3, 60]);
    const audit = await context.db.select().from(auditEvent).where(eq(auditEvent.entityType, 'admission_school_plan'));
    assert.ok(audit.length >= 1);
    await assert.rejects(changeSchoolPlan(context, origin, campaign, schoolA, { classes: '0', classSize: '20' }), (e: { status?: number; fields?: Record<string, { en: string }> }) => e.status === 422 && /enrolled/.test(e.fields!.classes!.en));
    await assert.rejects(changeSchoolPlan(context, origin, campaign, schoolA, { classes: '2', classSize: '41' }), (e: { status?: number }) => e.status === 422);
  });
});
