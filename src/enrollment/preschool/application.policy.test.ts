import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor, Grant } from '../../platform/access/access.ts';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson, linkGuardianDirectly } from '../../registry/person.factory.ts';
import { applicationCreatePolicy, applicationListScope, applicationPolicy, type ApplicationAccessFacts } from './application.policy.ts';
import { can } from '../../platform/access/access.ts';
import { queryRows } from '../../platform/db/connect.ts';
import { sql } from 'drizzle-orm';

function actor(grants: Grant[], personId: string | null = null): Actor {
  return { kind: 'account', accountId: 'a', personId, displayName: 'x', grants, via: 'session' };
}
const application: ApplicationAccessFacts = { municipalityId: 1, guardianId: 'g-applicant', childGuardianIds: ['g-applicant', 'g-other-parent'] };
const guardianGrant: Grant = { role: 'guardian', municipalityId: null, organizationId: null };

test('a guardian reads, edits and withdraws the applications of their own children only, and never manages them', () => {
  for (const personId of ['g-applicant', 'g-other-parent']) {
    const g = actor([guardianGrant], personId);
    assert.ok(can(g, applicationPolicy, 'read', application), personId);
    assert.ok(can(g, applicationPolicy, 'editPreferences', application));
    assert.ok(can(g, applicationPolicy, 'withdraw', application));
    assert.ok(!can(g, applicationPolicy, 'manage', application));
  }
  assert.ok(!can(actor([guardianGrant], 'g-stranger'), applicationPolicy, 'read', application));
  // a person id without the guardian role is not enough
  assert.ok(!can(actor([], 'g-applicant'), applicationPolicy, 'read', application));
  assert.deepEqual(applicationListScope(actor([guardianGrant], 'g-applicant'), 'own'), { kind: 'some', municipalityIds: [], guardianPersonId: 'g-applicant' });
});

test('a municipal operator manages the applications of their municipality only; a regional admin all; a head none', () => {
  const operator = actor([{ role: 'municipalOperator', municipalityId: 1, organizationId: null }]);
  const elsewhere = actor([{ role: 'municipalOperator', municipalityId: 2, organizationId: null }]);
  const admin = actor([{ role: 'regionalAdmin', municipalityId: null, organizationId: null }]);
  const head = actor([{ role: 'organizationHead', municipalityId: 1, organizationId: 'org' }]);
  for (const action of ['read', 'manage', 'editPreferences'] as const) {
    assert.ok(can(operator, applicationPolicy, action, application), action);
    assert.ok(can(admin, applicationPolicy, action, application), action);
    assert.ok(!can(elsewhere, applicationPolicy, action, application), action);
    assert.ok(!can(head, applicationPolicy, action, application), action);
  }
  assert.ok(can(operator, applicationCreatePolicy, 'registerAtDesk', { municipalityId: 1 }));
  assert.ok(!can(operator, applicationCreatePolicy, 'registerAtDesk', { municipalityId: 2 }));
  assert.ok(!can(operator, applicationCreatePolicy, 'applyOnline', { municipalityId: 1 }));
  assert.deepEqual(applicationListScope(operator, 'desk'), { kind: 'some', municipalityIds: [1], guardianPersonId: null });
  assert.deepEqual(applicationListScope(admin, 'desk'), { kind: 'all' });
  assert.deepEqual(applicationListScope(head, 'desk'), { kind: 'none' });
  assert.deepEqual(applicationListScope({ kind: 'anonymous' }, 'own'), { kind: 'none' });
});

// Over HTTP: pages and API answer 404 outside the scope, and lists never show what a card would refuse.

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

async function applicationOf(municipalityId: number) {
  const kindergarten = await createOrganization(t.context.db, { kind: 'kindergarten', municipalityId });
  const guardian = await createPerson(t.context.db, { birthDate: '1990-01-01', municipalityId });
  const child = await createPerson(t.context.db, { birthDate: '2023-05-10', municipalityId });
  await linkGuardianDirectly(t.context.db, guardian.id, child.id);
  const account = await createAccount(t.context, [{ role: 'guardian' }], { personId: guardian.id });
  const agent = await loggedInAgent(t.app, account);
  const created = await agent.api('POST', '/api/v1/preschool/applications', {
    childId: child.id,
    municipalityId,
    preferences: [kindergarten.id],
    desiredStartDate: '2026-09-01',
    orientationCode: 'general',
    stayModeCode: 'fullDay',
  });
  assert.equal(created.statusCode, 201, created.body);
  return { id: created.json().id as string, number: created.json().number as string, agent, guardian, child };
}

test('over HTTP a guardian sees only their children’s applications: another family’s is 404 on page and API and absent from lists', async () => {
  const mine = await applicationOf(1);
  const theirs = await applicationOf(1);
  assert.equal((await mine.agent.get(`/preschool/applications/${mine.id}`)).statusCode, 200);
  assert.equal((await mine.agent.get(`/preschool/applications/${theirs.id}`)).statusCode, 404);
  assert.equal((await mine.agent.get(`/preschool/applications/${theirs.id}/receipt`)).statusCode, 404);
  assert.equal((await mine.agent.api('GET', `/api/v1/preschool/applications/${theirs.id}`)).statusCode, 404);
  assert.equal((await mine.agent.api('POST', `/api/v1/preschool/applications/${theirs.id}/withdraw`)).statusCode, 404);
  const list = (await mine.agent.api('GET', '/api/v1/preschool/applications')).json().items as Array<{ id: string }>;
  assert.deepEqual(list.map((i) => i.id), [mine.id]);
  // the desk is not theirs
  assert.equal((await mine.agent.get('/preschool/desk')).statusCode, 403);
  assert.equal((await mine.agent.api('POST', `/api/v1/preschool/applications/${mine.id}/transitions`, { to: 'documentsChecked' })).statusCode, 403);
  // the other parent linked to the child sees it too
  const otherParent = await createPerson(t.context.db, { birthDate: '1989-01-01' });
  await linkGuardianDirectly(t.context.db, otherParent.id, mine.child.id, 'father');
  const father = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: otherParent.id }));
  assert.equal((await father.get(`/preschool/applications/${mine.id}`)).statusCode, 200);
  assert.deepEqual(((await father.api('GET', '/api/v1/preschool/applications')).json().items as Array<{ id: string }>).map((i) => i.id), [mine.id]);
});

test('over HTTP an operator sees only their municipality: another municipality’s application is 404, and the list holds only their own', async () => {
  const here = await applicationOf(7);
  const there = await applicationOf(8);
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 7 }]));
  assert.equal((await operator.get(`/preschool/desk/applications/${here.id}`)).statusCode, 200);
  assert.equal((await operator.get(`/preschool/desk/applications/${there.id}`)).statusCode, 404);
  assert.equal((await operator.api('GET', `/api/v1/preschool/applications/${there.id}`)).statusCode, 404);
  assert.equal((await operator.api('POST', `/api/v1/preschool/applications/${there.id}/benefit`, { verdict: 'verified' })).statusCode, 404);
  const items = (await operator.api('GET', '/api/v1/preschool/applications')).json().items as Array<{ municipalityId: number }>;
  assert.ok(items.length >= 1 && items.every((i) => i.municipalityId === 7), JSON.stringify(items));
  const desk = await operator.get('/preschool/desk');
  assert.match(desk.body, new RegExp(here.number));
  assert.doesNotMatch(desk.body, new RegExp(there.number));
  // a staff read of a card is audited
  const reads = await queryRows<{ n: number }>(t.context.db, sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'read' AND entity_type = 'preschoolApplication' AND entity_id = ${here.id}`);
  assert.equal(reads[0]!.n, 1);
  const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  assert.equal((await admin.api('GET', `/api/v1/preschool/applications/${there.id}`)).statusCode, 200);
  // anonymous: log in first
  assert.equal((await t.app.inject({ url: `/api/v1/preschool/applications/${here.id}` })).statusCode, 401);
});
