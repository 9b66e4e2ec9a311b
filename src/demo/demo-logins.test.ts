import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { Agent, createTestApp, type TestApp } from '../../test/support/app.ts';
import { queryRows } from '../platform/db/connect.ts';
import { demoAccounts } from './demo-accounts.ts';
import { seedDemoRegion, type SeedReport } from './seed.ts';

let t: TestApp;
let report: SeedReport;
before(async () => {
  t = await createTestApp();
  report = await seedDemoRegion(t.context.db, { scale: 0.002, seed: 1 });
});
after(async () => {
  await t.close();
});

test('every demo account logs in with the password listed in demo-accounts.ts', async () => {
  for (const demo of demoAccounts) {
    const agent = new Agent(t.app);
    const response = await agent.login(demo.login, demo.password);
    assert.equal(response.statusCode, 303, `${demo.login} could not log in`);
    assert.doesNotMatch(String(response.headers.location), /^\/login/, demo.login);
    assert.match((await agent.get('/')).body, /Выйти/, demo.login);
  }
});

test('each demo account holds the role and scope demo-accounts.ts gives it', async () => {
  const grants = await queryRows<{ login: string; role: string; municipality_id: number | null; organization_id: string | null }>(
    t.context.db,
    sql`SELECT a.login, g.role, g.municipality_id, g.organization_id FROM account a JOIN role_grant g ON g.account_id = a.id`,
  );
  for (const demo of demoAccounts) {
    const grant = grants.find((g) => g.login === demo.login);
    assert.ok(grant, demo.login);
    assert.equal(grant.role, demo.role);
    const scope = demo.scope;
    assert.equal(grant.municipality_id, scope.kind === 'municipality' ? scope.municipalityId : null, demo.login);
    assert.equal(grant.organization_id, scope.kind === 'demoSchool' ? report.anchors.schoolId : null, demo.login);
  }
});

test('the head and the teacher are on the staff of the demo school under their own names', async () => {
  const rows = await queryRows<{ login: string; position: string; name: string; display_name: string }>(
    t.context.db,
    sql`SELECT a.login, s.position, concat_ws(' ', p.last_name, p.first_name, p.middle_name) AS name, a.display_name
        FROM account a JOIN person p ON p.id = a.person_id JOIN staff_member s ON s.person_id = p.id
        WHERE s.organization_id = ${report.anchors.schoolId}`,
  );
  const head = rows.find((r) => r.login === 'head');
  const teacher = rows.find((r) => r.login === 'teacher');
  assert.equal(head?.position, 'директор');
  assert.equal(head?.name, head?.display_name);
  assert.match(teacher?.position ?? '', /^учитель /);
  assert.equal(teacher?.name, teacher?.display_name);
  const [school] = await queryRows<{ head_name: string }>(t.context.db, sql`SELECT head_name FROM organization WHERE id = ${report.anchors.schoolId}`);
  assert.equal(school!.head_name, head?.name);
});

test('the parent is the guardian of a pupil of the demo school and of a kindergarten child; the pupil logs in as that child', async () => {
  const children = await queryRows<{ id: string; kind: string | null; organization_id: string | null; relation: string }>(
    t.context.db,
    sql`SELECT c.id, o.kind, c.organization_id, l.relation
        FROM account a JOIN guardian_link l ON l.guardian_id = a.person_id
        JOIN person c ON c.id = l.child_id LEFT JOIN organization o ON o.id = c.organization_id
        WHERE a.login = 'parent'`,
  );
  assert.ok(children.length >= 2);
  const pupil = children.find((c) => c.organization_id === report.anchors.schoolId);
  assert.ok(pupil, 'a child at the demo school');
  assert.ok(children.some((c) => c.kind === 'kindergarten'), 'a child in a kindergarten');
  assert.ok(children.every((c) => c.relation === 'mother'));
  const [pupilAccount] = await queryRows<{ person_id: string }>(t.context.db, sql`SELECT person_id FROM account WHERE login = 'pupil'`);
  assert.equal(pupilAccount!.person_id, pupil.id);
});
