/**
 * The seams between the admission parts: staff tools linked by their own policies, the public
 * page's link to the protocols, a flag's presence on the school's list, the school offered on a
 * refusal, and closing a campaign after stage 2.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../../test/support/app.ts';
import { auditEvent } from '../../platform/audit/audit.schema.ts';
import { createApplication, createCampaign, createPlan } from './admission-order.fixtures.ts';
import { admissionApplication, admissionCampaign } from './admission.schema.ts';
import { createAdmissionArea, createFamily, type AdmissionArea } from './admission.fixtures.ts';
import { admissionFlag } from './flags.schema.ts';
import { createDraft } from './submission.fixtures.ts';

let t: TestApp;
let area: AdmissionArea;
let campaign: Awaited<ReturnType<typeof createCampaign>>;

before(async () => {
  t = await createTestApp();
  area = await createAdmissionArea(t.context, { schools: 2 });
  campaign = await createCampaign(t.context.db, { municipalityId: area.municipalityId });
  for (const id of area.schoolIds) await createPlan(t.context.db, campaign.id, id, 25);
});
after(async () => {
  await t.close();
});

async function agent(grants: Parameters<typeof createAccount>[1], personId?: string): Promise<Agent> {
  return loggedInAgent(t.app, await createAccount(t.context, grants, personId ? { personId } : {}));
}

const staffTools = ['/admission/order', '/admission/flags', '/admission/planning', '/admission/parameters'];
function linked(body: string): string[] {
  return staffTools.filter((href) => body.includes(`href="${href}"`));
}

test('the start page links each staff tool only for the roles its policy lets in, and each link opens', async () => {
  const admin = await agent([{ role: 'regionalAdmin' }]);
  const operator = await agent([{ role: 'municipalOperator', municipalityId: area.municipalityId }]);
  const head = await agent([{ role: 'organizationHead', organizationId: area.schoolIds[0]! }]);
  const expected = new Map<Agent, string[]>([
    [admin, staffTools],
    [operator, ['/admission/order', '/admission/flags', '/admission/planning']],
    [head, []],
  ]);
  for (const [who, links] of expected) {
    const home = await who.get('/admission');
    assert.equal(home.statusCode, 200);
    assert.deepEqual(linked(home.body), links);
    for (const href of links) assert.equal((await who.get(href)).statusCode, 200, href);
  }
  const anonymous = await t.app.inject({ url: '/admission' });
  assert.deepEqual(linked(anonymous.body), []);
});

test('the public campaign page links the campaign’s protocols', async () => {
  const live = await t.app.inject({ url: `/admission/live/${campaign.id}` });
  assert.equal(live.statusCode, 200);
  assert.ok(live.body.includes(`href="/admission/campaigns/${campaign.id}/protocols"`));
  assert.equal((await t.app.inject({ url: `/admission/campaigns/${campaign.id}/protocols` })).statusCode, 200);
});

test('the school’s list shows that an application has an open flag, nothing of what it says; overdue rows keep the word', async () => {
  t.clock.set(new Date('2026-07-20T09:00:00Z'));
  const school = area.schoolIds[0]!;
  const flagged = await createApplication(t.context.db, campaign, school);
  const clean = await createApplication(t.context.db, campaign, school);
  const reviewed = await createApplication(t.context.db, campaign, school);
  await t.context.db.update(admissionApplication).set({ decisionDueOn: '2026-07-03' }).where(eq(admissionApplication.id, clean.id));
  const flag = { campaignId: campaign.id, municipalityId: area.municipalityId, organizationId: school, createdAt: t.clock.now() };
  await t.context.db.insert(admissionFlag).values([
    { ...flag, applicationId: flagged.id, kind: 'sharedDocument', details: { secret: 'Соседская семья' } },
    { ...flag, applicationId: reviewed.id, kind: 'sharedDocument', status: 'cleared', reviewedAt: t.clock.now() },
  ]);
  const head = await agent([{ role: 'organizationHead', organizationId: school }]);
  const list = await head.get(`/admission/schools/${school}/campaigns/${campaign.id}`);
  assert.equal(list.statusCode, 200);
  const row = (id: string) => list.body.match(new RegExp(`<tr[^>]*>(?:(?!</tr>).)*/admission/applications/${id}(?:(?!</tr>).)*</tr>`, 's'))?.[0] ?? '';
  assert.match(row(flagged.id), /на проверке в муниципалитете/);
  assert.doesNotMatch(row(clean.id), /на проверке/);
  assert.doesNotMatch(row(reviewed.id), /на проверке/, 'a reviewed flag is not shown');
  assert.doesNotMatch(list.body, /Соседская семья|sharedDocument/, 'no details of the flag');
  assert.match(row(clean.id), /class="row--overdue"/);
  assert.match(row(clean.id), /просрочено/);
});

test('a refusal shows the school offered with its name and a link, to the guardian and to the school', async () => {
  const [school, offered] = area.schoolIds as [string, string];
  const refused = await createApplication(t.context.db, campaign, school, { status: 'refused' });
  await t.context.db.update(admissionApplication).set({ offeredOrganizationId: offered }).where(eq(admissionApplication.id, refused.id));
  const guardian = await agent([{ role: 'guardian' }], refused.guardianId);
  const head = await agent([{ role: 'organizationHead', organizationId: school }]);
  for (const who of [guardian, head]) {
    const page = await who.get(`/admission/applications/${refused.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`<a href="/admission/live/${campaign.id}/schools/${offered}">Школа № 101 \\(${area.municipalityId}\\)</a>`));
  }
  assert.equal((await t.app.inject({ url: `/admission/live/${campaign.id}/schools/${offered}` })).statusCode, 200);
});

test('the operator closes the campaign once stage 2 has ended, audited; a closed campaign refuses drafts and submissions', async () => {
  const m = area.municipalityId;
  const own = await createCampaign(t.context.db, { municipalityId: m, year: 2031, stage1OpensAt: new Date('2026-03-31T21:00:00Z'), stage2ClosesAt: new Date('2026-09-05T21:00:00Z') });
  await createPlan(t.context.db, own.id, area.schoolIds[0]!, 25);
  t.clock.set(new Date('2026-09-01T09:00:00Z'));
  let operator = await agent([{ role: 'municipalOperator', municipalityId: m }]);
  let page = await operator.get(`/admission/campaigns/${own.id}`);
  assert.doesNotMatch(page.body, /\/close"/, 'no close form during stage 2');
  const early = await operator.post(`/admission/campaigns/${own.id}/close`, {});
  assert.equal(early.statusCode, 409);
  assert.match(early.body, /после окончания 2 этапа/);

  t.clock.set(new Date('2026-09-06T09:00:00Z'));
  operator = await agent([{ role: 'municipalOperator', municipalityId: m }]);
  const stranger = await agent([{ role: 'municipalOperator', municipalityId: m + 1 }]);
  assert.notEqual((await stranger.post(`/admission/campaigns/${own.id}/close`, {})).statusCode, 303, 'another municipality cannot close it');
  page = await operator.get(`/admission/campaigns/${own.id}`);
  assert.match(page.body, new RegExp(`action="/admission/campaigns/${own.id}/close"`));
  const closed = await operator.post(`/admission/campaigns/${own.id}/close`, {});
  assert.equal(closed.statusCode, 303, closed.body.slice(0, 400));
  const [row] = await t.context.db.select().from(admissionCampaign).where(eq(admissionCampaign.id, own.id));
  assert.equal(row!.status, 'closed');
  const audits = await t.context.db.select().from(auditEvent).where(and(eq(auditEvent.entityType, 'admission_campaign'), eq(auditEvent.entityId, own.id)));
  assert.ok(audits.some((a) => (a.details as { closed?: boolean }).closed === true), 'the closure is audited');
  assert.equal((await operator.post(`/admission/campaigns/${own.id}/close`, {})).statusCode, 409, 'closed once');
  const edit = await operator.post(`/admission/campaigns/${own.id}`, { version: String(row!.version), stage1OpensOn: '2031-03-29', stage1OpensTime: '00:00', stage1LastDay: '2031-06-30', stage2OpensOn: '2031-07-06', stage2LastDay: '2031-09-05', territoryActDueOn: '2031-03-15', placesDueOn: '2031-03-25', freePlacesDueOn: '2031-07-05', ordering: 'receipt' });
  assert.equal(edit.statusCode, 409, 'a closed campaign’s dates do not change');

  // A draft left in the closed campaign: neither saved nor submitted, with a clear message.
  const family = await createFamily(t.context.db);
  const guardianAccount = await createAccount(t.context, [{ role: 'guardian' }], { personId: family.guardianId });
  const draftId = await createDraft(t.context.db, { campaignId: own.id, organizationId: area.schoolIds[0]!, municipalityId: m }, { guardianId: family.guardianId, accountId: guardianAccount.id });
  const guardian = await loggedInAgent(t.app, guardianAccount);
  const saved = await guardian.post(`/admission/applications/${draftId}/edit`, { op: 'save', version: '1', houseId: area.houses.get('1')!, organizationId: area.schoolIds[0]! });
  assert.equal(saved.statusCode, 409);
  assert.match(saved.body, /кампания закрыта/);
  const submitted = await guardian.post(`/admission/applications/${draftId}/submit`, { idempotencyKey: crypto.randomUUID(), applicationVersion: '1' });
  assert.ok(submitted.statusCode >= 400, String(submitted.statusCode));
  assert.match(submitted.body, /кампания закрыта/);
  const [draft] = await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, draftId));
  assert.equal(draft!.status, 'draft');
  const detail = await guardian.get(`/admission/applications/${draftId}`);
  assert.match(detail.body, /кампания закрыта/);
  assert.doesNotMatch(detail.body, new RegExp(`action="/admission/applications/${draftId}/submit"`));
});
