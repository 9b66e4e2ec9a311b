import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { anonymous } from '../platform/access/access.ts';
import { issueApiToken } from '../platform/auth/api-tokens.ts';
import { solvedPow } from '../platform/http/proof-of-work.fixtures.ts';
import { ALLOWANCE_TTL_SECONDS } from '../platform/http/proof-of-work.ts';
import { createSettlement, createStreet, type CreatedStreet } from './address.factory.ts';
import { createOrganization } from './organization.factory.ts';
import { addRule, createAct, publishAct } from './territory.service.ts';

describe('territory pages and API', () => {
  let t: TestApp;
  let red: CreatedStreet;
  let school: { id: string; shortName: string };
  let other: { id: string };
  let actId: string;
  const origin = { actor: anonymous, ip: null, requestId: null };

  before(async () => {
    t = await createTestApp();
    const db = t.context.db;
    const city = await createSettlement(db, { municipalityId: 1, name: 'Краснодар' });
    red = await createStreet(db, { municipalityId: 1, settlement: city, street: 'Красная', houses: ['1', '2', '3'] });
    school = await createOrganization(db, { municipalityId: 1 });
    other = await createOrganization(db, { municipalityId: 1 });
    const act = await createAct(t.context, origin, { municipalityId: 1, number: '77', signedOn: '2026-01-10', title: 'О закреплении', documentUrl: null, documentName: null, validFrom: '2026-01-15' });
    await addRule(t.context, origin, act.id, { organizationId: school.id, objectId: red.streetId, kind: 'odd', numberFrom: null, numberTo: null, houseId: null });
    await publishAct(t.context, origin, act.id);
    actId = act.id;
  });
  after(() => t.close());

  test('find your school by address: a GET form, the houses found, the school of the chosen house — public and cacheable', async () => {
    const empty = await t.app.inject({ url: '/schools/find' });
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /<form action="\/schools\/find" method="get"/);
    const found = await t.app.inject({ url: `/schools/find?q=${encodeURIComponent('ул. Красная, д 1')}` });
    assert.equal(found.statusCode, 200);
    assert.match(String(found.headers['cache-control']), /public/);
    assert.match(found.body, /г Краснодар, ул Красная, д\. 1/);
    const chosen = await t.app.inject({ url: `/schools/find?q=x&house=${red.houses.get('1')}` });
    assert.ok(chosen.body.includes(`/organizations/${school.id}`), 'links the school');
    assert.ok(chosen.body.includes(school.shortName.replace(/"/g, '&quot;')));
    const none = await t.app.inject({ url: `/schools/find?house=${red.houses.get('2')}` });
    assert.match(none.body, /не закреплён ни за одной школой/);
  });

  test("a school's addresses, public and paginated", async () => {
    const page = await t.app.inject({ url: `/organizations/${school.id}/territory` });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['cache-control']), /public/);
    assert.match(page.body, /д\. 1</);
    assert.match(page.body, /д\. 3</);
    assert.doesNotMatch(page.body, /д\. 2</);
    assert.match(page.body, /№ 77/);
  });

  /** An anonymous caller's search allowance, bought with one solved challenge. */
  async function allowance(): Promise<Record<string, string>> {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/proof-of-work/allowance', headers: { 'x-altcha': await solvedPow(t.context.db) } });
    assert.equal(response.statusCode, 201);
    return { 'x-pow-allowance': response.json().allowance };
  }

  test('the JSON API: search, schools of a house, territory of a school', async () => {
    const headers = await allowance();
    const search = await t.app.inject({ url: `/api/v1/addresses?q=${encodeURIComponent('Краснодар Красная 3')}`, headers });
    assert.equal(search.statusCode, 200);
    assert.equal(search.json().items[0].id, red.houses.get('3'));
    const schools = await t.app.inject({ url: `/api/v1/addresses/${red.houses.get('3')}/schools?date=2026-04-01`, headers });
    assert.deepEqual(schools.json().schools.map((s: { id: string }) => s.id), [school.id]);
    const before = await t.app.inject({ url: `/api/v1/addresses/${red.houses.get('3')}/schools?date=2026-01-14`, headers });
    assert.deepEqual(before.json().schools, []);
    const territory = await t.app.inject({ url: `/api/v1/organizations/${school.id}/territory?date=2026-04-01&limit=1` });
    assert.equal(territory.json().total, 2);
    assert.equal(territory.json().items.length, 1);
    assert.ok(territory.json().nextCursor);
    assert.equal((await t.app.inject({ url: '/api/v1/addresses/00000000-0000-0000-0000-000000000000/schools', headers })).statusCode, 404);
    assert.equal((await t.app.inject({ url: '/api/v1/addresses?q=' })).statusCode, 422); // schema validation answers 422 here
  });

  test('the JSON searches ask a caller without a session for proof of work; the page and a logged-in session do not', async () => {
    const searches = [`/api/v1/addresses?q=${encodeURIComponent('Красная 3')}`, `/api/v1/addresses/${red.houses.get('3')}/schools`];
    for (const url of searches) {
      const refused = await t.app.inject({ url });
      assert.equal(refused.statusCode, 403, url);
      assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
      assert.equal(refused.json().code, 'proof-of-work-required');
      assert.equal(refused.json().challenge, '/api/v1/proof-of-work/challenge', 'the refusal says where to get a challenge');
      assert.equal(refused.json().allowance, '/api/v1/proof-of-work/allowance');
      assert.doesNotMatch(String(refused.headers['cache-control'] ?? ''), /public/, 'a refusal is not cached');
    }

    // A fresh solution pays for one request, once.
    const altcha = await solvedPow(t.context.db);
    assert.equal((await t.app.inject({ url: searches[0]!, headers: { 'x-altcha': altcha } })).statusCode, 200);
    assert.equal((await t.app.inject({ url: searches[0]!, headers: { 'x-altcha': altcha } })).statusCode, 403, 'a replayed solution');

    // An allowance pays for many, until it expires; a forged one for none.
    const headers = await allowance();
    for (const url of [...searches, ...searches]) assert.equal((await t.app.inject({ url, headers })).statusCode, 200, url);
    const [expires, nonce] = headers['x-pow-allowance']!.split('.');
    const forged = await t.app.inject({ url: searches[0]!, headers: { 'x-pow-allowance': `${expires}.${nonce}.${'A'.repeat(43)}` } });
    assert.equal(forged.statusCode, 403, 'a forged allowance');
    t.clock.advance(ALLOWANCE_TTL_SECONDS * 1000);
    try {
      assert.equal((await t.app.inject({ url: searches[0]!, headers })).statusCode, 403, 'an expired allowance');
    } finally {
      t.clock.advance(-ALLOWANCE_TTL_SECONDS * 1000);
    }

    // An API token is what a script uses: it pays too. A logged-in browser session does not.
    const owner = await createAccount(t.context, [{ role: 'guardian' }]);
    const token = await issueApiToken(t.context.db, origin, owner.id, { name: 'script', grant: { role: 'guardian', municipalityId: null, organizationId: null }, expiresAt: null }, t.clock.now());
    assert.equal((await t.app.inject({ url: searches[0]!, headers: { authorization: `Bearer ${token.token}` } })).statusCode, 403);
    assert.equal((await t.app.inject({ url: searches[0]!, headers: { authorization: `Bearer ${token.token}`, ...(await allowance()) } })).statusCode, 200);
    const guardian = await loggedInAgent(t.app, owner);
    assert.equal((await guardian.get(searches[0]!)).statusCode, 200);

    // The HTML form runs the same search with nothing of this: the fallback without JavaScript.
    const page = await t.app.inject({ url: `/schools/find?q=${encodeURIComponent('Красная 3')}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /г Краснодар, ул Красная, д\. 3/);
    assert.match(page.body, /Без JavaScript всё работает так же/, 'the page says the form works without JavaScript');
  });

  test('the editor: the operator of the municipality drafts an act, adds and removes rules, checks and publishes', async () => {
    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
    assert.equal((await operator.get('/territories')).statusCode, 200);
    const invalid = await operator.post('/territories/new', { municipalityId: '1', number: '', signedOn: '2026-13-01', title: 'Новый', validFrom: '2026-06-01' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /value="Новый"/);
    const created = await operator.post('/territories/new', { municipalityId: '1', number: '88', signedOn: '2026-05-20', title: 'Новый', validFrom: '2026-06-01', documentUrl: '', documentName: 'act-88.pdf' });
    assert.equal(created.statusCode, 303);
    const url = String(created.headers.location);
    const search = await operator.get(`${url}?street=${encodeURIComponent('красная')}`);
    assert.ok(search.body.includes(`objectId=${red.streetId}`));
    await operator.get(`${url}?objectId=${red.streetId}`);
    const bad = await operator.post(`${url}/rules`, { objectId: red.streetId, organizationId: other.id, kind: 'range', numberFrom: '5', numberTo: '1' });
    assert.equal(bad.statusCode, 422);
    const added = await operator.post(`${url}/rules`, { objectId: red.streetId, organizationId: other.id, kind: 'wholeStreet', numberFrom: '', numberTo: '', houseId: '' });
    assert.equal(added.statusCode, 303);
    const report = await operator.get(`${url}/report`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /Ошибок нет/);
    const page = await operator.get(url);
    const ruleId = /\/rules\/([0-9a-f-]{36})\/delete/.exec(page.body)?.[1];
    assert.ok(ruleId);
    assert.equal((await operator.post(`${url}/rules/${ruleId}/delete`, {})).statusCode, 303);
    const unassigned = await operator.get(`${url}/report?problem=unassigned`);
    assert.match(unassigned.body, /г Краснодар, ул Красная, д\. 2/);
    assert.equal((await operator.post(`${url}/publish`, {})).statusCode, 303);
    assert.equal((await operator.post(`${url}/publish`, {})).statusCode, 409);
  });

  test("the act's own fields: the operator edits a draft's, errors in Russian keep the input, a published act keeps its dates", async () => {
    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
    const created = await operator.post('/territories/new', { municipalityId: '1', number: '90', signedOn: '2026-05-20', title: 'Проект', validFrom: '2026-06-01' });
    const url = String(created.headers.location);
    const form = await operator.get(`${url}/edit`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="validFrom"[^>]*value="2026-06-01"|value="2026-06-01"[^>]*name="validFrom"/);
    const version = /name="version" value="(\d+)"/.exec(form.body)?.[1];
    assert.ok(version);
    const invalid = await operator.post(`${url}/edit`, { version, number: '', signedOn: '2026-02-30', title: 'Исправленный проект', validFrom: '2026-06-01', documentUrl: 'ftp://x', documentName: '' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /Укажите номер акта/);
    assert.match(invalid.body, /Укажите дату в виде ГГГГ-ММ-ДД/);
    assert.match(invalid.body, /Ссылка должна начинаться с http:\/\/ или https:\/\//);
    assert.match(invalid.body, /value="Исправленный проект"/);
    assert.match(invalid.body, /value="2026-02-30"/);
    const saved = await operator.post(`${url}/edit`, { version, number: '90-п', signedOn: '2026-05-21', title: 'Исправленный проект', validFrom: '2026-06-02', documentUrl: 'https://krd.example/90.pdf', documentName: '90.pdf' });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${url}?saved=1`);
    const page = await operator.get(`${url}?saved=1`);
    assert.match(page.body, /Реквизиты постановления сохранены/);
    assert.match(page.body, /№ 90-п/);
    assert.match(page.body, /Исправленный проект/);
    // the form opened before that save is refused, and the typed values are kept
    // …also after it first failed validation: the redrawn form keeps the version it was opened at
    const staleInvalid = await operator.post(`${url}/edit`, { version, number: '', signedOn: '2026-05-21', title: 'Исправленный проект', validFrom: '2026-06-02' });
    assert.equal(staleInvalid.statusCode, 422);
    assert.equal(/name="version" value="(\d+)"/.exec(staleInvalid.body)?.[1], version);
    const stale = await operator.post(`${url}/edit`, { version, number: '91', signedOn: '2026-05-21', title: 'Исправленный проект', validFrom: '2026-06-02' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /изменил другой пользователь/);
    assert.match(stale.body, /value="91"/);

    assert.equal((await operator.post(`${url}/publish`, {})).statusCode, 303);
    const published = await operator.get(`${url}/edit`);
    assert.match(published.body, /Постановление опубликовано: даты не меняются/);
    assert.doesNotMatch(published.body, /name="validFrom"/);
    const next = /name="version" value="(\d+)"/.exec(published.body)![1]!;
    // posted dates are ignored for a published act: only the number, title and document change
    const corrected = await operator.post(`${url}/edit`, { version: next, number: '90', title: 'Исправленный проект', validFrom: '2020-01-01', signedOn: '2020-01-01', documentUrl: 'https://krd.example/90.pdf', documentName: '90-signed.pdf' });
    assert.equal(corrected.statusCode, 303);
    const after = await operator.get(url);
    assert.match(after.body, /№ 90 /);
    assert.match(after.body, /90-signed\.pdf/);
    assert.match(after.body, /02\.06\.2026|2 июня 2026/);
    assert.match(after.body, /правила и даты больше не меняются/);
  });

  test('an operator of another municipality, a school head and a visitor are refused', async () => {
    const stranger = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]));
    assert.equal((await stranger.get(`/territories/${actId}`)).statusCode, 403);
    assert.equal((await stranger.get(`/territories/${actId}/report`)).statusCode, 403);
    assert.equal((await stranger.post('/territories/new', { municipalityId: '1', number: '1', signedOn: '2026-05-20', title: 'x', validFrom: '2026-06-01' })).statusCode, 422);
    const listing = await stranger.get('/territories');
    assert.doesNotMatch(listing.body, /№ 77/);
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
    assert.equal((await head.get('/territories')).statusCode, 403);
    assert.equal((await head.post(`/territories/${actId}/publish`, {})).statusCode, 403);
    assert.equal((await stranger.get(`/territories/${actId}/edit`)).statusCode, 403);
    assert.equal((await stranger.post(`/territories/${actId}/edit`, { version: '1', number: 'x', title: 'x' })).statusCode, 403);
    assert.equal((await head.post(`/territories/${actId}/edit`, { version: '1', number: 'x', title: 'x' })).statusCode, 403);
    const guardian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }]));
    assert.equal((await guardian.get(`/territories/${actId}/edit`)).statusCode, 403);
    assert.notEqual((await t.app.inject({ url: `/territories/${actId}/edit` })).statusCode, 200);
    const visitor = await t.app.inject({ url: `/territories/${actId}` });
    assert.notEqual(visitor.statusCode, 200);
  });
});
