import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { queryRows } from '../../platform/db/connect.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson, linkGuardianDirectly, uniqueBirthCertificate } from '../../registry/person.factory.ts';
import { guardianLink } from '../../registry/person.schema.ts';
import { preschoolApplication, preschoolStatusChange } from './preschool.schema.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

const idOf = (location: unknown): string => /applications\/([0-9a-f-]{36})/.exec(String(location))![1]!;

async function kindergartens(municipalityId = 1, n = 3) {
  const list = [];
  for (let i = 0; i < n; i++) list.push(await createOrganization(t.context.db, { kind: 'kindergarten', municipalityId }));
  return list;
}

/** A guardian with an account and a linked child aged about 3 on 1 September 2026. */
async function family(municipalityId = 1, childOverrides: Record<string, unknown> = {}) {
  const guardian = await createPerson(t.context.db, { birthDate: '1990-01-01', municipalityId, email: null });
  const child = await createPerson(t.context.db, { birthDate: '2023-05-10', municipalityId, ...childOverrides });
  await linkGuardianDirectly(t.context.db, guardian.id, child.id);
  const account = await createAccount(t.context, [{ role: 'guardian' }], { personId: guardian.id });
  return { guardian, child, account, agent: await loggedInAgent(t.app, account) };
}

const conditions = { desiredStartDate: '2026-09-01', orientationCode: 'general', stayModeCode: 'fullDay' };

test('a guardian adds a child, picks kindergartens without JavaScript, submits and gets a number and a receipt', async () => {
  const [k1, k2] = await kindergartens(1, 2);
  const guardian = await createPerson(t.context.db, { birthDate: '1990-01-01', municipalityId: 1 });
  const account = await createAccount(t.context, [{ role: 'guardian' }], { personId: guardian.id });
  const agent = await loggedInAgent(t.app, account);
  const form = await agent.get('/preschool/apply');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Подать заявление/);

  const certificate = uniqueBirthCertificate();
  const base = {
    childId: 'new',
    childLastName: 'Семёнова',
    childFirstName: 'Алиса',
    childBirthDate: '2023-05-10',
    childSex: 'female',
    childBirthCertificateSeries: certificate.series,
    childBirthCertificateNumber: certificate.number,
    childRelation: 'mother',
    municipalityId: '1',
    ...conditions,
    benefitCode: '',
    benefitDocument: '',
  };
  // search by name: the draft comes back with the results and the child's details kept
  const found = await agent.post('/preschool/apply', { ...base, kgSearch: k2!.shortName, op: 'search' });
  assert.equal(found.statusCode, 200);
  assert.match(found.body, new RegExp(`value="add:${k2!.id}"`));
  assert.match(found.body, /value="Семёнова"/);
  // add two, then move the second up
  const added = await agent.post('/preschool/apply', { ...base, preferences: [k1!.id], op: `add:${k2!.id}` });
  assert.match(added.body, new RegExp(`name="preferences" value="${k1!.id}"[\\s\\S]*name="preferences" value="${k2!.id}"`));
  const moved = await agent.post('/preschool/apply', { ...base, preferences: [k1!.id, k2!.id], op: `up:${k2!.id}` });
  assert.match(moved.body, new RegExp(`name="preferences" value="${k2!.id}"[\\s\\S]*name="preferences" value="${k1!.id}"`));

  // a mistake keeps the input and says what is wrong, with 422
  const wrong = await agent.post('/preschool/apply', { ...base, preferences: [k2!.id, k1!.id], desiredStartDate: '', op: 'submit' });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /Введите желаемую дату начала посещения/);
  assert.match(wrong.body, /value="Алиса"/);

  const submitted = await agent.post('/preschool/apply', { ...base, preferences: [k2!.id, k1!.id], benefitCode: 'largeFamily', benefitDocument: 'Удостоверение № 123 от 01.02.2024', consentAlternative: 'yes', op: 'submit' });
  assert.equal(submitted.statusCode, 303, submitted.body.slice(0, 2000));
  const id = idOf(submitted.headers.location);
  const page = await agent.get(`/preschool/applications/${id}?saved=created`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Заявление № 23-01-2026-\d{6}/);
  assert.match(page.body, /Новое, документы на проверке/);
  assert.match(page.body, /Как считается место в очереди/);
  const receipt = await agent.get(`/preschool/applications/${id}/receipt`);
  assert.equal(receipt.statusCode, 200);
  assert.match(receipt.body, /Расписка о приёме заявления/);

  const [row] = await t.context.db.select().from(preschoolApplication).where(eq(preschoolApplication.id, id));
  assert.equal(row!.status, 'new');
  assert.equal(row!.submittedVia, 'online');
  assert.equal(row!.benefitStatus, 'claimed');
  assert.equal(row!.consentAlternative, true);
  assert.equal(row!.registeredAt.toISOString(), t.clock.now().toISOString());
  assert.equal(row!.decisionDueAt.getTime() - row!.registeredAt.getTime(), 15 * 86_400_000);
  const [age] = await queryRows<{ age_group_code: string }>(t.context.db, sql`SELECT age_group_code FROM preschool_application WHERE id = ${id}`);
  assert.equal(age!.age_group_code, '3-4');
  const links = await t.context.db.select().from(guardianLink).where(and(eq(guardianLink.guardianId, guardian.id), eq(guardianLink.childId, row!.childId)));
  assert.equal(links.length, 1);
  const history = await t.context.db.select().from(preschoolStatusChange).where(eq(preschoolStatusChange.applicationId, id));
  assert.deepEqual(history.map((h) => h.toStatus), ['new']);

  const list = await agent.get('/preschool');
  assert.match(list.body, new RegExp(row!.number));
});

test('one active application per child: the database refuses a second and the API answers a Russian 409', async () => {
  const [k1] = await kindergartens();
  const { child, agent } = await family();
  const body = { childId: child.id, municipalityId: 1, preferences: [k1!.id], ...conditions };
  const first = await agent.api('POST', '/api/v1/preschool/applications', body);
  assert.equal(first.statusCode, 201, first.body);
  assert.match(first.json().number, /^23-01-2026-\d{6}$/);
  const second = await agent.api('POST', '/api/v1/preschool/applications', body);
  assert.equal(second.statusCode, 409);
  assert.match(second.json().title ?? second.body, /уже есть действующее заявление/);
  // the index itself, not only the service
  await assert.rejects(
    queryRows(
      t.context.db,
      sql`INSERT INTO preschool_application (number, child_id, guardian_id, municipality_id, registered_at, submitted_via, desired_start_date, orientation_code, stay_mode_code, status, status_changed_at, decision_due_at)
          SELECT 'X-' || number, child_id, guardian_id, municipality_id, registered_at, submitted_via, desired_start_date, orientation_code, stay_mode_code, 'inQueue', now(), now()
          FROM preschool_application WHERE id = ${first.json().id}`,
    ),
  );
  // once withdrawn (removed), a new application may be made
  assert.equal((await agent.api('POST', `/api/v1/preschool/applications/${first.json().id}/withdraw`)).statusCode, 200);
  assert.equal((await agent.api('POST', '/api/v1/preschool/applications', body)).statusCode, 201);
});

test('editing the preferences keeps the registration time, is audited, and is refused after withdrawal', async () => {
  const [k1, k2, k3] = await kindergartens();
  const { child, agent } = await family();
  const created = await agent.api('POST', '/api/v1/preschool/applications', { childId: child.id, municipalityId: 1, preferences: [k1!.id, k2!.id], ...conditions });
  const id = created.json().id;
  t.clock.advance(20 * 60_000); // within the session's idle limit
  const edited = await agent.api('PATCH', `/api/v1/preschool/applications/${id}/preferences`, { preferences: [k3!.id, k1!.id] });
  assert.equal(edited.statusCode, 200, edited.body);
  assert.equal(edited.json().registeredAt, created.json().registeredAt);
  assert.deepEqual(edited.json().preferences.map((p: { organizationId: string }) => p.organizationId), [k3!.id, k1!.id]);
  const audit = await queryRows<{ n: number }>(t.context.db, sql`SELECT count(*)::int AS n FROM audit_event WHERE entity_id = ${id} AND details->>'change' = 'preferences'`);
  assert.equal(audit[0]!.n, 1);
  // a kindergarten of another municipality is refused
  const [elsewhere] = await kindergartens(2, 1);
  assert.equal((await agent.api('PATCH', `/api/v1/preschool/applications/${id}/preferences`, { preferences: [elsewhere!.id] })).statusCode, 422);
  // the page editor works without JS too
  const page = await agent.post(`/preschool/applications/${id}/preferences`, { preferences: [k3!.id, k1!.id], op: `down:${k3!.id}` });
  assert.match(page.body, new RegExp(`name="preferences" value="${k1!.id}"[\\s\\S]*name="preferences" value="${k3!.id}"`));
  const saved = await agent.post(`/preschool/applications/${id}/preferences`, { preferences: [k1!.id, k3!.id], op: 'save' });
  assert.equal(saved.statusCode, 303);
  await agent.api('POST', `/api/v1/preschool/applications/${id}/withdraw`);
  const late = await agent.api('PATCH', `/api/v1/preschool/applications/${id}/preferences`, { preferences: [k2!.id] });
  assert.equal(late.statusCode, 409);
});

test('the state machine refuses a jump with 409: new cannot go straight to the queue; removed is final', async () => {
  const [k1] = await kindergartens();
  const { child, agent } = await family();
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  const id = (await agent.api('POST', '/api/v1/preschool/applications', { childId: child.id, municipalityId: 1, preferences: [k1!.id], ...conditions })).json().id;
  const jump = await operator.api('POST', `/api/v1/preschool/applications/${id}/transitions`, { to: 'inQueue' });
  assert.equal(jump.statusCode, 409);
  assert.match(jump.json().title ?? jump.body, /Нельзя перевести заявление/);
  const offered = await operator.api('POST', `/api/v1/preschool/applications/${id}/transitions`, { to: 'offered' });
  // offers come only from allocation runs: the API does not even accept the value
  assert.ok(offered.statusCode === 400 || offered.statusCode === 422, String(offered.statusCode));
  assert.equal((await agent.api('POST', `/api/v1/preschool/applications/${id}/withdraw`)).statusCode, 200);
  assert.equal((await agent.api('POST', `/api/v1/preschool/applications/${id}/withdraw`)).statusCode, 409);
  const history = await t.context.db.select().from(preschoolStatusChange).where(eq(preschoolStatusChange.applicationId, id));
  assert.equal(history.at(-1)!.reason, 'отозвано заявителем');
});

test('the desk registers an application in person, checks documents, verifies the benefit, suspends and resumes to where it was', async () => {
  const [k1] = await kindergartens(3, 1);
  const operatorAccount = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 3 }]);
  const operator = await loggedInAgent(t.app, operatorAccount);
  const certificate = uniqueBirthCertificate();
  const form = {
    guardianLastName: 'Кузнецова',
    guardianFirstName: 'Ольга',
    guardianBirthDate: '1992-04-04',
    guardianSex: 'female',
    guardianPassportSeries: '0312',
    guardianPassportNumber: '654321',
    guardianEmail: 'olga@example.ru',
    guardianRelation: 'mother',
    childLastName: 'Кузнецов',
    childFirstName: 'Пётр',
    childBirthDate: '2024-01-15',
    childSex: 'male',
    childBirthCertificateSeries: certificate.series,
    childBirthCertificateNumber: certificate.number,
    municipalityId: '3',
    preferences: [k1!.id],
    desiredStartDate: '2026-09-01',
    orientationCode: 'general',
    stayModeCode: 'fullDay',
    benefitCode: 'police',
    benefitDocument: 'Справка № 7 от 01.03.2026',
    op: 'submit',
  };
  assert.equal((await operator.get('/preschool/desk/new')).statusCode, 200);
  const created = await operator.post('/preschool/desk/new', form);
  assert.equal(created.statusCode, 303, created.body.slice(0, 3000));
  const id = idOf(created.headers.location);
  const [row] = await t.context.db.select().from(preschoolApplication).where(eq(preschoolApplication.id, id));
  assert.equal(row!.submittedVia, 'serviceDesk');
  assert.match(row!.number, /^23-03-2026-\d{6}$/);

  const page = await operator.get(`/preschool/desk/applications/${id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Документы проверены/);
  assert.equal((await operator.post(`/preschool/desk/applications/${id}/transitions`, { to: 'documentsChecked', expectedFrom: 'new' })).statusCode, 303);
  assert.equal((await operator.post(`/preschool/desk/applications/${id}/transitions`, { to: 'inQueue', expectedFrom: 'documentsChecked' })).statusCode, 303);
  // a rejection needs a reason; verification does not
  const noReason = await operator.post(`/preschool/desk/applications/${id}/benefit`, { verdict: 'rejected', benefitReason: '' });
  assert.equal(noReason.statusCode, 422);
  assert.equal((await operator.post(`/preschool/desk/applications/${id}/benefit`, { verdict: 'verified', benefitReason: 'Справка проверена' })).statusCode, 303);
  const noticeRows = await queryRows<{ subject: string }>(t.context.db, sql`SELECT subject FROM notification WHERE person_id = ${row!.guardianId} ORDER BY id`);
  assert.ok(noticeRows.some((n) => /льгота подтверждена/.test(n.subject)));
  // suspend needs a reason, and resume returns to the status before the suspension
  assert.equal((await operator.post(`/preschool/desk/applications/${id}/transitions`, { to: 'suspended', expectedFrom: 'inQueue', reason: '' })).statusCode, 422);
  assert.equal((await operator.post(`/preschool/desk/applications/${id}/transitions`, { to: 'suspended', expectedFrom: 'inQueue', reason: 'Нет справки о регистрации' })).statusCode, 303);
  const wrongResume = await operator.api('POST', `/api/v1/preschool/applications/${id}/transitions`, { to: 'new' });
  assert.equal(wrongResume.statusCode, 409);
  const resumed = await operator.api('POST', `/api/v1/preschool/applications/${id}/transitions`, { to: 'inQueue' });
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'inQueue');
  assert.equal(resumed.json().benefitStatus, 'verified');
  assert.equal(resumed.json().queue.tier, 1);
  assert.equal(resumed.json().queue.places[0].position, 1);
  // the number search finds it; the desk list shows it
  const search = await operator.post('/preschool/desk/search', { number: row!.number });
  assert.equal(search.statusCode, 200);
  assert.match(search.body, new RegExp(row!.number));
  const removed = await operator.api('POST', `/api/v1/preschool/applications/${id}/transitions`, { to: 'removed', reason: 'Переезд в другой регион' });
  assert.equal(removed.json().status, 'removed');
});

test('a guardian cannot take over a registered child by typing their birth certificate: a clear 409 sends them to the desk', async () => {
  const [k1] = await kindergartens();
  const stranger = await createPerson(t.context.db, { birthDate: '2023-02-02' });
  const { agent } = await family();
  const response = await agent.api('POST', '/api/v1/preschool/applications', {
    child: {
      lastName: 'Чужой',
      firstName: 'Ребёнок',
      birthDate: '2023-02-02',
      sex: 'male',
      birthCertificateSeries: stranger.birthCertificateSeries!,
      birthCertificateNumber: stranger.birthCertificateNumber!,
      relation: 'father',
    },
    municipalityId: 1,
    preferences: [k1!.id],
    ...conditions,
  });
  assert.equal(response.statusCode, 409);
  assert.match(response.body, /Обратитесь в управление образования или МФЦ/);
  const links = await t.context.db.select().from(guardianLink).where(eq(guardianLink.childId, stranger.id));
  assert.equal(links.length, 0);
});

test('probable duplicates: the same child record, or the same name and birth date ignoring ё/е and case (certificates and SNILS are unique per record)', async () => {
  const [k1] = await kindergartens(5, 1);
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 5 }]));
  const a = await family(5, { lastName: 'Семёнов', firstName: 'Пётр', birthDate: '2023-03-03' });
  const b = await family(5, { lastName: 'СЕМЕНОВ', firstName: 'петр', birthDate: '2023-03-03' });
  const c = await family(5, { lastName: 'Семенов', firstName: 'Петр', birthDate: '2023-03-04' });
  const ids = [];
  for (const f of [a, b, c]) {
    const r = await f.agent.api('POST', '/api/v1/preschool/applications', { childId: f.child.id, municipalityId: 5, preferences: [k1!.id], ...conditions });
    assert.equal(r.statusCode, 201, r.body);
    ids.push(r.json().id as string);
  }
  const dupes = await operator.api('GET', `/api/v1/preschool/applications/${ids[0]}/duplicates`);
  assert.equal(dupes.statusCode, 200);
  const items = dupes.json().items as Array<{ applicationId: string; reasons: string[] }>;
  assert.deepEqual(items.map((i) => i.applicationId), [ids[1]]);
  assert.deepEqual(items[0]!.reasons, ['nameAndBirthDate']);
  const page = await operator.get(`/preschool/desk/applications/${ids[0]}`);
  assert.match(page.body, /те же фамилия, имя и дата рождения/);
  // an earlier, withdrawn application of the same child shows as well
  await a.agent.api('POST', `/api/v1/preschool/applications/${ids[0]}/withdraw`);
  const again = await a.agent.api('POST', '/api/v1/preschool/applications', { childId: a.child.id, municipalityId: 5, preferences: [k1!.id], ...conditions });
  const later = (await operator.api('GET', `/api/v1/preschool/applications/${again.json().id}/duplicates`)).json().items as Array<{ applicationId: string; reasons: string[] }>;
  assert.deepEqual(later.map((i) => [i.applicationId, i.reasons]).sort(), [[ids[0], ['sameChild']], [ids[1], ['nameAndBirthDate']]].sort());
});

test('the desk list pages by keyset and filters by status; a second desk registration finds the same guardian by SNILS and the same child by certificate', async () => {
  const [k1] = await kindergartens(9, 1);
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 9 }]));
  const guardian = { lastName: 'Орлова', firstName: 'Вера', birthDate: '1991-06-06', sex: 'female', snils: '', relation: 'mother' };
  const snils = (await createPerson(t.context.db, { municipalityId: 9 })).snils!; // a checksum-valid SNILS, then freed below
  await queryRows(t.context.db, sql`UPDATE person SET snils = NULL WHERE snils = ${snils}`);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const certificate = uniqueBirthCertificate();
    const response = await operator.api('POST', '/api/v1/preschool/applications', {
      guardian: { ...guardian, snils },
      child: { lastName: 'Орлов', firstName: `Сын${'абв'[i]}`, birthDate: '2023-01-01', sex: 'male', birthCertificateSeries: certificate.series, birthCertificateNumber: certificate.number },
      municipalityId: 9,
      preferences: [k1!.id],
      ...conditions,
    });
    assert.equal(response.statusCode, 201, response.body);
    ids.push(response.json().id);
    t.clock.advance(1000);
  }
  const guardians = new Set((await t.context.db.select().from(preschoolApplication).where(eq(preschoolApplication.municipalityId, 9))).map((a) => a.guardianId));
  assert.equal(guardians.size, 1, 'the applicant was found by SNILS, not created again');
  const first = await operator.api('GET', '/api/v1/preschool/applications?limit=2');
  assert.deepEqual(first.json().items.map((i: { id: string }) => i.id), [ids[2], ids[1]]);
  const second = await operator.api('GET', `/api/v1/preschool/applications?limit=2&cursor=${first.json().nextCursor}`);
  assert.deepEqual(second.json().items.map((i: { id: string }) => i.id), [ids[0]]);
  assert.equal(second.json().nextCursor, null);
  await operator.api('POST', `/api/v1/preschool/applications/${ids[0]}/transitions`, { to: 'documentsChecked' });
  const filtered = await operator.get('/preschool/desk?status=documentsChecked');
  assert.equal((filtered.body.match(/href="\/preschool\/desk\/applications\//g) ?? []).length, 1);
  // the same child again at the desk: found by certificate (not duplicated), refused as a second active application
  const [row] = await t.context.db.select().from(preschoolApplication).where(eq(preschoolApplication.id, ids[1]!));
  const [existing] = await queryRows<{ birth_certificate_series: string; birth_certificate_number: string }>(t.context.db, sql`SELECT birth_certificate_series, birth_certificate_number FROM person WHERE id = ${row!.childId}`);
  const again = await operator.api('POST', '/api/v1/preschool/applications', {
    guardian: { ...guardian, snils },
    child: { lastName: 'Орлов', firstName: 'Сынб', birthDate: '2023-01-01', sex: 'male', birthCertificateSeries: existing!.birth_certificate_series, birthCertificateNumber: existing!.birth_certificate_number },
    municipalityId: 9,
    preferences: [k1!.id],
    ...conditions,
  });
  assert.equal(again.statusCode, 409, again.body);
  assert.match(again.body, /уже есть действующее заявление/);
});

test('a guardian withdraws from the page with a confirmation; a second application for the same child re-renders the form with 409', async () => {
  const [k1] = await kindergartens();
  const { child, agent } = await family();
  const form = { childId: child.id, municipalityId: '1', preferences: [k1!.id], ...conditions, op: 'submit' };
  const created = await agent.post('/preschool/apply', form);
  assert.equal(created.statusCode, 303);
  const id = idOf(created.headers.location);
  const twice = await agent.post('/preschool/apply', form);
  assert.equal(twice.statusCode, 409);
  assert.match(twice.body, /уже есть действующее заявление/);
  const unconfirmed = await agent.post(`/preschool/applications/${id}/withdraw`, {});
  assert.equal(unconfirmed.statusCode, 422);
  const withdrawn = await agent.post(`/preschool/applications/${id}/withdraw`, { confirm: 'yes' });
  assert.equal(withdrawn.statusCode, 303);
  const page = await agent.get(`/preschool/applications/${id}?saved=withdrawn`);
  assert.match(page.body, /Снято с учёта/);
  assert.match(page.body, /отозвано заявителем/);
  assert.doesNotMatch(page.body, /Изменить список детских садов/);
});
