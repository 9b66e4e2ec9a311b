/**
 * The policy matrix of the registry of organisations: for each role, creating and editing
 * inside its scope is allowed and outside it refused, on the HTML pages and on the API alike,
 * and every allowed change leaves an audit event.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import type { Actor, Grant, Role } from '../platform/access/access.ts';
import { auditEvent } from '../platform/audit/audit.schema.ts';
import { buildOrganization, createOrganization, type OrganizationRecord } from './organization.factory.ts';
import { canCreateSomewhere, contactFields, editableFields, municipalitiesForCreate, organizationFields } from './organization.policy.ts';
import { findOrganization } from './organization.service.ts';

// Pure policy -------------------------------------------------------------------------------

const actor = (...grants: Grant[]): Actor => ({ kind: 'account', accountId: 'a', personId: null, displayName: 'x', grants, via: 'session' });
const grant = (role: Role, municipalityId: number | null = null, organizationId: string | null = null): Grant => ({ role, municipalityId, organizationId });
const orgA = { id: '11111111-1111-1111-1111-111111111111', municipalityId: 1 };

test('the policy: registration fields for admins and operators in scope, contact fields for the head, nothing for others', () => {
  assert.deepEqual(editableFields(actor(grant('regionalAdmin')), orgA), organizationFields);
  assert.deepEqual(editableFields(actor(grant('municipalOperator', 1)), orgA), organizationFields);
  assert.deepEqual(editableFields(actor(grant('municipalOperator', 2)), orgA), []);
  assert.deepEqual(editableFields(actor(grant('organizationHead', null, orgA.id)), orgA), contactFields);
  assert.deepEqual(editableFields(actor(grant('organizationHead', null, '22222222-2222-2222-2222-222222222222')), orgA), []);
  assert.deepEqual(editableFields(actor(grant('teacher', null, orgA.id)), orgA), []);
  assert.deepEqual(editableFields({ kind: 'anonymous' }, orgA), []);
  assert.ok(!contactFields.some((f) => ['kind', 'municipalityId', 'inn', 'ogrn'].includes(f)));
});

test('the policy: where one may create', () => {
  assert.deepEqual(municipalitiesForCreate(actor(grant('regionalAdmin')), [1, 2, 3]), [1, 2, 3]);
  assert.deepEqual(municipalitiesForCreate(actor(grant('municipalOperator', 2)), [1, 2, 3]), [2]);
  assert.deepEqual(municipalitiesForCreate(actor(grant('organizationHead', null, orgA.id)), [1, 2, 3]), []);
  assert.equal(canCreateSomewhere(actor(grant('guardian'), grant('pupil'), grant('teacher', null, orgA.id))), false);
  assert.equal(canCreateSomewhere({ kind: 'anonymous' }), false);
});

// Over HTTP -----------------------------------------------------------------------------------

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

type Who = 'anonymous' | 'guardian' | 'pupil' | 'teacher' | 'organizationHead' | 'municipalOperator of 1' | 'municipalOperator of 2' | 'regionalAdmin';

/** Grants of each role, relative to organisation A in municipality 1. */
function grantsFor(who: Who, a: OrganizationRecord): Array<{ role: Role; municipalityId?: number; organizationId?: string }> {
  switch (who) {
    case 'anonymous':
      return [];
    case 'guardian':
    case 'pupil':
    case 'regionalAdmin':
      return [{ role: who }];
    case 'teacher':
    case 'organizationHead':
      return [{ role: who, organizationId: a.id }];
    case 'municipalOperator of 1':
      return [{ role: 'municipalOperator', municipalityId: 1 }];
    case 'municipalOperator of 2':
      return [{ role: 'municipalOperator', municipalityId: 2 }];
  }
}

interface Expectation {
  /** Sees "Add organisation" and the form (for the municipalities they may create in). */
  offersCreate: boolean;
  /** Create in municipality 1. */
  create: boolean;
  /** Change a contact field of A. */
  editContacts: boolean;
  /** Change registration data (kind, INN) of A. */
  editRegistration: boolean;
}

const matrix: Record<Who, Expectation> = {
  anonymous: { offersCreate: false, create: false, editContacts: false, editRegistration: false },
  guardian: { offersCreate: false, create: false, editContacts: false, editRegistration: false },
  pupil: { offersCreate: false, create: false, editContacts: false, editRegistration: false },
  teacher: { offersCreate: false, create: false, editContacts: false, editRegistration: false },
  organizationHead: { offersCreate: false, create: false, editContacts: true, editRegistration: false },
  'municipalOperator of 1': { offersCreate: true, create: true, editContacts: true, editRegistration: true },
  'municipalOperator of 2': { offersCreate: true, create: false, editContacts: false, editRegistration: false },
  regionalAdmin: { offersCreate: true, create: true, editContacts: true, editRegistration: true },
};

const refusedStatus = (who: Who) => (who === 'anonymous' ? 401 : 403);

async function auditCount(entityId: string, action: 'create' | 'update'): Promise<number> {
  const rows = await t.context.db
    .select()
    .from(auditEvent)
    .where(and(eq(auditEvent.entityType, 'organization'), eq(auditEvent.entityId, entityId), eq(auditEvent.action, action)));
  return rows.length;
}

function formOf(o: ReturnType<typeof buildOrganization>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

for (const [who, expected] of Object.entries(matrix) as Array<[Who, Expectation]>) {
  describe(`as ${who}`, () => {
    let a: OrganizationRecord;
    let agent: Agent;
    let accountId: string | null = null;
    before(async () => {
      a = await createOrganization(t.context.db, { municipalityId: 1 });
      if (who === 'anonymous') {
        agent = new Agent(t.app);
        await agent.get('/organizations');
      } else {
        const account = await createAccount(t.context, grantsFor(who, a));
        accountId = account.id;
        agent = await loggedInAgent(t.app, account);
      }
    });

    test(`the pages offer "Add" and "Edit" exactly when the policy allows (${who})`, async () => {
      const directory = await agent.get('/organizations');
      assert.equal(/Добавить организацию/.test(directory.body), expected.offersCreate);
      const card = await agent.get(`/organizations/${a.id}`);
      assert.equal(card.body.includes(`/organizations/${a.id}/edit`), expected.editContacts);
    });

    test(`creating in municipality 1 on the HTML form is ${expected.create ? 'allowed' : 'refused'} (${who})`, async () => {
      const form = await agent.get('/organizations/new');
      if (who === 'anonymous') {
        assert.equal(form.statusCode, 302);
        assert.match(String(form.headers.location), /^\/login\?return=/);
      } else assert.equal(form.statusCode, expected.offersCreate ? 200 : 403);
      const o = buildOrganization({ municipalityId: 1 });
      const response = await agent.post('/organizations/new', formOf(o));
      if (expected.create) {
        assert.equal(response.statusCode, 303);
        const id = String(response.headers.location).split('/')[2]!.split('?')[0]!;
        assert.equal(await auditCount(id, 'create'), 1);
      } else {
        assert.equal(response.statusCode, refusedStatus(who));
      }
    });

    test(`creating in municipality 1 through the API is ${expected.create ? 'allowed' : 'refused'} (${who})`, async () => {
      const { createdAt: _c, updatedAt: _u, id: _i, searchText: _s, version: _v, ...body } = buildOrganization({ municipalityId: 1 });
      const response = await agent.api('POST', '/api/v1/organizations', body);
      if (expected.create) {
        assert.equal(response.statusCode, 201, response.body);
        assert.equal(await auditCount(response.json().id, 'create'), 1);
      } else {
        assert.equal(response.statusCode, refusedStatus(who));
      }
    });

    test(`changing A's phone on the HTML form is ${expected.editContacts ? 'allowed' : 'refused'} (${who})`, async () => {
      const form = await agent.get(`/organizations/${a.id}/edit`);
      if (who === 'anonymous') assert.equal(form.statusCode, 302);
      else assert.equal(form.statusCode, expected.editContacts ? 200 : 403);
      const current = (await findOrganization(t.context.db, a.id))!;
      const before = await auditCount(a.id, 'update');
      const phone = `+7 (861) 100-00-${String(Math.floor(Math.random() * 90) + 10)}`;
      const response = await agent.post(`/organizations/${a.id}/edit`, { ...formOf(current), version: String(current.version), phone });
      if (expected.editContacts) {
        assert.equal(response.statusCode, 303);
        assert.equal((await findOrganization(t.context.db, a.id))!.phone, phone);
        assert.equal(await auditCount(a.id, 'update'), before + 1);
      } else {
        assert.equal(response.statusCode, refusedStatus(who));
        assert.equal((await findOrganization(t.context.db, a.id))!.version, current.version);
      }
    });

    test(`changing A's phone through the API is ${expected.editContacts ? 'allowed' : 'refused'} (${who})`, async () => {
      const current = (await findOrganization(t.context.db, a.id))!;
      const response = await agent.api('PATCH', `/api/v1/organizations/${a.id}`, { version: current.version, phone: '+7 (861) 200-00-00' });
      if (expected.editContacts) {
        assert.equal(response.statusCode, 200, response.body);
        const [event] = await t.context.db
          .select()
          .from(auditEvent)
          .where(and(eq(auditEvent.entityId, a.id), eq(auditEvent.action, 'update')))
          .orderBy(auditEvent.seq)
          .then((rows) => rows.slice(-1));
        assert.deepEqual(event!.details.changed, ['phone']);
        assert.equal(event!.municipalityId, 1);
        assert.equal(event!.organizationId, a.id);
        assert.equal(event!.actorAccountId, accountId);
      } else {
        assert.equal(response.statusCode, refusedStatus(who));
      }
    });

    test(`changing A's kind and INN through the API is ${expected.editRegistration ? 'allowed' : 'refused'} (${who})`, async () => {
      const current = (await findOrganization(t.context.db, a.id))!;
      const inn = buildOrganization().inn;
      const response = await agent.api('PATCH', `/api/v1/organizations/${a.id}`, { version: current.version, kind: 'college', inn });
      if (expected.editRegistration) {
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.json().kind, 'college');
      } else {
        assert.equal(response.statusCode, refusedStatus(who));
        assert.equal((await findOrganization(t.context.db, a.id))!.inn, current.inn);
      }
    });
  });
}

describe('scope edges', () => {
  test('a municipal operator cannot create in another municipality, on the form or the API', async () => {
    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
    const form = await operator.get('/organizations/new');
    assert.match(form.body, /<option value="1" selected>город Краснодар<\/option>/);
    assert.doesNotMatch(form.body, /<option value="2"/); // only their own municipality is offered
    const html = await operator.post('/organizations/new', formOf(buildOrganization({ municipalityId: 2 })));
    assert.equal(html.statusCode, 403);
    const { createdAt: _c, updatedAt: _u, id: _i, searchText: _s, version: _v, ...body } = buildOrganization({ municipalityId: 2 });
    assert.equal((await operator.api('POST', '/api/v1/organizations', body)).statusCode, 403);
  });

  test('a municipal operator cannot move an organisation to another municipality; a regional administrator can', async () => {
    const o = await createOrganization(t.context.db, { municipalityId: 1 });
    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
    const html = await operator.post(`/organizations/${o.id}/edit`, { ...formOf(o), version: '1', municipalityId: '2' });
    assert.equal(html.statusCode, 403);
    assert.equal((await operator.api('PATCH', `/api/v1/organizations/${o.id}`, { version: 1, municipalityId: 2 })).statusCode, 403);
    assert.equal((await findOrganization(t.context.db, o.id))!.municipalityId, 1);

    const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
    const moved = await admin.api('PATCH', `/api/v1/organizations/${o.id}`, { version: 1, municipalityId: 2 });
    assert.equal(moved.statusCode, 200);
    const [event] = await t.context.db.select().from(auditEvent).where(and(eq(auditEvent.entityId, o.id), eq(auditEvent.action, 'update')));
    assert.equal(event!.municipalityId, 2);
    assert.deepEqual(event!.details.changed, ['municipalityId']);
    assert.equal(event!.details.movedFromMunicipalityId, 1);
    // Once moved, the operator of municipality 1 no longer reaches it.
    assert.equal((await operator.get(`/organizations/${o.id}/edit`)).statusCode, 403);
  });

  test('the head of one organisation cannot edit another in the same municipality', async () => {
    const own = await createOrganization(t.context.db, { municipalityId: 1 });
    const other = await createOrganization(t.context.db, { municipalityId: 1 });
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: own.id }]));
    assert.equal((await head.get(`/organizations/${other.id}/edit`)).statusCode, 403);
    assert.equal((await head.post(`/organizations/${other.id}/edit`, { version: '1', phone: '+7 861 000 00 00' })).statusCode, 403);
    assert.equal((await head.api('PATCH', `/api/v1/organizations/${other.id}`, { version: 1, phone: '+7 861 000 00 00' })).statusCode, 403);
  });

  test('the API refuses an anonymous write with 401 problem+json, without touching the data', async () => {
    const o = await createOrganization(t.context.db);
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/organizations/${o.id}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ version: 1, phone: '+7 861 000 00 00' }),
    });
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal((await findOrganization(t.context.db, o.id))!.version, 1);
  });
});
