import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { createPerson, linkGuardianDirectly } from '../registry/person.factory.ts';
import { resolveMergedPerson } from '../registry/person-merge.service.ts';
import { findPersonByDocument } from '../registry/pupil-registry.service.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('an operator compares two records of a child side by side and merges them; others cannot', async () => {
  const db = t.context.db;
  const mother = await createPerson(db, { birthDate: '1990-01-01', sex: 'female' });
  const a = await createPerson(db, { lastName: 'Белова', firstName: 'Ева', birthDate: '2017-07-07', sex: 'female', municipalityId: 1 });
  const b = await createPerson(db, { lastName: 'Белова', firstName: 'Ева', birthDate: '2017-07-07', sex: 'female', municipalityId: 1 });
  await linkGuardianDirectly(db, mother.id, b.id);

  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: (await createOrganization(db)).id }]));
  assert.equal((await head.get('/registry/merge')).statusCode, 403);
  const sochi = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]));
  assert.equal((await sochi.post('/registry/merge/compare', { a: a.id, b: b.id })).statusCode, 404);
  assert.equal((await sochi.post('/registry/merge', { keptPersonId: a.id, mergedPersonId: b.id })).statusCode, 404);

  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  assert.equal((await operator.get('/registry/merge')).statusCode, 200);
  const compare = await operator.post('/registry/merge/compare', { a: a.snils!, b: `${b.birthCertificateSeries} ${b.birthCertificateNumber}` });
  assert.equal(compare.statusCode, 200, compare.body);
  assert.match(compare.body, /guardian_link\.child_id/);
  const merged = await operator.post('/registry/merge', { keptPersonId: a.id, mergedPersonId: b.id });
  assert.equal(merged.statusCode, 200, merged.body);
  assert.match(merged.body, /guardian_link\.child_id/);
  assert.equal(await resolveMergedPerson(db, b.id), a.id);
  assert.equal(await findPersonByDocument(db, b.snils!), a.id, 'the merged record’s document leads to the kept one');
  const listed = await operator.api('POST', '/api/v1/people/search', { q: 'Белова Ева' });
  assert.equal(listed.statusCode, 200, listed.body);
  const ids = (JSON.parse(listed.body) as { items: Array<{ id: string }> }).items.map((p) => p.id);
  assert.ok(ids.includes(a.id) && !ids.includes(b.id), 'the merged record is no longer listed');
  const again = await operator.post('/registry/merge', { keptPersonId: a.id, mergedPersonId: b.id });
  assert.equal(again.statusCode, 409);

  const c = await createPerson(db, { municipalityId: 1 });
  const d = await createPerson(db, { municipalityId: 1 });
  const api = await operator.api('POST', '/api/v1/registry/people/merge', { keptPersonId: c.id, mergedPersonId: d.id });
  assert.equal(api.statusCode, 200, api.body);
});
