import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { auditEvent } from '../../platform/audit/audit.schema.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { findGroup, freePlaces } from './group.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

const groupForm = (name: string, extra: Record<string, string> = {}) => ({ name, ageGroupCode: '3-4', orientationCode: 'general', stayModeCode: 'fullDay', capacity: '20', occupied: '5', ...extra });

async function setup(municipalityId: number) {
  const kindergarten = await createOrganization(t.context.db, { kind: 'kindergarten', municipalityId });
  const headAccount = await createAccount(t.context, [{ role: 'organizationHead', organizationId: kindergarten.id }]);
  const operatorAccount = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId }]);
  return { kindergarten, head: await loggedInAgent(t.app, headAccount), operator: await loggedInAgent(t.app, operatorAccount) };
}

function groupIdIn(html: string): string {
  const match = /\/preschool\/groups\/([0-9a-f-]{36})\/edit/.exec(html);
  assert.ok(match, 'an edit link');
  return match[1]!;
}

test('the head adds a draft group, the operator approves it, and only then it has free places', async () => {
  const { kindergarten, head, operator } = await setup(11);
  await head.get(`/preschool/groups/new?organizationId=${kindergarten.id}`);
  const created = await head.post('/preschool/groups/new', { organizationId: kindergarten.id, ...groupForm('Солнышко') });
  assert.equal(created.statusCode, 303);
  const list = await head.get('/preschool/groups');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Солнышко/);
  assert.match(list.body, /черновик/);
  assert.doesNotMatch(list.body, /\/approve"/, 'the head is not offered approval');
  const id = groupIdIn(list.body);
  assert.deepEqual(await freePlaces(t.context.db, { municipalityId: 11 }), []);

  const operatorList = await operator.get('/preschool/groups');
  assert.match(operatorList.body, /Солнышко/);
  assert.doesNotMatch(operatorList.body, /\/edit"/, 'the operator is not offered editing');
  const approved = await operator.post(`/preschool/groups/${id}/approve`, {});
  assert.equal(approved.statusCode, 303);
  const [places] = await freePlaces(t.context.db, { municipalityId: 11 });
  assert.equal(places!.free, 15);
  const events = await t.context.db.select().from(auditEvent).where(and(eq(auditEvent.entityType, 'kindergarten_group'), eq(auditEvent.entityId, id)));
  assert.deepEqual(events.map((e) => e.action), ['create', 'update']);
});

test('editing the places of an approved group returns it to draft; renaming does not', async () => {
  const { kindergarten, head, operator } = await setup(12);
  await head.get(`/preschool/groups/new?organizationId=${kindergarten.id}`);
  await head.post('/preschool/groups/new', { organizationId: kindergarten.id, ...groupForm('Ромашка') });
  await operator.get('/preschool/groups');
  await operator.post('/preschool/groups/approve', { organizationId: kindergarten.id });
  const id = groupIdIn((await head.get('/preschool/groups')).body);
  let group = (await findGroup(t.context.db, id))!;
  assert.equal(group.planStatus, 'approved');

  await head.get(`/preschool/groups/${id}/edit`);
  await head.post(`/preschool/groups/${id}/edit`, { ...groupForm('Ромашки'), version: String(group.version) });
  group = (await findGroup(t.context.db, id))!;
  assert.equal(group.name, 'Ромашки');
  assert.equal(group.planStatus, 'approved');

  await head.post(`/preschool/groups/${id}/edit`, { ...groupForm('Ромашки', { occupied: '6' }), version: String(group.version) });
  group = (await findGroup(t.context.db, id))!;
  assert.equal(group.occupied, 6);
  assert.equal(group.planStatus, 'draft');
  assert.equal(group.approvedAt, null);
});

test('a mistake in the group form is answered in Russian with the input kept', async () => {
  const { kindergarten, head } = await setup(13);
  await head.get(`/preschool/groups/new?organizationId=${kindergarten.id}`);
  const response = await head.post('/preschool/groups/new', { organizationId: kindergarten.id, ...groupForm('Радуга', { capacity: '10', occupied: '12' }) });
  assert.equal(response.statusCode, 422);
  assert.match(response.body, /Занято не может быть больше, чем мест всего/);
  assert.match(response.body, /value="Радуга"/);
  assert.match(response.body, /value="12"/);
});

test('a stale version of the group form gets 409 and nothing is overwritten', async () => {
  const { kindergarten, head } = await setup(14);
  await head.get(`/preschool/groups/new?organizationId=${kindergarten.id}`);
  await head.post('/preschool/groups/new', { organizationId: kindergarten.id, ...groupForm('Гномики') });
  const id = groupIdIn((await head.get('/preschool/groups')).body);
  await head.get(`/preschool/groups/${id}/edit`);
  await head.post(`/preschool/groups/${id}/edit`, { ...groupForm('Гномики', { capacity: '21' }), version: '1' });
  const stale = await head.post(`/preschool/groups/${id}/edit`, { ...groupForm('Гномики', { capacity: '25' }), version: '1' });
  assert.equal(stale.statusCode, 409);
  assert.equal((await findGroup(t.context.db, id))!.capacity, 21);
});

test('others are refused: another head, another municipality’s operator, a teacher, a guardian', async () => {
  const { kindergarten, head } = await setup(15);
  await head.get(`/preschool/groups/new?organizationId=${kindergarten.id}`);
  await head.post('/preschool/groups/new', { organizationId: kindergarten.id, ...groupForm('Пчёлки') });
  const id = groupIdIn((await head.get('/preschool/groups')).body);
  const otherKindergarten = await createOrganization(t.context.db, { kind: 'kindergarten', municipalityId: 15 });
  const refused = [
    await createAccount(t.context, [{ role: 'organizationHead', organizationId: otherKindergarten.id }]),
    await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 16 }]),
    await createAccount(t.context, [{ role: 'teacher', organizationId: kindergarten.id }]),
    await createAccount(t.context, [{ role: 'guardian' }]),
  ];
  for (const who of refused) {
    const agent = await loggedInAgent(t.app, who);
    await agent.get('/login');
    assert.equal((await agent.get(`/preschool/groups/${id}/edit`)).statusCode, 403, who.login);
    assert.equal((await agent.post(`/preschool/groups/${id}/approve`, {})).statusCode, 403, who.login);
    assert.equal((await agent.api('PATCH', `/api/v1/preschool/groups/${id}`, { version: 1, capacity: 30 })).statusCode, 403, who.login);
    const list = await agent.api('GET', '/api/v1/preschool/groups');
    if (list.statusCode === 200) assert.ok(!JSON.parse(list.body).items.some((g: { id: string }) => g.id === id), who.login);
    else assert.equal(list.statusCode, 403);
  }
  const anonymousPage = await t.app.inject({ url: '/preschool/groups' });
  assert.equal(anonymousPage.statusCode, 302, 'an anonymous browser is sent to log in');
  assert.match(String(anonymousPage.headers.location), /^\/login/);
  assert.equal((await t.app.inject({ url: '/api/v1/preschool/groups' })).statusCode, 401);
});

test('the API lists groups in scope, adds, patches and approves them', async () => {
  const { kindergarten, head, operator } = await setup(17);
  await head.get('/preschool/groups');
  const created = await head.api('POST', '/api/v1/preschool/groups', { organizationId: kindergarten.id, name: 'Капельки', ageGroupCode: '2-3', orientationCode: 'general', stayModeCode: 'fullDay', capacity: 15 });
  assert.equal(created.statusCode, 201, created.body);
  const group = JSON.parse(created.body);
  assert.equal(group.planStatus, 'draft');
  const invalid = await head.api('POST', '/api/v1/preschool/groups', { organizationId: kindergarten.id, name: 'Капельки', ageGroupCode: 'nope', orientationCode: 'general', stayModeCode: 'fullDay', capacity: 15 });
  assert.equal(invalid.statusCode, 422);
  await operator.get('/preschool/groups');
  const approved = await operator.api('POST', `/api/v1/preschool/groups/${group.id}/approve`);
  assert.equal(JSON.parse(approved.body).planStatus, 'approved');
  const patched = await head.api('PATCH', `/api/v1/preschool/groups/${group.id}`, { version: JSON.parse(approved.body).version, capacity: 12 });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(JSON.parse(patched.body).planStatus, 'draft');
  const list = await operator.api('GET', `/api/v1/preschool/groups?organizationId=${kindergarten.id}&limit=1`);
  assert.deepEqual(JSON.parse(list.body).items.map((g: { id: string }) => g.id), [group.id]);
});
