import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { listAuditEvents } from '../platform/audit/audit.ts';
import { formatSnils } from './identifiers.ts';
import { createOrganization } from './organization.factory.ts';
import { createPerson, linkGuardianDirectly, uniqueBirthCertificate, uniqueSnils } from './person.factory.ts';
import { guardianLink, person, staffMember } from './person.schema.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

async function operator(municipalityId = 1) {
  return loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId }]));
}

function childForm(overrides: Record<string, string> = {}): Record<string, string> {
  const certificate = uniqueBirthCertificate();
  return {
    lastName: 'Кравченко',
    firstName: 'Мирон',
    middleName: '',
    birthDate: '2019-09-01',
    sex: 'male',
    snils: formatSnils(uniqueSnils()),
    birthCertificateSeries: certificate.series.toLowerCase(),
    birthCertificateNumber: certificate.number,
    passportSeries: '',
    passportNumber: '',
    phone: '',
    email: '',
    municipalityId: '1',
    organizationId: '',
    ...overrides,
  };
}

test('an operator creates a child through the form; documents typed with separators and lower case are stored normalised', async () => {
  const agent = await operator();
  const form = await agent.get('/people/new');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Новая запись о человеке/);
  const snils = uniqueSnils();
  const response = await agent.post('/people', childForm({ snils: formatSnils(snils), birthCertificateSeries: 'iv аг', birthCertificateNumber: '765 432' }));
  assert.equal(response.statusCode, 303);
  const location = String(response.headers.location);
  assert.match(location, /^\/people\/[0-9a-f-]{36}\?saved=created$/);
  const id = location.slice('/people/'.length, location.indexOf('?'));
  const [row] = await t.context.db.select().from(person).where(eq(person.id, id));
  assert.equal(row!.snils, snils);
  assert.equal(row!.birthCertificateSeries, 'IV-АГ');
  assert.equal(row!.birthCertificateNumber, '765432');
  const card = await agent.get(location);
  assert.equal(card.statusCode, 200);
  assert.match(card.body, /Запись создана/);
  assert.match(card.body, /IV-АГ № 765432/);
  assert.equal(card.headers['cache-control'], 'no-store');
});

test('a form with errors answers 422 in Russian with an error summary and keeps what was typed', async () => {
  const agent = await operator();
  const response = await agent.post('/people', childForm({ lastName: 'Кравченко', snils: '123-456-789 00', birthCertificateSeries: 'XYZ' }));
  assert.equal(response.statusCode, 422);
  assert.match(response.body, /Исправьте ошибки/);
  assert.match(response.body, /не сходится контрольное число/);
  assert.match(response.body, /римские цифры/);
  assert.match(response.body, /value="Кравченко"/);
  assert.match(response.body, /value="123-456-789 00"/);
  assert.match(response.body, /value="XYZ"/);
});

test('a second child with the same birth certificate gets a clear 409 on the form, with the input kept', async () => {
  const existing = await createPerson(t.context.db);
  const agent = await operator();
  const response = await agent.post(
    '/people',
    childForm({ birthCertificateSeries: existing.birthCertificateSeries!, birthCertificateNumber: existing.birthCertificateNumber!, firstName: 'Дубль' }),
  );
  assert.equal(response.statusCode, 409);
  assert.match(response.body, /Запись с таким свидетельством о рождении уже существует/);
  assert.match(response.body, /value="Дубль"/);
});

test('the API answers a duplicate SNILS with problem+json 409 in Russian', async () => {
  const existing = await createPerson(t.context.db);
  const agent = await operator();
  const response = await agent.api('POST', '/api/v1/people', {
    lastName: 'Кравченко',
    firstName: 'Мирон',
    birthDate: '2019-09-01',
    sex: 'male',
    snils: formatSnils(existing.snils!),
    municipalityId: 1,
  });
  assert.equal(response.statusCode, 409);
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  assert.equal(response.json().title, 'Запись с таким СНИЛС уже существует');
  assert.equal(response.json().code, 'person-duplicate-snils');
});

test('the API creates, reads and patches a person; responses with personal data are not cacheable', async () => {
  const agent = await operator();
  const created = await agent.api('POST', '/api/v1/people', {
    lastName: 'Левченко',
    firstName: 'Ульяна',
    birthDate: '2017-03-08',
    sex: 'female',
    birthCertificateSeries: 'ii-ак',
    birthCertificateNumber: '000777',
    municipalityId: 1,
  });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.headers['cache-control'], 'no-store');
  const body = created.json();
  assert.equal(body.birthCertificateSeries, 'II-АК');
  const read = await agent.api('GET', `/api/v1/people/${body.id}`);
  assert.equal(read.statusCode, 200);
  assert.equal(read.headers['cache-control'], 'no-store');
  const patched = await agent.api('PATCH', `/api/v1/people/${body.id}`, { middleName: 'Сергеевна', phone: '8 918 111 22 33', version: body.version });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().middleName, 'Сергеевна');
  assert.equal(patched.json().phone, '+79181112233');
  assert.equal(patched.json().birthCertificateNumber, '000777');
  assert.equal(patched.json().version, body.version + 1);
  const cleared = await agent.api('PATCH', `/api/v1/people/${body.id}`, { middleName: null, version: patched.json().version });
  assert.equal(cleared.json().middleName, null);
  const found = await agent.api('POST', '/api/v1/people/search', { q: 'левченко ульяна' });
  assert.equal(found.statusCode, 200, found.body);
  assert.equal(found.headers['cache-control'], 'no-store');
  assert.deepEqual(found.json().items.map((p: { id: string }) => p.id), [body.id]);
  assert.equal(found.json().nextCursor, null);
});

test('bad input to the API is a 4xx problem, never a 500', async () => {
  const agent = await operator();
  const cases: Array<[string, 'GET' | 'POST' | 'PATCH', string, unknown]> = [
    ['malformed id', 'GET', '/api/v1/people/not-a-uuid', undefined],
    ['unknown id', 'GET', '/api/v1/people/00000000-0000-4000-8000-000000000000', undefined],
    ['bad cursor', 'GET', '/api/v1/people?cursor=abc', undefined],
    ['limit too large', 'GET', '/api/v1/people?limit=100000', undefined],
    ['a search term in the URL', 'GET', '/api/v1/people?q=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2', undefined],
    ['search without a term', 'POST', '/api/v1/people/search', {}],
    ['search with a blank term', 'POST', '/api/v1/people/search', { q: '   ' }],
    ['search with a bad cursor', 'POST', '/api/v1/people/search', { q: 'Иванов', after: 'abc' }],
    ['search with an unknown property', 'POST', '/api/v1/people/search', { q: 'Иванов', sort: 'birthDate' }],
    ['missing fields', 'POST', '/api/v1/people', { lastName: 'А' }],
    ['wrong types', 'POST', '/api/v1/people', { lastName: 1, firstName: [], birthDate: 'вчера', sex: 'x', municipalityId: 'один' }],
    ['unknown property', 'POST', '/api/v1/people', { lastName: 'А', firstName: 'Б', birthDate: '2019-01-01', sex: 'male', municipalityId: 1, admin: true }],
    ['impossible date', 'POST', '/api/v1/people', { lastName: 'Аа', firstName: 'Бб', birthDate: '2019-02-30', sex: 'male', municipalityId: 1 }],
    ['unknown municipality', 'POST', '/api/v1/people', { lastName: 'Аа', firstName: 'Бб', birthDate: '2019-02-03', sex: 'male', municipalityId: 9999 }],
    ['bad relation', 'POST', '/api/v1/people/00000000-0000-4000-8000-000000000000/guardians', { guardianId: '00000000-0000-4000-8000-000000000000', relation: 'uncle' }],
  ];
  for (const [label, method, url, json] of cases) {
    const response = await agent.api(method, url, json);
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${label}: ${response.statusCode} ${response.body}`);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/, label);
  }
  const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: { 'content-type': 'application/json' }, payload: '{"lastName":' });
  assert.ok(malformed.statusCode >= 400 && malformed.statusCode < 500, `malformed JSON: ${malformed.statusCode}`);
  const page = await agent.get('/people/not-a-uuid');
  assert.equal(page.statusCode, 404);
});

test('an operator edits a person through the form and the change is audited with field names only', async () => {
  const agent = await operator();
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const form = await agent.get(`/people/${child.id}/edit`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, new RegExp(`value="${child.lastName}"`));
  const values = {
    ...childForm(),
    lastName: child.lastName,
    firstName: 'Новоеимя',
    birthCertificateSeries: child.birthCertificateSeries!,
    birthCertificateNumber: child.birthCertificateNumber!,
    snils: child.snils!,
    version: String(child.version),
  };
  const response = await agent.post(`/people/${child.id}/edit`, values);
  assert.equal(response.statusCode, 303);
  const [row] = await t.context.db.select().from(person).where(eq(person.id, child.id));
  assert.equal(row!.firstName, 'Новоеимя');
  const [event] = await listAuditEvents(t.context.db, { entityType: 'person', entityId: child.id, action: 'update', limit: 1 });
  assert.ok((event!.details as { fields: string[] }).fields.includes('firstName'));
  assert.doesNotMatch(JSON.stringify(event!.details), /Новоеимя/);
});

test('an operator cannot move a record into another municipality', async () => {
  const agent = await operator(1);
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const moved = await agent.api('PATCH', `/api/v1/people/${child.id}`, { municipalityId: 2, version: child.version });
  assert.equal(moved.statusCode, 422);
  const [row] = await t.context.db.select().from(person).where(eq(person.id, child.id));
  assert.equal(row!.municipalityId, 1);
});

test('an operator links a guardian found by SNILS on the child card; the link is audited', async () => {
  const agent = await operator();
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const mother = await createPerson(t.context.db, { municipalityId: 1, birthDate: '1990-05-05', sex: 'female' });
  await agent.get(`/people/${child.id}`);
  const missing = await agent.post(`/people/${child.id}/guardians`, { guardian: '', relation: '' });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Введите СНИЛС/);
  const response = await agent.post(`/people/${child.id}/guardians`, { guardian: formatSnils(mother.snils!), relation: 'mother' });
  assert.equal(response.statusCode, 303);
  const links = await t.context.db.select().from(guardianLink).where(eq(guardianLink.childId, child.id));
  assert.deepEqual(links.map((l) => [l.guardianId, l.relation]), [[mother.id, 'mother']]);
  assert.equal(response.headers.location, `/people/${child.id}?saved=guardian`);
  const card = await agent.get(String(response.headers.location));
  assert.match(card.body, /Законный представитель привязан/);
  assert.match(card.body, new RegExp(mother.lastName));
  const [event] = await listAuditEvents(t.context.db, { entityType: 'person', entityId: child.id, action: 'update', limit: 1 });
  assert.equal((event!.details as { change: string }).change, 'guardian-linked');
});

test('a guardian outside the operator’s municipality is "not found" on the link form', async () => {
  const agent = await operator(1);
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const elsewhere = await createPerson(t.context.db, { municipalityId: 5, birthDate: '1985-01-01' });
  await agent.get(`/people/${child.id}`);
  const response = await agent.post(`/people/${child.id}/guardians`, { guardian: elsewhere.snils!, relation: 'father' });
  assert.equal(response.statusCode, 422);
  assert.match(response.body, /не найдена среди доступных вам/);
});

test('a head records and ends a staff membership at their organisation, but not at another', async () => {
  const school = await createOrganization(t.context.db, { municipalityId: 1 });
  const other = await createOrganization(t.context.db, { municipalityId: 1 });
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
  const teacher = await createPerson(t.context.db, { municipalityId: 1, organizationId: school.id, birthDate: '1980-01-01' });
  await head.get(`/people/${teacher.id}`);
  const refused = await head.post(`/people/${teacher.id}/staff`, { organizationId: other.id, position: 'Учитель', hiredOn: '' });
  assert.equal(refused.statusCode, 422);
  const saved = await head.post(`/people/${teacher.id}/staff`, { organizationId: school.id, position: 'Учитель математики', hiredOn: '2020-09-01' });
  assert.equal(saved.statusCode, 303);
  const card = await head.get(`/people/${teacher.id}`);
  assert.match(card.body, /Учитель математики/);
  const removed = await head.post(`/people/${teacher.id}/staff/remove`, { organizationId: school.id });
  assert.equal(removed.statusCode, 303);
  const rows = await t.context.db.select().from(staffMember).where(eq(staffMember.personId, teacher.id));
  assert.equal(rows.length, 0);
});

test('/people/mine shows a guardian their own record and linked children, and the child card opens for them', async () => {
  const parent = await createPerson(t.context.db, { municipalityId: 3, birthDate: '1987-07-07', lastName: 'Родителева' });
  const kid = await createPerson(t.context.db, { municipalityId: 3, lastName: 'Детёнкина', sex: 'female' });
  const stranger = await createPerson(t.context.db, { municipalityId: 3, lastName: 'Чужая' });
  await linkGuardianDirectly(t.context.db, parent.id, kid.id, 'mother');
  const agent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: parent.id }));
  const mine = await agent.get('/people/mine');
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /Родителева/);
  assert.match(mine.body, /Детёнкина/);
  assert.doesNotMatch(mine.body, /Чужая/);
  assert.equal((await agent.get(`/people/${kid.id}`)).statusCode, 200);
  assert.equal((await agent.get(`/people/${stranger.id}`)).statusCode, 404);
  assert.doesNotMatch((await agent.get(`/people/${kid.id}`)).body, /Изменить/);
});

test('an account not linked to a person is told so on /people/mine', async () => {
  const agent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }]));
  const mine = await agent.get('/people/mine');
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /не связана с записью/);
});

test('the list page paginates with links that carry only the municipality and an opaque cursor', async () => {
  const agent = await operator(44);
  for (let i = 0; i < 52; i++) await createPerson(t.context.db, { municipalityId: 44, lastName: `Листова`, firstName: 'Ксения', sex: 'female' });
  const first = await agent.get('/people?municipalityId=44');
  assert.equal(first.statusCode, 200);
  const next = /href="(\/people\?[^"]*after=[^"]+)"/.exec(first.body);
  assert.ok(next, 'a next-page link');
  const url = next[1]!.replace(/&amp;/g, '&');
  assert.deepEqual([...new URL(url, 'http://x').searchParams.keys()].sort(), ['after', 'municipalityId']);
  const second = await agent.get(url);
  assert.equal(second.statusCode, 200);
  assert.equal((second.body.match(/<a href="\/people\/[0-9a-f-]{36}"/g) ?? []).length, 2);
});

/** Every URL a page can lead to or submit to: links, form actions, and the Location header. */
function urlsOf(response: { body: string; headers: Record<string, unknown> }): string[] {
  const attributes = [...response.body.matchAll(/\b(?:href|action|src|formaction)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  return response.headers.location === undefined ? attributes : [...attributes, String(response.headers.location)];
}

test('a search is posted and answered in place: the term is in no URL, no link and no form action', async () => {
  const agent = await operator(43);
  const term = 'Поисковаятайна';
  for (let i = 0; i < 52; i++) await createPerson(t.context.db, { municipalityId: 43, lastName: term, firstName: 'Ирина', sex: 'female' });
  const other = await createPerson(t.context.db, { municipalityId: 43, lastName: 'Посторонняя', sex: 'female' });
  const list = await agent.get('/people');
  assert.match(list.body, /<form action="\/people\/search" method="post"/);

  const first = await agent.post('/people/search', { q: `  ${term} ирина `, municipalityId: '43' });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers.location, undefined);
  assert.equal(first.headers['cache-control'], 'no-store');
  const forbidden = [term, term.toLowerCase(), encodeURIComponent(term), encodeURIComponent(term.toLowerCase()), 'ирина', encodeURIComponent('ирина')];
  for (const url of urlsOf(first)) for (const piece of forbidden) assert.ok(!url.toLowerCase().includes(piece.toLowerCase()), `${url} carries the term`);
  assert.ok(!urlsOf(first).some((url) => /[?&]q=/.test(url)), 'no link carries a q parameter');
  assert.doesNotMatch(first.body, /<title>[^<]*Поисковаятайна/);
  // The term stays in the search box, and the municipality stays chosen.
  assert.match(first.body, new RegExp(`id="field-q" name="q" type="search" value="${term} ирина"`));
  assert.match(first.body, /<option value="43" selected/);
  assert.equal((first.body.match(/<a href="\/people\/[0-9a-f-]{36}"/g) ?? []).length, 50);
  assert.ok(!first.body.includes(`/people/${other.id}"`));

  // The next page is a POST carrying the term and the cursor in hidden fields.
  const nextForm = /<nav class="pagination"[^>]*>\s*<form action="\/people\/search" method="post"[^>]*>([\s\S]*?)<\/form>/.exec(first.body);
  assert.ok(nextForm, 'a next-page form');
  assert.match(nextForm[1]!, /Следующая страница/);
  const hidden = Object.fromEntries([...nextForm[1]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  assert.equal(hidden.q, `${term} ирина`);
  assert.equal(hidden.municipalityId, '43');
  assert.match(hidden.after!, /^[0-9a-f-]{36}$/);
  const second = await agent.post('/people/search', { q: hidden.q!, municipalityId: hidden.municipalityId!, after: hidden.after! });
  assert.equal(second.statusCode, 200);
  assert.equal(second.headers.location, undefined);
  assert.equal((second.body.match(/<a href="\/people\/[0-9a-f-]{36}"/g) ?? []).length, 2);
  assert.doesNotMatch(second.body, /Следующая страница/);
  for (const url of urlsOf(second)) assert.ok(!url.toLowerCase().includes(term.toLowerCase()), `${url} carries the term`);

  // Each page of results shown to staff is audited, naming the ids shown but not the term.
  const [event] = await listAuditEvents(t.context.db, { entityType: 'person', action: 'read', limit: 1 });
  assert.equal((event!.details as { ids: string[] }).ids.length, 2);
  assert.doesNotMatch(JSON.stringify(event!.details), /Поисковаятайна/i);
});

test('a search term in the URL of the list page is ignored: GET /people?q=… does not search', async () => {
  const agent = await operator(42);
  const wanted = await createPerson(t.context.db, { municipalityId: 42, lastName: 'Искомова', sex: 'female' });
  const other = await createPerson(t.context.db, { municipalityId: 42, lastName: 'Другова', sex: 'female' });
  const response = await agent.get(`/people?municipalityId=42&q=${encodeURIComponent('Искомова')}`);
  assert.equal(response.statusCode, 200);
  assert.ok(response.body.includes(`/people/${wanted.id}"`));
  assert.ok(response.body.includes(`/people/${other.id}"`), 'the list is not filtered by q');
  assert.match(response.body, /id="field-q" name="q" type="search" value(="")? /);
});

test('a search posted without a term goes back to the plain list of the chosen municipality', async () => {
  const agent = await operator(41);
  await agent.get('/people');
  const response = await agent.post('/people/search', { q: '  ', municipalityId: '41' });
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, '/people?municipalityId=41');
  // The results page's own path, reached by GET (say, by the language switch), is the plain list.
  const back = await agent.get('/people/search');
  assert.equal(back.statusCode, 303);
  assert.equal(back.headers.location, '/people');
});

test('a search needs a login and the session’s CSRF token', async () => {
  const anonymous = new Agent(t.app);
  await anonymous.get('/');
  assert.equal((await anonymous.post('/people/search', { q: 'Иванов' })).statusCode, 401);
  const agent = await operator(1);
  await agent.get('/people');
  const token = agent.csrfToken;
  agent.csrfToken = 'forged';
  assert.equal((await agent.post('/people/search', { q: 'Иванов' })).statusCode, 403);
  agent.csrfToken = 'forged'; // the refusal page handed the agent the real token again
  assert.equal((await agent.api('POST', '/api/v1/people/search', { q: 'Иванов' })).statusCode, 403);
  agent.csrfToken = token;
  assert.equal((await agent.post('/people/search', { q: 'Иванов' })).statusCode, 200);
  assert.equal((await agent.api('POST', '/api/v1/people/search', { q: 'Иванов' })).statusCode, 200);
});

// Lost-update protection: two staff open the same record; the second save must not silently
// overwrite the first.

function editFormOf(child: typeof person.$inferSelect, overrides: Record<string, string>): Record<string, string> {
  return {
    ...childForm(),
    lastName: child.lastName,
    firstName: child.firstName,
    birthDate: child.birthDate,
    sex: child.sex,
    birthCertificateSeries: child.birthCertificateSeries ?? '',
    birthCertificateNumber: child.birthCertificateNumber ?? '',
    snils: child.snils ?? '',
    ...overrides,
  };
}

test('a page edit made from a stale version is refused with 409, keeps the input, shows what is stored and overwrites nothing', async () => {
  const first = await operator();
  const second = await operator();
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const form = await second.get(`/people/${child.id}/edit`);
  assert.match(form.body, /name="version" value="1"/);
  const saved = await first.post(`/people/${child.id}/edit`, editFormOf(child, { firstName: 'Первыйвариант', version: '1' }));
  assert.equal(saved.statusCode, 303, saved.body);
  const stale = await second.post(`/people/${child.id}/edit`, editFormOf(child, { firstName: 'Второйвариант', version: '1' }));
  assert.equal(stale.statusCode, 409, stale.body);
  assert.match(stale.body, /Запись изменил другой пользователь/);
  assert.match(stale.body, /value="Второйвариант"/, 'the input is kept');
  assert.match(stale.body, /Первыйвариант/, 'what is stored now is shown');
  assert.match(stale.body, /name="version" value="2"/, 'a resubmission is made against the stored version');
  const [row] = await t.context.db.select().from(person).where(eq(person.id, child.id));
  assert.equal(row!.firstName, 'Первыйвариант');
  assert.equal(row!.version, 2);
  const resubmitted = await second.post(`/people/${child.id}/edit`, editFormOf(child, { firstName: 'Второйвариант', version: '2' }));
  assert.equal(resubmitted.statusCode, 303, resubmitted.body);
  const [after] = await t.context.db.select().from(person).where(eq(person.id, child.id));
  assert.equal(after!.firstName, 'Второйвариант');
  assert.equal(after!.version, 3);
});

test('a page edit without a version is refused with 422 and saves nothing', async () => {
  const agent = await operator();
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const response = await agent.post(`/people/${child.id}/edit`, editFormOf(child, { firstName: 'Безверсии' }));
  assert.equal(response.statusCode, 422);
  assert.match(response.body, /value="Безверсии"/);
  const [row] = await t.context.db.select().from(person).where(eq(person.id, child.id));
  assert.equal(row!.firstName, child.firstName);
  assert.equal(row!.version, 1);
});

test('an API patch requires the version; a stale one gets a 409 problem and overwrites nothing, a fresh one passes', async () => {
  const agent = await operator();
  const child = await createPerson(t.context.db, { municipalityId: 1 });
  const read = await agent.api('GET', `/api/v1/people/${child.id}`);
  assert.equal(read.json().version, 1);
  const missing = await agent.api('PATCH', `/api/v1/people/${child.id}`, { phone: '8 918 111 22 33' });
  assert.equal(missing.statusCode, 422, missing.body);
  const fresh = await agent.api('PATCH', `/api/v1/people/${child.id}`, { phone: '8 918 111 22 33', version: 1 });
  assert.equal(fresh.statusCode, 200, fresh.body);
  assert.equal(fresh.json().version, 2);
  const stale = await agent.api('PATCH', `/api/v1/people/${child.id}`, { phone: '8 918 444 55 66', version: 1 });
  assert.equal(stale.statusCode, 409, stale.body);
  assert.match(String(stale.headers['content-type']), /application\/problem\+json/);
  assert.equal(stale.json().code, 'stale-version');
  assert.match(stale.json().title, /Запись изменил другой пользователь/);
  const [row] = await t.context.db.select().from(person).where(eq(person.id, child.id));
  assert.equal(row!.phone, '+79181112233');
  assert.equal(row!.version, 2);
  const updates = await listAuditEvents(t.context.db, { entityType: 'person', entityId: child.id, action: 'update', limit: 10 });
  assert.equal(updates.length, 1, 'the refused edit is not audited as a change');
});
