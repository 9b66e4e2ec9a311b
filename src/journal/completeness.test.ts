/**
 * A teacher's own "what is missing" list (/journal/teaching/missing and its API) on a small
 * fixture whose figures are checked by hand, the same definitions as the completeness report,
 * and who sees which lessons.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/connect.ts';
import { createPerson } from '../registry/person.factory.ts';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';

// Today in the region: Monday 2 March 2026 (quarter 3). Late after N = 3 days: lessons held on or
// before 27 February are overdue.
//
// math (Морозова):  L1 20.02 empty, planned            → no topic, no attendance, no marks, overdue
//                   L2 26.02 topic, held, a mark       → complete
//                   L3 27.02 no topic, held            → no topic, no marks, overdue
//                   L4 01.03 topic, planned            → no attendance, no marks, not yet overdue
//                   L5 02.03 empty (today)             → not listed yet
//                   L6 25.02 empty, cancelled          → never counted
//                   L7 24.02 topic, held, no marks     → complete; only under "marks"
// russian (Волкова): R1 25.02 empty, planned, substituted by Морозова → counts for Морозова
//                   R2 25.02 empty, planned            → Волкова's
describe('a teacher’s own list of what is missing', () => {
  let t: TestApp;
  let school: SchoolFixture;
  let other: SchoolFixture;
  const id: Record<string, string> = {};
  let math: Agent;
  let russian: Agent;

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-02T09:00:00Z'));
    const db = t.context.db;
    school = await createSchoolFixture(db, { pupils: 2 });
    other = await createSchoolFixture(db, { pupils: 1 });
    const term = school.terms.find((x) => x.number === 3)!.id;
    const lessons: Array<[string, string, string, number, string, string, string | null]> = [
      ['L1', school.mathAssignmentId, '2026-02-20', 1, '', 'planned', null],
      ['L2', school.mathAssignmentId, '2026-02-26', 1, 'Дроби', 'held', null],
      ['L3', school.mathAssignmentId, '2026-02-27', 2, '', 'held', null],
      ['L4', school.mathAssignmentId, '2026-03-01', 1, 'Проценты', 'planned', null],
      ['L5', school.mathAssignmentId, '2026-03-02', 1, '', 'planned', null],
      ['L6', school.mathAssignmentId, '2026-02-25', 3, '', 'cancelled', null],
      ['L7', school.mathAssignmentId, '2026-02-24', 1, 'Уравнения', 'held', null],
      ['R1', school.russianAssignmentId, '2026-02-25', 2, '', 'planned', school.mathTeacherId],
      ['R2', school.russianAssignmentId, '2026-02-25', 4, '', 'planned', null],
    ];
    for (const [name, assignment, day, number, topic, status, substitute] of lessons) {
      const [row] = await queryRows<{ id: string }>(
        db,
        sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number, topic, status, substitute_teacher_id)
            VALUES (${assignment}, ${school.classId}, ${school.organizationId}, ${school.municipalityId}, ${term}, ${day}, ${number}, ${topic}, ${status}, ${substitute}) RETURNING id::text AS id`,
      );
      id[name] = row!.id;
    }
    await db.execute(sql`INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight) VALUES (${id.L2}, ${school.pupilIds[0]}, 5, 'classwork', 1)`);
    const at = { organizationId: school.organizationId };
    math = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', ...at }], { personId: school.mathTeacherId }));
    russian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', ...at }], { personId: school.russianTeacherId }));
  });
  after(() => t.close());

  const lessonIds = (body: { items: Array<{ lessonId: string }> }) => body.items.map((i) => Object.keys(id).find((k) => id[k] === i.lessonId));

  it('lists the past lessons without a topic or attendance, oldest first, with the counts checked by hand', async () => {
    const api = await math.api('GET', '/api/v1/journal/teaching/missing');
    assert.equal(api.statusCode, 200, api.body);
    const body = api.json();
    assert.deepEqual(lessonIds(body), ['L1', 'R1', 'L3', 'L4']);
    assert.deepEqual(body.counts, { incomplete: 4, overdue: 3, noTopic: 3, noAttendance: 3, noMarks: 5 });
    assert.equal(body.lateAfterDays, 3);
    const l1 = body.items[0];
    assert.deepEqual([l1.noTopic, l1.noAttendance, l1.noMarks, l1.overdue], [true, true, true, true]);
    const l4 = body.items[3];
    assert.deepEqual([l4.noTopic, l4.noAttendance, l4.noMarks, l4.overdue], [false, true, true, false]);
  });

  it('filters by what is missing, by class and subject, and by the overdue period', async () => {
    const get = async (query: string) => (await math.api('GET', `/api/v1/journal/teaching/missing?${query}`)).json();
    assert.deepEqual(lessonIds(await get('missing=topic')), ['L1', 'R1', 'L3']);
    assert.deepEqual(lessonIds(await get('missing=attendance')), ['L1', 'R1', 'L4']);
    assert.deepEqual(lessonIds(await get('missing=marks')), ['L1', 'L7', 'R1', 'L3', 'L4']);
    const overdue = await get('period=overdue');
    assert.deepEqual(lessonIds(overdue), ['L1', 'R1', 'L3']);
    assert.deepEqual(overdue.counts, { incomplete: 3, overdue: 3, noTopic: 3, noAttendance: 2, noMarks: 4 });
    const russianOnly = await get('subject=russian');
    assert.deepEqual(lessonIds(russianOnly), ['R1']);
    assert.equal(russianOnly.counts.incomplete, 1);
    assert.deepEqual(lessonIds(await get(`class=${other.classId}`)), []);
  });

  it('counts overdue lessons exactly as the school’s completeness report does', async () => {
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.organizationId }]));
    const csv = await head.get(`/journal/reports/school/${school.organizationId}?kind=completeness&year=2025&term=3&format=csv`);
    // lessons, without topic, without attendance, without marks, complete %: L1 L2 L3 L7 R1 — the page's overdue counts
    assert.match(csv.body, /Морозова Ольга[^,]*,5,3,2,4,40\r\n/);
    assert.match(csv.body, /Волкова Ирина[^,]*,1,1,1,1,0\r\n/);
  });

  it('pages by keyset without skipping or repeating a lesson, and refuses a forged cursor', async () => {
    const first = (await math.api('GET', '/api/v1/journal/teaching/missing?limit=2')).json();
    assert.deepEqual(lessonIds(first), ['L1', 'R1']);
    assert.ok(first.nextCursor);
    const second = (await math.api('GET', `/api/v1/journal/teaching/missing?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    assert.deepEqual(lessonIds(second), ['L3', 'L4']);
    assert.equal(second.nextCursor, null);
    assert.equal((await math.api('GET', '/api/v1/journal/teaching/missing?cursor=bm90LWEtY3Vyc29y')).statusCode, 400);
  });

  it('renders the page with counts, links to each lesson and its gradebook, reached from “My classes”', async () => {
    const teaching = await math.get('/journal/teaching');
    assert.match(teaching.body, /href="\/journal\/teaching\/missing">Что не заполнено: 4 ур\./);
    const page = await math.get('/journal/teaching/missing');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Незаполненных уроков: 4/);
    assert.match(page.body, /из них просрочено: 3/);
    assert.match(page.body, new RegExp(`href="/journal/lessons/${id.L1}"`));
    assert.match(page.body, new RegExp(`href="/journal/assignments/${school.mathAssignmentId}/gradebook\\?term=`));
    assert.doesNotMatch(page.body, new RegExp(`href="/journal/assignments/${school.russianAssignmentId}/gradebook`), 'a substitute writes the lesson, not the assignment’s gradebook');
    assert.doesNotMatch(page.body, new RegExp(id.L5!), 'today’s lesson is not missing anything yet');
    const filtered = await math.get(`/journal/teaching/missing?class=${school.classId}&subject=mathematics&missing=topic`);
    assert.match(filtered.body, /<option value="mathematics" selected/);
    assert.doesNotMatch(filtered.body, new RegExp(`href="/journal/lessons/${id.R1}"`));
  });

  it('drops a lesson from the list once its form is saved with a topic, and says when all is filled', async () => {
    await math.get(`/journal/lessons/${id.L4}`);
    const saved = await math.post(`/journal/lessons/${id.L4}`, { topic: 'Проценты', homework: '', workKind: 'classwork' });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.deepEqual(lessonIds((await math.api('GET', '/api/v1/journal/teaching/missing?missing=attendance')).json()), ['L1', 'R1']);
    const russianPage = await russian.get(`/journal/teaching/missing?class=${school.classId}&missing=attendance&period=overdue`);
    assert.match(russianPage.body, new RegExp(`href="/journal/lessons/${id.R2}"`));
    await russian.post(`/journal/lessons/${id.R2}`, { topic: 'Причастие', homework: '', workKind: 'classwork' });
    const empty = await russian.get('/journal/teaching/missing');
    assert.match(empty.body, /Всё заполнено/);
    assert.doesNotMatch(empty.body, /<table/);
  });

  it('shows a teacher only the lessons that count for them: a substituted lesson is the substitute’s', async () => {
    const mine = (await russian.api('GET', '/api/v1/journal/teaching/missing?missing=marks')).json();
    assert.deepEqual(lessonIds(mine), ['R2'], 'neither the math lessons nor the lesson Морозова substituted');
    assert.equal(mine.counts.noMarks, 1);
  });

  it('leaves out lessons at a school where the teacher holds no grant', async () => {
    const visitor = await createPerson(t.context.db, { birthDate: '1990-01-01', municipalityId: 1 });
    const term = school.terms.find((x) => x.number === 3)!.id;
    await t.context.db.execute(sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number, substitute_teacher_id)
      VALUES (${school.russianAssignmentId}, ${school.classId}, ${school.organizationId}, ${school.municipalityId}, ${term}, '2026-02-26', 5, ${visitor.id})`);
    const elsewhere = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: other.organizationId }], { personId: visitor.id }));
    const body = (await elsewhere.api('GET', '/api/v1/journal/teaching/missing?missing=marks')).json();
    assert.deepEqual(body.items, []);
    assert.equal(body.counts.noMarks, 0);
  });

  it('refuses those who teach no lessons: a head without a person, a guardian, the regional administrator, the anonymous', async () => {
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.organizationId }]));
    assert.equal((await head.get('/journal/teaching/missing')).statusCode, 403);
    const parent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: (await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1 })).id }));
    assert.equal((await parent.get('/journal/teaching/missing')).statusCode, 403);
    const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }], { personId: (await createPerson(t.context.db, { birthDate: '1970-01-01', municipalityId: 1 })).id }));
    assert.equal((await admin.api('GET', '/api/v1/journal/teaching/missing')).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/journal/teaching/missing' })).statusCode, 401);
  });
});
