import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/connect.ts';
import { AppError } from '../platform/errors.ts';
import { createPerson, linkGuardianDirectly } from '../registry/person.factory.ts';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { closeYear, findYear, renderPendingArchives } from './archive.service.ts';
import { correctJournal } from './correction.service.ts';
import { createMathLesson, createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';

let t: TestApp;
let school: SchoolFixture;
let head: Agent;
let headId: string;
let lessonId: string;
let page: string;
const system = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

async function markOf(pupilId: string): Promise<number | null> {
  const [row] = await queryRows<{ value: number }>(t.context.db, sql`SELECT value FROM mark WHERE lesson_id = ${lessonId} AND pupil_id = ${pupilId}`);
  return row ? Number(row.value) : null;
}

async function codeOf(pupilId: string): Promise<string | null> {
  const [row] = await queryRows<{ code: string }>(t.context.db, sql`SELECT code FROM attendance WHERE lesson_id = ${lessonId} AND pupil_id = ${pupilId}`);
  return row?.code ?? null;
}

async function finalOf(pupilId: string, termId: string | null): Promise<number | null> {
  const [row] = await queryRows<{ value: number }>(
    t.context.db,
    sql`SELECT value FROM final_mark WHERE assignment_id = ${school.mathAssignmentId} AND pupil_id = ${pupilId} AND ${termId === null ? sql`term_id IS NULL` : sql`term_id = ${termId}`}`,
  );
  return row ? Number(row.value) : null;
}

async function corrections(entity: string): Promise<Array<{ reason: string; before: unknown; after: unknown; class_id: string; actor: string }>> {
  return queryRows(t.context.db, sql`SELECT reason, before, after, class_id, actor FROM journal_correction WHERE year_id = ${school.yearId} AND entity = ${entity} ORDER BY id`);
}

async function audited(entityType: string): Promise<Array<{ details: { reason: string; before: unknown; after: unknown } }>> {
  return queryRows(t.context.db, sql`SELECT details FROM audit_event WHERE entity_type = ${entityType} ORDER BY seq`);
}

before(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-06-10T08:00:00Z'));
  const db = t.context.db;
  school = await createSchoolFixture(db, { pupils: 3 });
  lessonId = await createMathLesson(db, school, { termNumber: 4, heldOn: '2026-04-06', lessonNumber: 2, topic: 'Дроби' });
  await db.execute(sql`INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight, entered_at, updated_at)
    VALUES (${lessonId}, ${school.pupilIds[0]}, 2, 'classwork', 1, '2026-04-06T09:00:00Z', '2026-04-06T09:00:00Z')`);
  await db.execute(sql`INSERT INTO attendance (lesson_id, pupil_id, code) VALUES (${lessonId}, ${school.pupilIds[1]}, 'absent')`);
  await db.execute(sql`INSERT INTO final_mark (pupil_id, assignment_id, term_id, value, decided_at)
    VALUES (${school.pupilIds[0]}, ${school.mathAssignmentId}, ${school.terms[3]!.id}, 3, '2026-05-20T09:00:00Z')`);
  const account = await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.organizationId }]);
  headId = account.id;
  head = await loggedInAgent(t.app, account);
  await closeYear(db, system, (await findYear(db, school.yearId))!, t.clock.now());
  page = `/journal/archive/years/${school.yearId}/corrections`;
});
after(async () => {
  await t.close();
});

describe('corrections of a closed year’s journal (issue 5 §8)', () => {
  it('the head corrects a mark on the page with a reason; the list shows who, what, before → after and why; audited', async () => {
    const archive = await head.get('/journal/archive');
    assert.match(archive.body, new RegExp(`href="${page}"`), 'reachable from the archive');
    const chosen = `${page}?classId=${school.classId}&assignmentId=${school.mathAssignmentId}&pupilId=${school.pupilIds[0]}&target=lesson:${lessonId}`;
    // the class's pupils listed to choose from are a staff read of personal data: audited, all of them
    const listing = await head.get(`${page}?classId=${school.classId}&assignmentId=${school.mathAssignmentId}`);
    assert.equal(listing.statusCode, 200);
    const [read] = await queryRows<{ pupils: string[] }>(t.context.db, sql`SELECT details->'pupils' AS pupils FROM audit_event WHERE entity_type = 'journal-correction' AND action = 'read' ORDER BY seq DESC LIMIT 1`);
    assert.deepEqual([...read!.pupils].sort(), [...school.pupilIds].sort());
    const form = await head.get(chosen);
    assert.equal(form.statusCode, 200, form.body.slice(0, 500));
    assert.match(form.body, /Отметка сейчас<\/dt>\s*<dd>2<\/dd>/);
    const saved = await head.post(page, { classId: school.classId, assignmentId: school.mathAssignmentId, pupilId: school.pupilIds[0]!, target: `lesson:${lessonId}`, kind: 'mark', value: '4', reason: 'Ошибка ввода, приказ № 12' });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    assert.equal(await markOf(school.pupilIds[0]!), 4);
    const [row] = await corrections('mark');
    assert.deepEqual([row!.reason, row!.before, row!.after, row!.class_id, row!.actor], ['Ошибка ввода, приказ № 12', { value: 2 }, { value: 4 }, school.classId, headId]);
    const [event] = await audited('journal-correction:mark');
    assert.equal(event!.details.reason, 'Ошибка ввода, приказ № 12');
    const list = await head.get(String(saved.headers.location));
    assert.match(list.body, /Исправление сохранено/);
    assert.match(list.body, /Ошибка ввода, приказ № 12/);
    assert.match(list.body, /2 → 4/);
    const [history] = await queryRows<{ n: number }>(t.context.db, sql`SELECT count(*)::int AS n FROM journal_change WHERE lesson_id = ${lessonId} AND entity = 'mark'`);
    assert.equal(Number(history!.n), 1, 'the journal’s history keeps the change');
  });

  it('refuses a correction without a reason in Russian, keeping the input', async () => {
    await head.get(page);
    const refused = await head.post(page, { classId: school.classId, assignmentId: school.mathAssignmentId, pupilId: school.pupilIds[0]!, target: `lesson:${lessonId}`, kind: 'mark', value: '5', reason: ' ок ' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /Укажите причину исправления/);
    assert.match(refused.body, /<option value="5" selected/);
    assert.equal(await markOf(school.pupilIds[0]!), 4, 'nothing written');
    const api = await head.api('POST', `/api/v1/journal/years/${school.yearId}/corrections`, { lessonId, pupilId: school.pupilIds[0], mark: 5, reason: '' });
    assert.equal(api.statusCode, 422, api.body);
    const year = (await findYear(t.context.db, school.yearId))!;
    await assert.rejects(
      correctJournal(t.context.db, system, year, { kind: 'final', assignmentId: school.mathAssignmentId, termId: null, pupilId: school.pupilIds[0]!, value: 4, reason: '   ' }, t.clock.now()),
      (e: unknown) => e instanceof AppError && e.status === 422 && 'reason' in e.fields,
    );
  });

  it('corrects attendance (set and clear) through the API, recorded and audited', async () => {
    const url = `/api/v1/journal/years/${school.yearId}/corrections`;
    const set = await head.api('POST', url, { kind: 'attendance', lessonId, pupilId: school.pupilIds[1], attendance: 'ill', reason: 'Справка о болезни № 7' });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(await codeOf(school.pupilIds[1]!), 'ill');
    const cleared = await head.api('POST', url, { kind: 'attendance', lessonId, pupilId: school.pupilIds[1], attendance: null, reason: 'Ученик был на уроке, служебная записка' });
    assert.equal(cleared.statusCode, 200, cleared.body);
    assert.equal(await codeOf(school.pupilIds[1]!), null);
    const rows = await corrections('attendance');
    assert.deepEqual(rows.map((r) => [r.before, r.after]), [[{ code: 'absent' }, { code: 'ill' }], [{ code: 'ill' }, null]]);
    assert.equal((await audited('journal-correction:attendance')).length, 2);
    const page2 = await head.get(`${page}?classId=${school.classId}&assignmentId=${school.mathAssignmentId}&pupilId=${school.pupilIds[1]}&target=lesson:${lessonId}`);
    assert.match(page2.body, /Посещаемость сейчас<\/dt>\s*<dd>присутствовал/);
  });

  it('corrects a term final and the year final (page and API), audited', async () => {
    const term = school.terms[3]!;
    await head.get(page);
    const saved = await head.post(page, { classId: school.classId, assignmentId: school.mathAssignmentId, pupilId: school.pupilIds[0]!, target: `term:${term.id}`, kind: 'final', value: '4', reason: 'Пересчёт по приказу № 15' });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    assert.equal(await finalOf(school.pupilIds[0]!, term.id), 4);
    const year = await head.api('POST', `/api/v1/journal/years/${school.yearId}/corrections`, { kind: 'final', assignmentId: school.mathAssignmentId, termId: null, pupilId: school.pupilIds[0], mark: 4, reason: 'Пересчёт по приказу № 15' });
    assert.equal(year.statusCode, 200, year.body);
    assert.equal(await finalOf(school.pupilIds[0]!, null), 4);
    assert.deepEqual((await corrections('final')).map((r) => [r.before, r.after]), [[{ value: 3 }, { value: 4 }], [null, { value: 4 }]]);
    assert.equal((await audited('journal-correction:final')).length, 2);
    const list = await head.get(page);
    assert.match(list.body, /итоговая за 4 период/);
    assert.match(list.body, /итоговая за год/);
  });

  it('refuses a teacher, another school’s head and a guardian (404), on the page and in the API', async () => {
    const other = await createSchoolFixture(t.context.db, { pupils: 1, letter: 'Б' });
    const mother = await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1 });
    await linkGuardianDirectly(t.context.db, mother.id, school.pupilIds[0]!);
    const refused = [
      await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.mathTeacherId })),
      await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.organizationId }])),
      await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: mother.id })),
    ];
    for (const agent of refused) {
      assert.equal((await agent.get(page)).statusCode, 404);
      const posted = await agent.post(page, { classId: school.classId, assignmentId: school.mathAssignmentId, pupilId: school.pupilIds[0]!, target: `lesson:${lessonId}`, kind: 'mark', value: '5', reason: 'Исправление по заявлению' });
      assert.equal(posted.statusCode, 404);
      const api = await agent.api('POST', `/api/v1/journal/years/${school.yearId}/corrections`, { lessonId, pupilId: school.pupilIds[0], mark: 5, reason: 'Исправление по заявлению' });
      assert.equal(api.statusCode, 404, api.body);
    }
    assert.equal(await markOf(school.pupilIds[0]!), 4);
  });

  it('still refuses ordinary writes to the closed year with 409, the head’s included', async () => {
    const cell = await head.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId: school.pupilIds[0], mark: 5 });
    assert.equal(cell.statusCode, 409, cell.body);
    const finals = await head.api('PUT', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals`, { termId: school.terms[3]!.id, finals: [{ pupilId: school.pupilIds[0], value: 5 }] });
    assert.equal(finals.statusCode, 409, finals.body);
    await assert.rejects(t.context.db.execute(sql`UPDATE mark SET value = 5 WHERE lesson_id = ${lessonId}`), (e: Error) => /journal year closed/.test(String((e as Error & { cause?: unknown }).cause ?? e.message)));
  });

  it('says which archived PDFs no longer match the journal after a correction, and makes them again when the head asks', async () => {
    assert.equal(await renderPendingArchives(t.context.db, school.yearId, () => t.clock.now()), 1);
    const [archived] = await queryRows<{ sha256: string }>(t.context.db, sql`SELECT sha256 FROM journal_archive WHERE year_id = ${school.yearId}`);
    assert.doesNotMatch((await head.get(page)).body, /больше не совпадают/);
    t.clock.set(new Date('2026-06-10T08:05:00Z'));
    const fixed = await head.api('POST', `/api/v1/journal/years/${school.yearId}/corrections`, { lessonId, pupilId: school.pupilIds[2], mark: 5, reason: 'Ошибка ввода, приказ № 20' });
    assert.equal(fixed.statusCode, 200, fixed.body);
    const after = await head.get(page);
    assert.match(after.body, /больше не совпадают с журналом/);
    assert.match(after.body, /5 «А» \(1\)/);
    const [still] = await queryRows<{ sha256: string }>(t.context.db, sql`SELECT sha256 FROM journal_archive WHERE year_id = ${school.yearId}`);
    assert.equal(still!.sha256, archived!.sha256, 'not regenerated silently');

    // the head makes it again: the job renders the corrected journal, the earlier SHA-256 stays in the audit log
    const teacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.russianTeacherId }));
    assert.equal((await teacher.post(`${page}/reissue`, {})).statusCode, 404, 'a teacher cannot');
    const reissued = await head.post(`${page}/reissue`, {});
    assert.equal(reissued.statusCode, 303, reissued.body);
    assert.match((await head.get(reissued.headers.location as string)).body, /PDF журналов формируются заново/);
    assert.equal(await renderPendingArchives(t.context.db, school.yearId, () => t.clock.now()), 1);
    const [fresh] = await queryRows<{ sha256: string; status: string }>(t.context.db, sql`SELECT sha256, status FROM journal_archive WHERE year_id = ${school.yearId}`);
    assert.equal(fresh!.status, 'done');
    assert.notEqual(fresh!.sha256, archived!.sha256, 'the corrected journal makes another file');
    assert.doesNotMatch((await head.get(page)).body, /больше не совпадают/);
    const [event] = await queryRows<{ details: { reissued: Array<{ previousSha256: string }> } | string }>(
      t.context.db,
      sql`SELECT details FROM audit_event WHERE entity_type = 'journal-archive' AND entity_id = ${school.yearId} ORDER BY seq DESC LIMIT 1`,
    );
    const details = typeof event!.details === 'string' ? JSON.parse(event!.details) : event!.details;
    assert.equal(details.reissued[0].previousSha256, archived!.sha256);
    assert.equal((await head.post(`${page}/reissue`, {})).statusCode, 409, 'nothing left to make again');
  });

  it('pages the list of corrections, newest first', async () => {
    const first = await head.get(page);
    assert.doesNotMatch(first.body, /rel="next"/);
    const year = (await findYear(t.context.db, school.yearId))!;
    const origin = { actor: { kind: 'account' as const, accountId: headId, personId: null, displayName: 'Head', grants: [], via: 'session' as const }, ip: null, requestId: null };
    for (let i = 0; i < 16; i++) {
      await correctJournal(t.context.db, origin, year, { kind: 'mark', lessonId, pupilId: school.pupilIds[1]!, value: i % 2 === 0 ? 3 : 4, reason: `Исправление № ${i + 1}` }, t.clock.now());
    }
    const top = await head.get(page);
    assert.match(top.body, /Исправление № 16/);
    const next = /href="([^"]+before=\d+[^"]*)" rel="next"/.exec(top.body);
    assert.ok(next, 'a next page link');
    const second = await head.get(next[1]!.replace(/&amp;/g, '&'));
    assert.equal(second.statusCode, 200);
    assert.match(second.body, /Ошибка ввода, приказ № 12/);
    assert.doesNotMatch(second.body, /Исправление № 16/);
  });
});
