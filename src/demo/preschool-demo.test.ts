import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { queryRows } from '../platform/db/connect.ts';
import { findQueuePosition } from '../enrollment/preschool/application.service.ts';
import { ageGroupFor, ageInMonths, getPreschoolSettings, listReference } from '../enrollment/preschool/reference.service.ts';
import { activeStatuses } from '../enrollment/preschool/status.ts';
import { demoAgeGroups, desiredStartFor, planGroups } from './preschool-demo.ts';
import { Random } from './random.ts';
import { seedDemoRegion, type SeedReport } from './seed.ts';

const region = { scale: 0.005, seed: 11 };

describe('the demo region’s kindergarten service', () => {
  let database: TestDatabase;
  let report: SeedReport;

  before(async () => {
    database = await createTestDatabase();
    report = await seedDemoRegion(database.handle.db, region);
  });
  after(async () => {
    await database.drop();
  });

  test('every kindergarten has groups of ages 1–2 … 6–7 with 20–25 places, nearly full, and the plan approved', async () => {
    const rows = await queryRows<{ organization_id: string; ages: string[]; groups: number; draft: number; bad_capacity: number; over: number; free: number; approver: number }>(
      database.handle.db,
      sql`SELECT o.id::text AS organization_id, array_agg(DISTINCT g.age_group_code ORDER BY g.age_group_code) AS ages, count(g.id)::int AS groups,
            count(*) FILTER (WHERE g.plan_status <> 'approved' OR g.approved_at IS NULL)::int AS draft,
            count(*) FILTER (WHERE g.capacity NOT BETWEEN 20 AND 25)::int AS bad_capacity,
            count(*) FILTER (WHERE g.occupied > g.capacity OR g.occupied < g.capacity - 3)::int AS over,
            coalesce(sum(g.capacity - g.occupied), 0)::int AS free,
            count(g.approved_by)::int AS approver
          FROM organization o LEFT JOIN kindergarten_group g ON g.organization_id = o.id
          WHERE o.kind = 'kindergarten' GROUP BY o.id, o.municipality_id ORDER BY o.id`,
    );
    assert.ok(rows.length > 40);
    for (const r of rows) {
      assert.deepEqual(r.ages, [...demoAgeGroups], r.organization_id);
      assert.ok(r.groups >= 6 && r.groups <= 10, `${r.groups} groups`);
      assert.deepEqual([r.draft, r.bad_capacity, r.over], [0, 0, 0], r.organization_id);
    }
    assert.ok(rows.reduce((sum, r) => sum + r.free, 0) > 0, 'some places are free');
    assert.equal(report.tables.kindergarten_group, rows.reduce((sum, r) => sum + r.groups, 0));
  });

  test('waiting children are in the queue with the history new → documentsChecked → inQueue, in time order', async () => {
    const rows = await queryRows<{ status: string; statuses: string; ordered: boolean; last_at_matches: boolean; in_kindergarten: boolean; numbered: boolean }>(
      database.handle.db,
      sql`SELECT a.status,
            (SELECT string_agg(coalesce(h.from_status, '-') || '>' || h.to_status, ' ' ORDER BY h.id) FROM preschool_status_change h WHERE h.application_id = a.id) AS statuses,
            (SELECT bool_and(h.changed_at >= a.registered_at AND h.changed_at <= a.status_changed_at) FROM preschool_status_change h WHERE h.application_id = a.id) AS ordered,
            a.status_changed_at = (SELECT max(h.changed_at) FROM preschool_status_change h WHERE h.application_id = a.id) AS last_at_matches,
            c.organization_id IS NOT NULL AS in_kindergarten,
            a.number ~ ('^23-' || lpad(a.municipality_id::text, 2, '0') || '-20(23|24|25)-[0-9]{6}$') AS numbered
          FROM preschool_application a JOIN person c ON c.id = a.child_id`,
    );
    assert.ok(rows.length >= 10, `${rows.length} applications`);
    assert.equal(rows.length, report.tables.preschool_application);
    for (const r of rows) {
      assert.deepEqual(r, { status: 'inQueue', statuses: '->new new>documentsChecked documentsChecked>inQueue', ordered: true, last_at_matches: true, in_kindergarten: false, numbered: true });
    }
  });

  test('registration dates lie in the two years before the snapshot, after the birth', async () => {
    const [r] = await queryRows<{ first: string; last: string; unborn: number; due: number }>(
      database.handle.db,
      sql`SELECT min(a.registered_at)::date::text AS first, max(a.registered_at)::date::text AS last,
            count(*) FILTER (WHERE a.registered_at::date <= c.birth_date)::int AS unborn,
            count(*) FILTER (WHERE a.decision_due_at <> a.registered_at + interval '15 days')::int AS due
          FROM preschool_application a JOIN person c ON c.id = a.child_id`,
    );
    assert.ok(r!.first >= '2023-09-01' && r!.last < '2025-09-01', `${r!.first} … ${r!.last}`);
    assert.deepEqual([r!.unborn, r!.due], [0, 0]);
  });

  test('the stored age group is what registration computes, and the child is 1½–7 on the desired start', async () => {
    const settings = await getPreschoolSettings(database.handle.db);
    const ageGroups = await listReference(database.handle.db, 'ageGroups');
    const rows = await queryRows<{ birth_date: string; desired_start_date: string; age_group_code: string }>(
      database.handle.db,
      sql`SELECT to_char(c.birth_date, 'YYYY-MM-DD') AS birth_date, to_char(a.desired_start_date, 'YYYY-MM-DD') AS desired_start_date, a.age_group_code
          FROM preschool_application a JOIN person c ON c.id = a.child_id`,
    );
    for (const r of rows) {
      assert.equal(r.age_group_code, ageGroupFor(r.birth_date, r.desired_start_date, settings, ageGroups)?.code);
      const months = ageInMonths(r.birth_date, r.desired_start_date);
      assert.ok(months >= 18 && months < 84, `${months} months`);
    }
  });

  test('each application lists 1–5 kindergartens of its own municipality, ranked from 1', async () => {
    const rows = await queryRows<{ n: number; ranks: string; foreign: number }>(
      database.handle.db,
      sql`SELECT count(p.rank)::int AS n, string_agg(p.rank::text, ',' ORDER BY p.rank) AS ranks,
            count(*) FILTER (WHERE o.kind <> 'kindergarten' OR o.municipality_id <> a.municipality_id)::int AS foreign
          FROM preschool_application a JOIN preschool_preference p ON p.application_id = a.id JOIN organization o ON o.id = p.organization_id
          GROUP BY a.id`,
    );
    assert.equal(rows.length, report.tables.preschool_application);
    for (const r of rows) {
      assert.ok(r.n >= 1 && r.n <= 5);
      assert.equal(r.ranks, Array.from({ length: r.n }, (_, i) => i + 1).join(','));
      assert.equal(r.foreign, 0);
    }
  });

  test('one active application per child, none for the demo parent’s child, benefits only verified with a document', async () => {
    const [r] = await queryRows<{ twice: number; demo: number; verified: number; bad_benefit: number }>(
      database.handle.db,
      sql`SELECT
            (SELECT count(*) FROM (SELECT child_id FROM preschool_application WHERE status IN ${sql.raw(`(${activeStatuses.map((s) => `'${s}'`).join(', ')})`)}
              GROUP BY child_id HAVING count(*) > 1) d)::int AS twice,
            (SELECT count(*) FROM preschool_application WHERE child_id = ${report.anchors.preschoolChildPersonId})::int AS demo,
            (SELECT count(*) FROM preschool_application WHERE benefit_status = 'verified')::int AS verified,
            (SELECT count(*) FROM preschool_application WHERE benefit_status NOT IN ('none', 'verified')
              OR (benefit_status = 'verified' AND (benefit_code IS NULL OR benefit_document IS NULL)))::int AS bad_benefit`,
    );
    assert.deepEqual({ twice: r!.twice, demo: r!.demo, bad_benefit: r!.bad_benefit }, { twice: 0, demo: 0, bad_benefit: 0 });
    assert.ok(r!.verified < report.tables.preschool_application! * 0.3);
  });

  test('the number sequence continues after the seeded numbers', async () => {
    const [r] = await queryRows<{ top: number; next: number }>(
      database.handle.db,
      sql`SELECT max(right(number, 6)::int) AS top, nextval('preschool_application_number')::int AS next FROM preschool_application`,
    );
    assert.equal(r!.top, report.tables.preschool_application);
    assert.equal(r!.next, r!.top + 1);
  });

  test('the queue position of a seeded application is found at each preferred kindergarten', async () => {
    const [application] = await queryRows<{ id: string; preferences: number; age_group_code: string }>(
      database.handle.db,
      sql`SELECT a.id::text AS id, a.age_group_code, (SELECT count(*) FROM preschool_preference p WHERE p.application_id = a.id)::int AS preferences
          FROM preschool_application a WHERE a.municipality_id = 1 ORDER BY a.registered_at DESC LIMIT 1`,
    );
    assert.ok(application, 'Krasnodar has a waiting list');
    const position = await findQueuePosition(database.handle.db, application.id);
    assert.equal(position?.status, 'inQueue');
    assert.equal(position?.ageGroupCode, application.age_group_code);
    assert.equal(position?.places.length, application.preferences);
    for (const place of position!.places) assert.ok(place.position >= 1 && place.position <= place.total && place.ahead === place.position - 1);
  });
});

describe('the demo groups and desired start dates', () => {
  test('a kindergarten gets 6–10 groups covering ages 1–2 … 6–7, 20–25 places, at most 3 free', () => {
    const random = new Random(5, 1);
    for (const target of [5, 120, 400]) {
      const groups = planGroups(random, target);
      assert.ok(groups.length >= 6 && groups.length <= 10);
      assert.deepEqual([...new Set(groups.map((g) => g.ageGroupCode))].sort(), [...demoAgeGroups]);
      assert.equal(new Set(groups.map((g) => g.name)).size, groups.length, 'names are unique in a kindergarten');
      for (const g of groups) assert.ok(g.capacity >= 20 && g.capacity <= 25 && g.occupied <= g.capacity && g.occupied >= g.capacity - 3);
    }
  });

  test('the desired start is a first of the month when the child is 1½ to 7', () => {
    const random = new Random(5, 2);
    for (const birth of ['2019-03-01', '2019-12-31', '2022-06-15', '2024-03-01', '2024-08-31', '2025-07-31']) {
      const start = desiredStartFor(random, birth);
      assert.ok(start, birth);
      assert.match(start, /-01$/);
      const months = ageInMonths(birth, start);
      assert.ok(months >= 18 && months < 84, `${birth} → ${start}: ${months} months`);
    }
  });
});
