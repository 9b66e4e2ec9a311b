/**
 * The policy matrix of the people registry: for each role, people outside its scope are
 * neither listed, nor readable (404), nor writable, through the pages and the API alike; and
 * staff reads are audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { listAuditEvents } from '../platform/audit/audit.ts';
import type { Role } from '../platform/access/access.ts';
import { createOrganization } from './organization.factory.ts';
import { addStaffDirectly, createPerson, linkGuardianDirectly } from './person.factory.ts';
import { person } from './person.schema.ts';
import { personFormValues, type PersonRow } from './person.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

type PersonKey = 'guardian' | 'childA' | 'otherChildA' | 'childB' | 'childC' | 'teacherA' | 'remoteStaffA';
type RoleKey = 'anonymous' | 'guardian' | 'pupil' | 'teacherA' | 'headA' | 'operatorM1' | 'operatorM2' | 'regionalAdmin';

interface World {
  people: Record<PersonKey, PersonRow>;
  agents: Record<RoleKey, Agent>;
  accountIds: Partial<Record<RoleKey, string>>;
}

async function buildWorld(): Promise<World> {
  const db = t.context.db;
  const orgA = await createOrganization(db, { municipalityId: 1 });
  const orgB = await createOrganization(db, { municipalityId: 1 });
  const people: Record<PersonKey, PersonRow> = {
    guardian: await createPerson(db, { municipalityId: 1, birthDate: '1988-02-03', lastName: 'Матрицына' }),
    childA: await createPerson(db, { municipalityId: 1, organizationId: orgA.id }),
    otherChildA: await createPerson(db, { municipalityId: 1, organizationId: orgA.id }),
    childB: await createPerson(db, { municipalityId: 1, organizationId: orgB.id }),
    childC: await createPerson(db, { municipalityId: 2 }),
    teacherA: await createPerson(db, { municipalityId: 1, birthDate: '1979-06-01' }),
    // lives in municipality 2, works at organisation A (in municipality 1)
    remoteStaffA: await createPerson(db, { municipalityId: 2, birthDate: '1985-06-01' }),
  };
  await linkGuardianDirectly(db, people.guardian.id, people.childA.id, 'mother');
  await addStaffDirectly(db, people.teacherA.id, orgA.id, 'Учитель начальных классов');
  await addStaffDirectly(db, people.remoteStaffA.id, orgA.id, 'Педагог-психолог');

  const grants: Record<Exclude<RoleKey, 'anonymous'>, { role: Role; municipalityId?: number; organizationId?: string }> = {
    guardian: { role: 'guardian' },
    pupil: { role: 'pupil' },
    teacherA: { role: 'teacher', organizationId: orgA.id },
    headA: { role: 'organizationHead', organizationId: orgA.id },
    operatorM1: { role: 'municipalOperator', municipalityId: 1 },
    operatorM2: { role: 'municipalOperator', municipalityId: 2 },
    regionalAdmin: { role: 'regionalAdmin' },
  };
  const personIds: Partial<Record<RoleKey, string>> = { guardian: people.guardian.id, pupil: people.childA.id, teacherA: people.teacherA.id };
  const agents = { anonymous: new Agent(t.app) } as Record<RoleKey, Agent>;
  const accountIds: Partial<Record<RoleKey, string>> = {};
  for (const [key, grant] of Object.entries(grants) as Array<[Exclude<RoleKey, 'anonymous'>, (typeof grants)['guardian']]>) {
    const account = await createAccount(t.context, [grant], personIds[key] ? { personId: personIds[key] } : {});
    accountIds[key] = account.id;
    agents[key] = await loggedInAgent(t.app, account);
  }
  await agents.anonymous.get('/');
  return { people, agents, accountIds };
}

const allPeople: PersonKey[] = ['guardian', 'childA', 'otherChildA', 'childB', 'childC', 'teacherA', 'remoteStaffA'];
const orgAPeople: PersonKey[] = ['childA', 'otherChildA', 'teacherA', 'remoteStaffA'];

const readable: Record<RoleKey, PersonKey[]> = {
  anonymous: [],
  guardian: ['guardian', 'childA'],
  pupil: ['childA'],
  teacherA: orgAPeople,
  headA: orgAPeople,
  operatorM1: ['guardian', 'childA', 'otherChildA', 'childB', 'teacherA'],
  operatorM2: ['childC', 'remoteStaffA'],
  regionalAdmin: allPeople,
};
const writable: Record<RoleKey, PersonKey[]> = {
  anonymous: [],
  guardian: [],
  pupil: [],
  teacherA: [],
  headA: orgAPeople,
  operatorM1: readable.operatorM1,
  operatorM2: readable.operatorM2,
  regionalAdmin: allPeople,
};

function expectedStatus(role: RoleKey, who: PersonKey, action: 'read' | 'write', api: boolean): number {
  if (role === 'anonymous') return api ? 401 : 302;
  if (!readable[role].includes(who)) return 404;
  if (action === 'read') return 200;
  return writable[role].includes(who) ? (api ? 200 : 303) : 403;
}

test('each role lists, reads and changes exactly the people in its scope, on pages and in the API', async () => {
  const world = await buildWorld();
  const failures: string[] = [];
  const check = (label: string, actual: number, expected: number) => {
    if (actual !== expected) failures.push(`${label}: expected ${expected}, got ${actual}`);
  };
  for (const role of Object.keys(world.agents) as RoleKey[]) {
    const agent = world.agents[role];

    const apiList = await agent.api('GET', '/api/v1/people?limit=100');
    const pageList = await agent.get('/people');
    if (role === 'anonymous') {
      check(`${role} API list`, apiList.statusCode, 401);
      check(`${role} page list`, pageList.statusCode, 302);
    } else {
      check(`${role} API list`, apiList.statusCode, 200);
      check(`${role} page list`, pageList.statusCode, 200);
      const listedIds = new Set((apiList.json().items as Array<{ id: string }>).map((p) => p.id));
      for (const who of allPeople) {
        const id = world.people[who].id;
        const shouldSee = readable[role].includes(who);
        if (listedIds.has(id) !== shouldSee) failures.push(`${role} API list ${shouldSee ? 'misses' : 'shows'} ${who}`);
        if (pageList.body.includes(`/people/${id}"`) !== shouldSee) failures.push(`${role} page list ${shouldSee ? 'misses' : 'shows'} ${who}`);
      }
    }

    // A search by a document number finds the record only within the same scope.
    const { guardian } = world.people;
    const apiSearch = await agent.api('POST', '/api/v1/people/search', { q: guardian.snils });
    const pageSearch = await agent.post('/people/search', { q: guardian.snils! });
    if (role === 'anonymous') {
      check(`${role} API search`, apiSearch.statusCode, 401);
      check(`${role} page search`, pageSearch.statusCode, 401);
    } else {
      check(`${role} API search`, apiSearch.statusCode, 200);
      check(`${role} page search`, pageSearch.statusCode, 200);
      const shouldFind = readable[role].includes('guardian');
      const apiFound = (apiSearch.json().items as Array<{ id: string }>).map((p) => p.id);
      if (JSON.stringify(apiFound) !== JSON.stringify(shouldFind ? [guardian.id] : [])) failures.push(`${role} API search found ${apiFound.length}`);
      if (pageSearch.body.includes(`/people/${guardian.id}"`) !== shouldFind) failures.push(`${role} page search ${shouldFind ? 'misses' : 'shows'} guardian`);
    }

    for (const who of allPeople) {
      const row = world.people[who];
      const id = row.id;
      check(`${role} API read ${who}`, (await agent.api('GET', `/api/v1/people/${id}`)).statusCode, expectedStatus(role, who, 'read', true));
      check(`${role} page read ${who}`, (await agent.get(`/people/${id}`)).statusCode, expectedStatus(role, who, 'read', false));
      // Each allowed edit bumps the version, so every attempt sends the one stored now.
      const version = async () => (await t.context.db.select({ v: person.version }).from(person).where(eq(person.id, id)))[0]!.v;
      check(`${role} API patch ${who}`, (await agent.api('PATCH', `/api/v1/people/${id}`, { phone: '+7 918 000-00-00', version: await version() })).statusCode, expectedStatus(role, who, 'write', true));
      const editForm = await agent.get(`/people/${id}/edit`);
      const editFormExpected = expectedStatus(role, who, 'write', false);
      check(`${role} page edit form ${who}`, editForm.statusCode, editFormExpected === 303 ? 200 : editFormExpected);
      const values = personFormValues(row) as Record<string, string>;
      const posted = await agent.post(`/people/${id}/edit`, { ...values, phone: '+7 918 000-00-01', version: String(await version()) });
      check(`${role} page edit ${who}`, posted.statusCode, role === 'anonymous' ? 401 : editFormExpected);
    }
  }
  assert.deepEqual(failures, []);
});

test('each role can create people only where it keeps records', async () => {
  const world = await buildWorld();
  const body = (municipalityId: number, organizationId: string | null) => ({
    lastName: 'Новикова',
    firstName: 'Ева',
    birthDate: '2020-01-01',
    sex: 'female',
    municipalityId,
    organizationId,
  });
  const childA = world.people.childA;
  const expectations: Record<RoleKey, [number, number]> = {
    // [in municipality 2 without organisation, in organisation A]
    anonymous: [401, 401],
    guardian: [403, 403],
    pupil: [403, 403],
    teacherA: [403, 403],
    headA: [403, 201],
    operatorM1: [403, 201],
    operatorM2: [201, 403],
    regionalAdmin: [201, 201],
  };
  const failures: string[] = [];
  for (const role of Object.keys(expectations) as RoleKey[]) {
    const [outside, inA] = expectations[role];
    const r1 = await world.agents[role].api('POST', '/api/v1/people', body(2, null));
    if (r1.statusCode !== outside) failures.push(`${role} create in municipality 2: ${r1.statusCode}`);
    const r2 = await world.agents[role].api('POST', '/api/v1/people', body(1, childA.organizationId));
    if (r2.statusCode !== inA) failures.push(`${role} create in organisation A: ${r2.statusCode}`);
  }
  assert.deepEqual(failures, []);
});

test('a guardian can be linked only by someone who may edit the child, and only to a guardian they can see', async () => {
  const world = await buildWorld();
  const { childA, childC, guardian } = world.people;
  const link = (role: RoleKey, childId: string, guardianId: string) =>
    world.agents[role].api('POST', `/api/v1/people/${childId}/guardians`, { guardianId, relation: 'father' });
  assert.equal((await link('operatorM1', childA.id, guardian.id)).statusCode, 201);
  assert.equal((await link('teacherA', childA.id, guardian.id)).statusCode, 403);
  assert.equal((await link('guardian', childA.id, guardian.id)).statusCode, 403);
  assert.equal((await link('operatorM2', childA.id, guardian.id)).statusCode, 404);
  // the child is theirs, the guardian (municipality 1) is not: reported as not found, not linked
  const hidden = await link('operatorM2', childC.id, guardian.id);
  assert.equal(hidden.statusCode, 422);
  assert.match(hidden.body, /не найдена/);
});

test('a staff read of a card and of a list writes audit events naming the person and the scope', async () => {
  const world = await buildWorld();
  const { childA } = world.people;
  const page = await world.agents.teacherA.get(`/people/${childA.id}`);
  assert.equal(page.statusCode, 200);
  const api = await world.agents.teacherA.api('GET', `/api/v1/people/${childA.id}`);
  assert.equal(api.statusCode, 200);
  const events = await listAuditEvents(t.context.db, { entityType: 'person', entityId: childA.id, action: 'read', actorAccountId: world.accountIds.teacherA!, limit: 10 });
  assert.deepEqual(events.map((e) => (e.details as { channel: string }).channel).sort(), ['api', 'page']);
  assert.equal(events[0]!.municipalityId, 1);
  assert.equal(events[0]!.organizationId, childA.organizationId);

  await world.agents.operatorM1.get('/people');
  const [listEvent] = await listAuditEvents(t.context.db, { entityType: 'person', action: 'read', actorAccountId: world.accountIds.operatorM1!, limit: 1 });
  const ids = (listEvent!.details as { ids: string[] }).ids;
  assert.ok(ids.includes(childA.id));
  assert.ok(!ids.includes(world.people.childC.id));
});

test('the edit form shows the whole record, so opening it is an audited staff read', async () => {
  const world = await buildWorld();
  const form = await world.agents.operatorM1.get(`/people/${world.people.childA.id}/edit`);
  assert.equal(form.statusCode, 200);
  const events = await listAuditEvents(t.context.db, { entityType: 'person', entityId: world.people.childA.id, action: 'read', actorAccountId: world.accountIds.operatorM1!, limit: 10 });
  assert.equal(events.length, 1);
});

test('a municipality id beyond the integer range is refused with a 4xx, not a 5xx', async () => {
  const world = await buildWorld();
  const list = await world.agents.operatorM1.api('GET', '/api/v1/people?municipalityId=99999999999');
  assert.equal(list.statusCode, 422);
  const search = await world.agents.operatorM1.api('POST', '/api/v1/people/search', { q: 'Иванов', municipalityId: 99999999999 });
  assert.equal(search.statusCode, 422);
});

test('a guardian reading their own child is not a staff read and is not audited as one', async () => {
  const world = await buildWorld();
  const response = await world.agents.guardian.get(`/people/${world.people.childA.id}`);
  assert.equal(response.statusCode, 200);
  const events = await listAuditEvents(t.context.db, { entityType: 'person', action: 'read', actorAccountId: world.accountIds.guardian!, limit: 10 });
  assert.equal(events.length, 0);
});
