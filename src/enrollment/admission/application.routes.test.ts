import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../../test/support/app.ts';
import { notification } from '../../platform/notify/notify.schema.ts';
import { admissionApplication } from './admission.schema.ts';
import { createAdmissionArea, createFamily, type AdmissionArea } from './admission.fixtures.ts';
import { receivedJobHandlers } from './received.job.ts';

let t: TestApp;
let area: AdmissionArea;
let operator: Agent;
let campaignId: string;

before(async () => {
  t = await createTestApp();
  area = await createAdmissionArea(t.context, { schools: 2 });
  const account = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]);
  operator = await loggedInAgent(t.app, account);
  logins.set(operator, account.login);
});
after(async () => {
  await t.close();
});

function location(response: { headers: Record<string, unknown> }): string {
  return String(response.headers.location);
}

const logins = new Map<Agent, string>();
async function guardianOf(family: { guardianId: string }): Promise<Agent> {
  const account = await createAccount(t.context, [{ role: 'guardian' }], { personId: family.guardianId });
  const agent = await loggedInAgent(t.app, account);
  logins.set(agent, account.login);
  return agent;
}

/** Sessions follow the clock: after moving it by months, log in again. */
async function relogin(agent: Agent): Promise<void> {
  await agent.login(logins.get(agent)!);
}

async function runReceivedJob(ids: string[]): Promise<void> {
  await receivedJobHandlers['admission.received']!({ id: 1, queue: 'admission.received', payload: { applicationIds: ids }, attempt: 1, maxAttempts: 5 }, t.context);
}

test('the operator creates the campaign with Order 458 defaults, plans places and publishes it', async () => {
  const created = await operator.post('/admission/campaigns', { municipalityId: '1', year: '2027' });
  assert.equal(created.statusCode, 303);
  campaignId = location(created).split('/')[3]!.split('?')[0]!;
  const page = await operator.get(`/admission/campaigns/${campaignId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /value="2027-04-01"/, 'stage 1 opens on 1 April by default');
  assert.match(page.body, /value="2027-09-05"/);
  // Krasnodar Krai opens earlier than 1 April; later is refused.
  const late = await operator.post(`/admission/campaigns/${campaignId}`, { version: '1', stage1OpensOn: '2027-04-05', stage1OpensTime: '00:00', stage1LastDay: '2027-06-30', stage2OpensOn: '2027-07-06', stage2LastDay: '2027-09-05', territoryActDueOn: '2027-03-15', placesDueOn: '2027-03-25', freePlacesDueOn: '2027-07-05', ordering: 'receipt' });
  assert.equal(late.statusCode, 422);
  assert.match(late.body, /Не позднее 01\.04\.2027/);
  const saved = await operator.post(`/admission/campaigns/${campaignId}`, { version: '1', stage1OpensOn: '2027-03-29', stage1OpensTime: '00:00', stage1LastDay: '2027-06-30', stage2OpensOn: '2027-07-06', stage2LastDay: '2027-09-05', territoryActDueOn: '2027-03-15', placesDueOn: '2027-03-25', freePlacesDueOn: '2027-07-05', ordering: 'receipt' });
  assert.equal(saved.statusCode, 303);
  const refused = await operator.post(`/admission/campaigns/${campaignId}/publish`, {});
  assert.equal(refused.statusCode, 422, 'no places planned yet');
  const plans: Record<string, string> = {};
  for (const id of area.schoolIds) {
    plans[`classes.${id}`] = '1';
    plans[`classSize.${id}`] = '2';
  }
  assert.equal((await operator.post(`/admission/campaigns/${campaignId}/plans`, plans)).statusCode, 303);
  assert.equal((await operator.post(`/admission/campaigns/${campaignId}/publish`, {})).statusCode, 303);
  const live = await t.app.inject({ url: `/admission/live/${campaignId}` });
  assert.equal(live.statusCode, 200);
  assert.match(String(live.headers['cache-control']), /public, max-age=30/);
  assert.equal(live.headers['set-cookie'], undefined);
});

test('a family prepares a draft before opening, submits at opening, the school checks, orders and the guardian sees «зачислен»', async () => {
  const family = await createFamily(t.context.db);
  const guardian = await guardianOf(family);
  const form = await guardian.get('/admission/apply');
  assert.equal(form.statusCode, 200, form.body.slice(0, 300));
  assert.match(form.body, /ещё не начался/);
  const search = await guardian.post('/admission/apply', { op: 'search', childId: family.childId, addressQuery: 'Красная 2' });
  assert.equal(search.statusCode, 200);
  const houseId = area.houses.get('2')!;
  assert.match(search.body, new RegExp(`value="${houseId}"`));
  const missing = await guardian.post('/admission/apply', { op: 'save', childId: family.childId, houseId, organizationId: '' });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /закреплён за школой/, 'the serving school is suggested once the house is chosen');
  const created = await guardian.post('/admission/apply', { op: 'save', childId: family.childId, houseId, apartment: '7', registeredSince: '2024-01-10', organizationId: area.schoolIds[0]! });
  assert.equal(created.statusCode, 303, created.body.slice(0, 500));
  const applicationId = location(created).split('/')[3]!.split('?')[0]!;
  const [draft] = await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, applicationId));
  assert.equal(draft!.inTerritory, true);
  assert.equal(draft!.status, 'draft');
  const again = await guardian.post('/admission/apply', { op: 'save', childId: family.childId, houseId, organizationId: area.schoolIds[1]! });
  assert.equal(again.statusCode, 422, 'one active application per child and campaign');
  assert.match(again.body, /уже есть заявление/);
  let page = await guardian.get(`/admission/applications/${applicationId}`);
  assert.doesNotMatch(page.body, /action="\/admission\/applications\/[^"]+\/submit"/, 'no submit button before opening');

  // The opening minute: 29 March 2027, 00:00 Moscow time.
  t.clock.set(new Date('2027-03-28T21:00:05Z'));
  await relogin(guardian);
  page = await guardian.get(`/admission/applications/${applicationId}`);
  assert.match(page.body, /\/admission\/applications\/[^"]+\/submit/);
  const submitted = await guardian.post(`/admission/applications/${applicationId}/submit`, { idempotencyKey: crypto.randomUUID(), applicationVersion: String(draft!.version) });
  assert.equal(submitted.statusCode, 303, submitted.body.slice(0, 500));
  const [received] = await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, applicationId));
  assert.equal(received!.status, 'received');
  assert.equal(received!.receiptNumber, 1);
  await runReceivedJob([applicationId]);
  const [due] = await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, applicationId));
  // Order 458 §17: 3 working days after stage 1 ends on Wednesday 30 June 2027 → 5 July.
  assert.equal(due!.decisionDueOn, '2027-07-05');
  const notices = await t.context.db.select().from(notification).where(eq(notification.personId, family.guardianId));
  assert.ok(notices.some((n) => /принято, номер 1, время/.test(n.body)));

  t.clock.set(new Date('2027-04-02T09:00:00Z'));
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: area.schoolIds[0]! }]));
  const list = await head.get(`/admission/schools/${area.schoolIds[0]}/campaigns/${campaignId}`);
  assert.equal(list.statusCode, 200);
  assert.match(list.body, new RegExp(`/admission/applications/${applicationId}`));
  const byNumber = await head.get(`/admission/schools/${area.schoolIds[0]}/campaigns/${campaignId}?receipt=2`);
  assert.doesNotMatch(byNumber.body, new RegExp(`/admission/applications/${applicationId}"`));
  const checked = await head.post(`/admission/applications/${applicationId}/documents`, { checkedOn: '2027-04-02', result: 'confirmed', note: '' });
  assert.equal(checked.statusCode, 303);
  const order = await head.post(`/admission/schools/${area.schoolIds[0]}/campaigns/${campaignId}/orders`, { number: '45-у', issuedOn: '2027-04-02', applicationIds: [applicationId] });
  assert.equal(order.statusCode, 303, order.body.slice(0, 800));
  const orders = await head.get(`/admission/schools/${area.schoolIds[0]}/campaigns/${campaignId}`);
  assert.match(orders.body, /45-у/);
  await relogin(guardian);
  page = await guardian.get(`/admission/applications/${applicationId}`);
  assert.match(page.body, /зачислен/);
  assert.match(page.body, /№ 45-у/);
  const json = JSON.parse((await guardian.api('GET', `/api/v1/admission/applications/${applicationId}`)).body);
  assert.equal(json.status, 'enrolled');
  assert.equal(json.receiptNumber, 1);
  assert.deepEqual(json.enrolmentOrder, { number: '45-у', issuedOn: '2027-04-02' });
  const live = JSON.parse((await t.app.inject({ url: `/api/v1/admission/campaigns/${campaignId}/live` })).body);
  assert.equal(live.schools.find((s: { organizationId: string }) => s.organizationId === area.schoolIds[0]).enrolled, 1);
  const school = await t.app.inject({ url: `/admission/live/${campaignId}/schools/${area.schoolIds[0]}` });
  assert.equal(school.statusCode, 200);
  assert.match(school.body, /Зачислено/);
  assert.doesNotMatch(school.body, /Иванов|Петров|Смирнов|Кузнецов|Попов|Соколов|Лебедев|Козлов/, 'numbers only, no names');
});

test('each role reaches only its own scope', async () => {
  const family = await createFamily(t.context.db);
  const guardian = await guardianOf(family);
  const created = await guardian.post('/admission/apply', { op: 'save', childId: family.childId, houseId: area.houses.get('1')!, organizationId: area.schoolIds[1]! });
  assert.equal(created.statusCode, 303, created.body.slice(0, 300));
  const url = location(created).split('?')[0]!;
  const stranger = await guardianOf(await createFamily(t.context.db));
  assert.equal((await stranger.get(url)).statusCode, 404, 'another guardian');
  assert.equal((await stranger.post(`${url}/withdraw`, {})).statusCode, 404);
  assert.equal((await stranger.api('GET', `/api/v1${url}`)).statusCode, 404);
  const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: area.schoolIds[0]! }]));
  assert.equal((await otherHead.get(url)).statusCode, 404, 'the head of another school');
  assert.equal((await otherHead.get(`/admission/schools/${area.schoolIds[1]}/campaigns/${campaignId}`)).statusCode, 404);
  const ownHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: area.schoolIds[1]! }]));
  assert.equal((await ownHead.get(url)).statusCode, 200);
  assert.equal((await ownHead.get(`/admission/campaigns/${campaignId}`)).statusCode, 403, 'a head does not manage campaigns');
  const elsewhere = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]));
  assert.equal((await elsewhere.get(url)).statusCode, 404, 'the operator of another municipality');
  assert.equal((await elsewhere.get(`/admission/campaigns/${campaignId}`)).statusCode, 403);
  assert.equal((await elsewhere.post('/admission/campaigns', { municipalityId: '1', year: '2028' })).statusCode, 403);
  await relogin(operator);
  assert.equal((await operator.get(url)).statusCode, 200, 'the operator of the municipality');
  assert.equal((await t.app.inject({ url })).statusCode, 302, 'anonymous is sent to log in');
  const withdrawn = await guardian.post(`${url}/withdraw`, {});
  assert.equal(withdrawn.statusCode, 303);
  assert.equal((await guardian.get(url)).statusCode, 404, 'a withdrawn draft is deleted');
  const fresh = await guardian.post('/admission/apply', { op: 'save', childId: family.childId, houseId: area.houses.get('1')!, organizationId: area.schoolIds[0]! });
  assert.equal(fresh.statusCode, 303, 'the child may have a new draft');
});

test('stage 1 accepts the territory and priority rights only; stage 2 accepts anyone while places remain', async () => {
  t.clock.set(new Date('2027-04-05T09:00:00Z'));
  const outsider = await createFamily(t.context.db);
  const outsiderAgent = await guardianOf(outsider);
  // House 1 belongs to the first school's territory; applying to the second school is outside it.
  const draft = await outsiderAgent.post('/admission/apply', { op: 'save', childId: outsider.childId, houseId: area.houses.get('1')!, organizationId: area.schoolIds[1]! });
  assert.equal(draft.statusCode, 303);
  const outsiderUrl = location(draft).split('?')[0]!;
  const refused = await outsiderAgent.post(`${outsiderUrl}/submit`, { idempotencyKey: crypto.randomUUID() });
  assert.equal(refused.statusCode, 422, 'stage 1: neither the territory nor a priority right');

  const military = await createFamily(t.context.db);
  const militaryAgent = await guardianOf(military);
  const withRight = await militaryAgent.post('/admission/apply', { op: 'save', childId: military.childId, houseId: area.houses.get('1')!, organizationId: area.schoolIds[1]!, priorityCode: 'military', priorityDocument: 'справка в/ч 12345 № 77' });
  assert.equal(withRight.statusCode, 303, withRight.body.slice(0, 300));
  const accepted = await militaryAgent.post(`${location(withRight).split('?')[0]!}/submit`, { idempotencyKey: crypto.randomUUID() });
  assert.equal(accepted.statusCode, 303, 'stage 1: a first-priority right');

  // Between the stages nothing is accepted; the message gives the dates.
  t.clock.set(new Date('2027-07-02T09:00:00Z'));
  await relogin(outsiderAgent);
  const between = await outsiderAgent.post(`${outsiderUrl}/submit`, { idempotencyKey: crypto.randomUUID() });
  assert.equal(between.statusCode, 422);
  assert.match(between.body, /06\.07\.2027/);

  t.clock.set(new Date('2027-07-06T09:00:00Z'));
  await relogin(outsiderAgent);
  const stage2 = await outsiderAgent.post(`${outsiderUrl}/submit`, { idempotencyKey: crypto.randomUUID() });
  assert.equal(stage2.statusCode, 303, 'stage 2: anyone, for the free places');
  const id = outsiderUrl.split('/')[3]!;
  await runReceivedJob([id]);
  const [row] = await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, id));
  assert.equal(row!.stage, 2);
  // Order 458 §17: 5 working days after receipt on Tuesday 6 July 2027 → Tuesday 13 July.
  assert.equal(row!.decisionDueOn, '2027-07-13');
});

test('an operator prepares a draft at the desk for a family found by the guardian’s SNILS', async () => {
  const family = await createFamily(t.context.db);
  const desk = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  const page = await desk.get('/admission/desk/new');
  assert.equal(page.statusCode, 200);
  const unknown = await desk.post(`/admission/desk/new?campaign=${campaignId}`, { op: 'guardian', guardianReference: '000-000-000 00' });
  assert.match(unknown.body, /не найден в реестре/);
  const found = await desk.post(`/admission/desk/new?campaign=${campaignId}`, { op: 'guardian', guardianReference: family.guardianSnils });
  assert.match(found.body, new RegExp(`value="${family.childId}"`));
  const saved = await desk.post(`/admission/desk/new?campaign=${campaignId}`, { op: 'save', guardianReference: family.guardianSnils, childId: family.childId, houseId: area.houses.get('3')!, organizationId: area.schoolIds[0]! });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
  const id = location(saved).split('/')[3]!.split('?')[0]!;
  const [row] = await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, id));
  assert.equal(row!.guardianId, family.guardianId);
  assert.equal(row!.status, 'draft');
  const elsewhere = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]));
  assert.equal((await elsewhere.get(`/admission/desk/new?campaign=${campaignId}`)).statusCode, 404, 'no campaign of another municipality at this desk');
});
