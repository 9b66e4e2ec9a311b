import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { isValidInn, isValidOgrn, isValidSnils } from '../registry/identifiers.ts';
import { krasnodarMunicipalities } from '../registry/krasnodar-krai.ts';
import { kindsInOrder, planRegion, regionAtScaleOne } from './plan.ts';
import { seedDemoRegion, SeedError, type SeedReport } from './seed.ts';

const tiny = { scale: 0.002, seed: 7 };

/** One md5 per table over every generated column, in a stable order (timestamps and salted hashes left out). */
async function digest(db: Executor): Promise<Record<string, string>> {
  const queries: Record<string, ReturnType<typeof sql>> = {
    organization: sql`SELECT md5(string_agg(concat_ws('|', id, municipality_id, kind, full_name, short_name, address, head_name, phone, email, website, inn, ogrn, licence_number, capacity), E'\n' ORDER BY id)) AS d FROM organization`,
    person: sql`SELECT md5(string_agg(concat_ws('|', id, last_name, first_name, middle_name, birth_date, sex, snils, birth_certificate_series, birth_certificate_number, passport_series, passport_number, phone, email, municipality_id, organization_id), E'\n' ORDER BY id)) AS d FROM person`,
    guardian_link: sql`SELECT md5(string_agg(concat_ws('|', guardian_id, child_id, relation), E'\n' ORDER BY guardian_id, child_id)) AS d FROM guardian_link`,
    staff_member: sql`SELECT md5(string_agg(concat_ws('|', person_id, organization_id, position, hired_on), E'\n' ORDER BY person_id, organization_id)) AS d FROM staff_member`,
    account: sql`SELECT md5(string_agg(concat_ws('|', id, login, person_id, display_name), E'\n' ORDER BY id)) AS d FROM account`,
    role_grant: sql`SELECT md5(string_agg(concat_ws('|', id, account_id, role, municipality_id, organization_id), E'\n' ORDER BY id)) AS d FROM role_grant`,
    kindergarten_group: sql`SELECT md5(string_agg(concat_ws('|', id, organization_id, name, age_group_code, orientation_code, stay_mode_code, capacity, occupied, plan_status, approved_by, approved_at), E'\n' ORDER BY id)) AS d FROM kindergarten_group`,
    preschool_application: sql`SELECT md5(string_agg(concat_ws('|', id, number, child_id, guardian_id, municipality_id, registered_at, submitted_via, desired_start_date, orientation_code, stay_mode_code, benefit_code, benefit_document, benefit_status, consent_alternative, status, status_changed_at, decision_due_at, age_group_code), E'\n' ORDER BY id)) AS d FROM preschool_application`,
    preschool_preference: sql`SELECT md5(string_agg(concat_ws('|', application_id, rank, organization_id), E'\n' ORDER BY application_id, rank)) AS d FROM preschool_preference`,
    preschool_status_change: sql`SELECT md5(string_agg(concat_ws('|', id, application_id, from_status, to_status, changed_at, actor_account_id, actor_label, reason), E'\n' ORDER BY id)) AS d FROM preschool_status_change`,
  };
  const out: Record<string, string> = {};
  for (const [table, query] of Object.entries(queries)) out[table] = (await queryRows<{ d: string }>(db, query))[0]!.d;
  return out;
}

describe('the demo region generator', () => {
  let first: TestDatabase;
  let report: SeedReport;

  before(async () => {
    first = await createTestDatabase();
    report = await seedDemoRegion(first.handle.db, tiny);
  });
  after(async () => {
    await first.drop();
  });

  test('the same scale and seed give identical rows, ids included, in a fresh database', async () => {
    const second = await createTestDatabase();
    try {
      const again = await seedDemoRegion(second.handle.db, tiny);
      assert.deepEqual(again.tables, report.tables);
      assert.deepEqual(again.anchors, report.anchors);
      assert.deepEqual(await digest(second.handle.db), await digest(first.handle.db));
    } finally {
      await second.drop();
    }
  });

  test('another seed gives another region of the same size', async () => {
    const other = await createTestDatabase();
    try {
      const different = await seedDemoRegion(other.handle.db, { ...tiny, seed: 8 });
      assert.equal(different.tables.organization, report.tables.organization);
      assert.notEqual((await digest(other.handle.db)).person, (await digest(first.handle.db)).person);
    } finally {
      await other.drop();
    }
  });

  test('the report counts the rows that are in the tables', async () => {
    for (const [table, rows] of Object.entries(report.tables)) {
      const [row] = await queryRows<{ n: number }>(first.handle.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}`);
      assert.equal(row!.n, rows, table);
    }
    assert.equal(report.rows, Object.values(report.tables).reduce((a, b) => a + b, 0));
  });

  test('every INN and OGRN passes its checksum and no two organisations share one', async () => {
    const rows = await queryRows<{ inn: string; ogrn: string }>(first.handle.db, sql`SELECT inn, ogrn FROM organization`);
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.ok(isValidInn(r.inn), r.inn);
      assert.ok(isValidOgrn(r.ogrn), r.ogrn);
    }
    assert.equal(new Set(rows.map((r) => r.inn)).size, rows.length);
    assert.equal(new Set(rows.map((r) => r.ogrn)).size, rows.length);
  });

  test('every person has a valid SNILS and no document is issued twice', async () => {
    const rows = await queryRows<{ snils: string | null }>(first.handle.db, sql`SELECT snils FROM person`);
    for (const r of rows) assert.ok(r.snils && isValidSnils(r.snils), `invalid SNILS ${r.snils}`);
    const [dupes] = await queryRows<{ snils: number; certificates: number; passports: number }>(
      first.handle.db,
      sql`SELECT
        (SELECT count(*) - count(DISTINCT snils) FROM person)::int AS snils,
        (SELECT count(*) - count(DISTINCT (birth_certificate_series, birth_certificate_number)) FROM person WHERE birth_certificate_number IS NOT NULL)::int AS certificates,
        (SELECT count(*) - count(DISTINCT (passport_series, passport_number)) FROM person WHERE passport_number IS NOT NULL)::int AS passports`,
    );
    assert.deepEqual(dupes, { snils: 0, certificates: 0, passports: 0 });
  });

  test('children have birth certificates, adults passports, and patronymics agree with sex', async () => {
    const [r] = await queryRows<{ childrenWithout: number; adultsWithout: number; wrongPatronymic: number; wrongSurname: number }>(
      first.handle.db,
      sql`SELECT
        count(*) FILTER (WHERE birth_date >= '2008-03-01' AND birth_certificate_number IS NULL)::int AS "childrenWithout",
        count(*) FILTER (WHERE birth_date < '2007-01-01' AND passport_number IS NULL)::int AS "adultsWithout",
        count(*) FILTER (WHERE (sex = 'male' AND middle_name NOT LIKE '%ич') OR (sex = 'female' AND middle_name NOT LIKE '%на'))::int AS "wrongPatronymic",
        count(*) FILTER (WHERE sex = 'female' AND (last_name LIKE '%ов' OR last_name LIKE '%ев' OR last_name LIKE '%ин' OR last_name LIKE '%ский'))::int AS "wrongSurname"
      FROM person`,
    );
    assert.deepEqual(r, { childrenWithout: 0, adultsWithout: 0, wrongPatronymic: 0, wrongSurname: 0 });
  });

  test('pupils are of school age and attend schools of their own municipality; kindergarten children are under 7', async () => {
    const [r] = await queryRows<{ pupils: number; misplaced: number; wrongAge: number; youngInKindergarten: number }>(
      first.handle.db,
      sql`SELECT
        count(*) FILTER (WHERE o.kind = 'school')::int AS pupils,
        count(*) FILTER (WHERE o.municipality_id <> p.municipality_id)::int AS misplaced,
        count(*) FILTER (WHERE o.kind = 'school' AND NOT (p.birth_date BETWEEN '2008-03-01' AND '2019-03-01'))::int AS "wrongAge",
        count(*) FILTER (WHERE o.kind = 'kindergarten' AND NOT (p.birth_date BETWEEN '2019-03-01' AND '2024-03-01'))::int AS "youngInKindergarten"
      FROM person p JOIN organization o ON o.id = p.organization_id`,
    );
    assert.equal(r!.pupils, Math.round(regionAtScaleOne.pupils * tiny.scale));
    assert.deepEqual({ ...r, pupils: 0 }, { pupils: 0, misplaced: 0, wrongAge: 0, youngInKindergarten: 0 });
  });

  test('every child has one or two guardians, older than the child by at least 19 years', async () => {
    const [r] = await queryRows<{ without: number; tooMany: number; tooYoung: number }>(
      first.handle.db,
      sql`WITH children AS (SELECT id, birth_date FROM person WHERE birth_certificate_number IS NOT NULL),
        counts AS (SELECT c.id, count(l.guardian_id) AS n FROM children c LEFT JOIN guardian_link l ON l.child_id = c.id GROUP BY c.id)
      SELECT
        (SELECT count(*) FROM counts WHERE n = 0)::int AS without,
        (SELECT count(*) FROM counts WHERE n > 2)::int AS "tooMany",
        (SELECT count(*) FROM guardian_link l JOIN person g ON g.id = l.guardian_id JOIN person c ON c.id = l.child_id
          WHERE g.birth_date > c.birth_date - interval '19 years')::int AS "tooYoung"`,
    );
    assert.deepEqual(r, { without: 0, tooMany: 0, tooYoung: 0 });
  });

  test('organisation counts follow the plan, and every municipality has a school and a kindergarten', async () => {
    const rows = await queryRows<{ municipality_id: number; kind: string; n: number }>(
      first.handle.db,
      sql`SELECT municipality_id, kind, count(*)::int AS n FROM organization GROUP BY 1, 2`,
    );
    const plan = planRegion(tiny.scale);
    for (const planned of plan) {
      for (const kind of kindsInOrder) {
        const found = rows.find((r) => r.municipality_id === planned.municipalityId && r.kind === kind)?.n ?? 0;
        assert.equal(found, planned.organizations[kind], `${kind} in municipality ${planned.municipalityId}`);
      }
      assert.ok(planned.organizations.school >= 1 && planned.organizations.kindergarten >= 1);
    }
  });

  test('every organisation has a head on its staff whose name is the head_name', async () => {
    const [r] = await queryRows<{ missing: number }>(
      first.handle.db,
      sql`SELECT count(*)::int AS missing FROM organization o WHERE NOT EXISTS (
        SELECT 1 FROM staff_member s JOIN person p ON p.id = s.person_id
        WHERE s.organization_id = o.id AND o.head_name = concat_ws(' ', p.last_name, p.first_name, p.middle_name))`,
    );
    assert.equal(r!.missing, 0);
  });

  test('organisation names read like the Krai’s: «МБОУ СОШ № 1» heads Krasnodar’s list', async () => {
    const [school] = await queryRows<{ short_name: string; full_name: string; phone: string; address: string }>(
      first.handle.db,
      sql`SELECT short_name, full_name, phone, address FROM organization WHERE id = ${report.anchors.schoolId}`,
    );
    assert.equal(school!.short_name, 'МБОУ СОШ № 1');
    assert.match(school!.full_name, /^Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 1 .*муниципального образования город Краснодар$/);
    assert.match(school!.phone, /^\+7 \(861\) \d{3}-\d{2}-\d{2}$/);
    assert.match(school!.address, /^3500\d\d, Краснодарский край, /);
  });

  test('refuses a scale or seed out of range', async () => {
    await assert.rejects(seedDemoRegion(first.handle.db, { scale: 0, seed: 1 }), SeedError);
    await assert.rejects(seedDemoRegion(first.handle.db, { scale: 3, seed: 1 }), SeedError);
    await assert.rejects(seedDemoRegion(first.handle.db, { scale: 0.01, seed: -1 }), SeedError);
  });
});

describe('the plan of the region', () => {
  test('at scale 1 each municipality gets its population share of each kind, within one', () => {
    const plan = planRegion(1);
    const population = krasnodarMunicipalities.reduce((sum, m) => sum + m.populationThousands, 0);
    for (const kind of kindsInOrder) {
      const total = plan.reduce((sum, p) => sum + p.organizations[kind], 0);
      assert.equal(total, regionAtScaleOne.organizations[kind], kind);
      for (const m of krasnodarMunicipalities) {
        const exact = (regionAtScaleOne.organizations[kind] * m.populationThousands) / population;
        const got = plan[m.id - 1]!.organizations[kind];
        assert.ok(got >= Math.floor(exact) && got <= Math.ceil(exact), `${kind} in ${m.nameRu}: ${got} vs ${exact.toFixed(2)}`);
      }
    }
    assert.equal(plan.reduce((sum, p) => sum + p.pupils, 0), regionAtScaleOne.pupils);
    assert.equal(plan.reduce((sum, p) => sum + p.preschoolChildren, 0), regionAtScaleOne.preschoolChildren);
  });

  test('Krasnodar, the largest city, has the most schools', () => {
    const plan = planRegion(1);
    const most = plan.reduce((a, b) => (b.organizations.school > a.organizations.school ? b : a));
    assert.equal(most.municipalityId, 1);
    assert.ok(Math.abs(most.organizations.school - (1200 * 1100) / 5600) < 1);
  });
});
