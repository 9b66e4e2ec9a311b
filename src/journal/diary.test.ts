import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import XLSX from 'xlsx';
import { queryRows } from '../platform/db/connect.ts';
import { createPerson, linkGuardianDirectly } from '../registry/person.factory.ts';
import { createAccount, loggedInAgent, type TestApp, createTestApp } from '../../test/support/app.ts';
import { findYear, renderPendingArchives } from './archive.service.ts';
import { correctJournal } from './correction.service.ts';
import { sha256Hex } from './archive.pdf.ts';
import { scanDiaryNotices } from './diary.service.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';

// The test clock stands at Monday 2026-03-02 09:00 UTC: quarter 3 of 2025/2026.
describe('the diary, pupil accounts, reports and the archive', () => {
  let t: TestApp;
  let school: SchoolFixture;
  let lessonId: string;
  let guardianPersonId: string;
  let guardian: Awaited<ReturnType<typeof createAccount>>;
  let otherGuardian: Awaited<ReturnType<typeof createAccount>>;

  before(async () => {
    t = await createTestApp();
    school = await createSchoolFixture(t.context.db, { pupils: 3 });
    const term3 = school.terms.find((x) => x.number === 3)!;
    const [row] = await queryRows<{ id: string }>(
      t.context.db,
      sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number, topic, homework, status)
          VALUES (${school.mathAssignmentId}, ${school.classId}, ${school.organizationId}, ${school.municipalityId}, ${term3.id}, '2026-03-02', 1, 'Дроби', '№ 512', 'held') RETURNING id`,
    );
    lessonId = row!.id;
    await t.context.db.execute(sql`INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight, entered_at, updated_at)
      VALUES (${lessonId}, ${school.pupilIds[0]}, 5, 'classwork', 1, '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z'),
             (${lessonId}, ${school.pupilIds[1]}, 2, 'classwork', 1, '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z')`);
    await t.context.db.execute(sql`INSERT INTO attendance (lesson_id, pupil_id, code) VALUES (${lessonId}, ${school.pupilIds[2]}, 'ill')`);
    const mother = await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1, lastName: 'Иванова', firstName: 'Анна' });
    guardianPersonId = mother.id;
    await linkGuardianDirectly(t.context.db, mother.id, school.pupilIds[0]!);
    await linkGuardianDirectly(t.context.db, mother.id, school.pupilIds[1]!);
    guardian = await createAccount(t.context, [{ role: 'guardian' }], { personId: mother.id });
    const stranger = await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1 });
    otherGuardian = await createAccount(t.context, [{ role: 'guardian' }], { personId: stranger.id });
  });
  after(() => t.close());

  it('shows a guardian the week of each of their children, with marks, homework and absences', async () => {
    const agent = await loggedInAgent(t.app, guardian);
    const first = await agent.get(`/diary?child=${school.pupilIds[0]}`);
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /Дроби/);
    assert.match(first.body, /№ 512/);
    assert.match(first.body, /<strong class="mark">5/);
    assert.ok(Buffer.byteLength(first.body) < 50_000);
    const second = await agent.get(`/diary?child=${school.pupilIds[1]}&week=2026-03-04`);
    assert.match(second.body, /<strong class="mark">2/);
    const api = await agent.api('GET', `/api/v1/diary/week?child=${school.pupilIds[0]}&week=2026-03-02`);
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().lessons[0].marks[0].value, 5);
  });

  it('hides other people’s children from a guardian (404), and the diary from the anonymous', async () => {
    const agent = await loggedInAgent(t.app, otherGuardian);
    assert.equal((await agent.get(`/diary?child=${school.pupilIds[0]}`)).statusCode, 404);
    assert.equal((await agent.api('GET', `/api/v1/diary/week?child=${school.pupilIds[0]}`)).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/diary/week' })).statusCode, 401);
  });

  it('lets a guardian issue their child’s login; the pupil then sees only themself', async () => {
    const agent = await loggedInAgent(t.app, guardian);
    const stranger = await loggedInAgent(t.app, otherGuardian);
    assert.equal((await stranger.get(`/journal/pupils/${school.pupilIds[0]}/account`)).statusCode, 404);
    await agent.get(`/journal/pupils/${school.pupilIds[0]}/account`);
    const weak = await agent.post(`/journal/pupils/${school.pupilIds[0]}/account`, { action: 'issue', login: 'vanya.ivanov', password: 'short' });
    assert.equal(weak.statusCode, 422);
    assert.match(weak.body, /vanya\.ivanov/);
    const issued = await agent.post(`/journal/pupils/${school.pupilIds[0]}/account`, { action: 'issue', login: 'vanya.ivanov', password: 'first-password-1' });
    assert.equal(issued.statusCode, 303);
    const pupil = await loggedInAgent(t.app, { id: '', login: 'vanya.ivanov', password: 'first-password-1' });
    assert.match((await pupil.get('/diary')).body, /Дроби/);
    assert.equal((await pupil.get(`/diary?child=${school.pupilIds[1]}`)).statusCode, 404);
    const reset = await agent.post(`/journal/pupils/${school.pupilIds[0]}/account`, { action: 'reset', password: 'second-password-2' });
    assert.equal(reset.statusCode, 303);
    await loggedInAgent(t.app, { id: '', login: 'vanya.ivanov', password: 'second-password-2' });
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.organizationId }]));
    await head.get(`/journal/pupils/${school.pupilIds[1]}/account`);
    assert.equal((await head.post(`/journal/pupils/${school.pupilIds[1]}/account`, { action: 'issue', login: 'masha.ivanova', password: 'school-issued-1' })).statusCode, 303);
    const otherSchool = await createSchoolFixture(t.context.db, { pupils: 1, letter: 'Б' });
    const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: otherSchool.organizationId }]));
    assert.equal((await otherHead.get(`/journal/pupils/${school.pupilIds[1]}/account`)).statusCode, 404, 'a head of another school');
    const audits = await queryRows<{ n: number }>(t.context.db, sql`SELECT count(*)::int AS n FROM audit_event WHERE entity_type = 'pupil-account'`);
    assert.equal(audits[0]!.n, 3);
  });

  it('serves the private calendar feed parsed by ical.js, and stops it when revoked', async () => {
    const agent = await loggedInAgent(t.app, guardian);
    await agent.get(`/diary/settings?child=${school.pupilIds[0]}`);
    const made = await agent.post('/diary/settings/feed', { child: school.pupilIds[0]!, action: 'regenerate' });
    const url = /<code>[^<]*(\/diary\/feed\/[A-Za-z0-9_-]+\.ics)<\/code>/.exec(made.body)?.[1];
    assert.ok(url, 'the URL is shown once');
    const feed = await t.app.inject({ method: 'GET', url });
    assert.equal(feed.statusCode, 200);
    assert.match(String(feed.headers['content-type']), /text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.summary, 'Математика');
    assert.match(events[0]!.description, /№ 512/);
    const stored = await queryRows<{ token_digest: string }>(t.context.db, sql`SELECT token_digest FROM diary_feed`);
    assert.ok(!url.includes(stored[0]!.token_digest), 'only the digest is stored');
    await agent.post('/diary/settings/feed', { child: school.pupilIds[0]!, action: 'revoke' });
    assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 404);
  });

  it('notifies a guardian who asked, of new marks and absences, by the periodic scan', async () => {
    const agent = await loggedInAgent(t.app, guardian);
    await agent.get(`/diary/settings?child=${school.pupilIds[0]}`);
    assert.equal((await agent.post('/diary/settings/notices', { child: school.pupilIds[0]!, marks: 'on' })).statusCode, 303);
    assert.equal(await scanDiaryNotices(t.context.db, new Date('2026-03-02T08:00:00Z')), 0, 'the first scan sets the cursor');
    assert.equal(await scanDiaryNotices(t.context.db, new Date('2026-03-02T10:00:00Z')), 1);
    const [notice] = await queryRows<{ subject: string; body: string; link: string }>(t.context.db, sql`SELECT subject, body, link FROM notification WHERE person_id = ${guardianPersonId}`);
    assert.match(notice!.body, /Математика: отметка 5/);
    assert.doesNotMatch(notice!.body, /отметка 2/, 'the other child was not asked for');
    assert.equal(notice!.link, '/diary');
  });

  it('gives the head the school’s report as a page, CSV and XLSX; other municipalities see nothing', async () => {
    const head = await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.organizationId }]);
    const agent = await loggedInAgent(t.app, head);
    const base = `/journal/reports/school/${school.organizationId}?kind=achievement&year=2025&term=3`;
    const page = await agent.get(base);
    assert.equal(page.statusCode, 200);
    // pupil 0: 5 → passes with quality; pupil 1: 2 → fails; pupil 2: no mark → not attested
    const csv = await agent.get(`${base}&format=csv`);
    assert.match(csv.body, /5 «А»,3,2,1,1,50,1,50,1,0/);
    const xlsx = await agent.get(`${base}&format=xlsx`);
    const book = XLSX.read(xlsx.rawPayload, { type: 'buffer' });
    const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1 });
    assert.deepEqual(rows[1], ['5 «А»', 3, 2, 1, 1, 50, 1, 50, 1, 0]);
    const attendance = await agent.get(`/journal/reports/school/${school.organizationId}?kind=attendance&year=2025&term=3&format=csv`);
    assert.match(attendance.body, /5 «А»,,3,0,0,1,0,33.3/);
    // completeness: a lesson of 20 Feb left empty is late by 2 March (N = 3 days); 2 March's own lesson is not yet
    const term3 = school.terms.find((x) => x.number === 3)!;
    await t.context.db.execute(sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number)
      VALUES (${school.mathAssignmentId}, ${school.classId}, ${school.organizationId}, ${school.municipalityId}, ${term3.id}, '2026-02-20', 1)`);
    const completeness = await agent.get(`/journal/reports/school/${school.organizationId}?kind=completeness&year=2025&term=3&format=csv`);
    assert.match(completeness.body, /Морозова Ольга[^,]*,1,1,1,1,0\r\n/);
    const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
    const region = await admin.get('/journal/reports/region?kind=completeness&year=2025&term=3&format=csv');
    assert.equal(region.statusCode, 200);
    assert.doesNotMatch(region.body, /Морозова/, 'the region sees municipalities, not teachers');
    assert.equal((await agent.get('/journal/reports/region?kind=achievement')).statusCode, 404, 'a head does not see the region');
    const operator = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]);
    const other = await loggedInAgent(t.app, operator);
    assert.equal((await other.get(base)).statusCode, 404);
    assert.equal((await other.get('/journal/reports/municipality/1?kind=achievement&year=2025&term=3')).statusCode, 404);
    const own = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
    const aggregate = await own.get('/journal/reports/municipality/1?kind=attendance&year=2025&term=3&format=csv');
    assert.equal(aggregate.statusCode, 200);
    assert.doesNotMatch(aggregate.body, /Иван|Анна/, 'aggregates name no pupil');
  });

  it('locks a closed year: writes refused, a head’s correction with a reason passes, PDFs carry their SHA-256', async () => {
    const head = await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.organizationId }]);
    const agent = await loggedInAgent(t.app, head);
    await agent.get('/journal/archive');
    assert.equal((await agent.post('/journal/archive/close', { yearId: school.yearId })).statusCode, 422, 'needs the confirmation');
    assert.equal((await agent.post('/journal/archive/close', { yearId: school.yearId, confirm: 'on' })).statusCode, 303);
    await assert.rejects(t.context.db.execute(sql`UPDATE mark SET value = 4 WHERE lesson_id = ${lessonId} AND pupil_id = ${school.pupilIds[1]}`), (e: Error) => /journal year closed/.test(String((e as Error & { cause?: unknown }).cause)));
    const year = (await findYear(t.context.db, school.yearId))!;
    const origin = { actor: { kind: 'account' as const, accountId: head.id, personId: null, displayName: 'Head', grants: [], via: 'session' as const }, ip: null, requestId: null };
    await assert.rejects(correctJournal(t.context.db, origin, year, { kind: 'mark', lessonId, pupilId: school.pupilIds[1]!, value: 3, reason: '' }, t.clock.now()));
    await correctJournal(t.context.db, origin, year, { kind: 'mark', lessonId, pupilId: school.pupilIds[1]!, value: 3, reason: 'Ошибка ввода, приказ № 5' }, t.clock.now());
    const viaApi = await agent.api('POST', `/api/v1/journal/years/${school.yearId}/corrections`, { lessonId, pupilId: school.pupilIds[0], mark: 4, reason: 'Исправление по заявлению' });
    assert.equal(viaApi.statusCode, 200, viaApi.body);
    const teacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.mathTeacherId }));
    assert.equal((await teacher.api('POST', `/api/v1/journal/years/${school.yearId}/corrections`, { lessonId, pupilId: school.pupilIds[0], mark: 5, reason: 'Исправление по заявлению' })).statusCode, 404);
    const [fixed] = await queryRows<{ value: number }>(t.context.db, sql`SELECT value FROM mark WHERE lesson_id = ${lessonId} AND pupil_id = ${school.pupilIds[1]}`);
    assert.equal(fixed!.value, 3);
    assert.equal(await renderPendingArchives(t.context.db, school.yearId, () => t.clock.now()), 1);
    const [archived] = await queryRows<{ id: string; sha256: string; content: Buffer | Uint8Array }>(t.context.db, sql`SELECT id, sha256, content FROM journal_archive WHERE year_id = ${school.yearId}`);
    assert.equal(sha256Hex(Buffer.from(archived!.content)), archived!.sha256);
    const page = await agent.get('/journal/archive');
    assert.match(page.body, new RegExp(archived!.sha256));
    const file = await agent.get(`/journal/archive/files/${archived!.id}`);
    assert.equal(file.statusCode, 200, file.body.slice(0, 300));
    assert.equal(file.headers['x-content-sha256'], archived!.sha256);
    const stranger = await loggedInAgent(t.app, otherGuardian);
    assert.equal((await stranger.get(`/journal/archive/files/${archived!.id}`)).statusCode, 404);
  });
});
