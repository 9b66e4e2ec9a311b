import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/connect.ts';
import { createPerson, linkGuardianDirectly } from '../registry/person.factory.ts';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { addAttachment, loadLesson } from './lesson.service.ts';

// Homework files in the diary (issue 5 §5–6): a family downloads the files of its own child's
// lessons only, as downloads (attachment, nosniff); any other lesson or child is "not found".
describe('homework files in the diary', () => {
  let t: TestApp;
  let school: SchoolFixture;
  let other: SchoolFixture;
  let lessonId: string;
  let fileId: string;
  let otherLessonId: string;
  let otherFileId: string;
  let guardian: Agent;
  let pupil: Agent;
  let otherGuardian: Agent;
  const system = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

  async function lessonWithFile(f: SchoolFixture, content: string): Promise<[string, string]> {
    const term3 = f.terms.find((x) => x.number === 3)!;
    const [row] = await queryRows<{ id: string }>(
      t.context.db,
      sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number, topic, homework, status)
          VALUES (${f.mathAssignmentId}, ${f.classId}, ${f.organizationId}, ${f.municipalityId}, ${term3.id}, '2026-03-02', 1, 'Дроби', '№ 512', 'held') RETURNING id`,
    );
    const file = await addAttachment(t.context.db, system, await loadLesson(t.context.db, row!.id), { fileName: 'Задание.txt', content: Buffer.from(content) }, t.clock.now());
    return [row!.id, file.id];
  }

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-02T09:00:00Z'));
    school = await createSchoolFixture(t.context.db, { pupils: 2 });
    other = await createSchoolFixture(t.context.db, { pupils: 1, letter: 'Б' });
    [lessonId, fileId] = await lessonWithFile(school, 'решить № 512');
    [otherLessonId, otherFileId] = await lessonWithFile(other, 'чужое задание');
    const mother = await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1 });
    await linkGuardianDirectly(t.context.db, mother.id, school.pupilIds[0]!);
    guardian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: mother.id }));
    pupil = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'pupil' }], { personId: school.pupilIds[1]! }));
    const stranger = await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1 });
    await linkGuardianDirectly(t.context.db, stranger.id, other.pupilIds[0]!);
    otherGuardian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: stranger.id }));
  });
  after(() => t.close());

  it('links the files on the week page and sends them as downloads to the guardian and the pupil', async () => {
    const week = await guardian.get(`/diary?child=${school.pupilIds[0]}&week=2026-03-02`);
    assert.equal(week.statusCode, 200);
    const href = `/diary/lessons/${lessonId}/attachments/${fileId}?child=${school.pupilIds[0]}`;
    assert.ok(week.body.includes(`href="${href}"`), 'the week links the file');
    assert.match(week.body, /Задание\.txt/);
    const download = await guardian.get(href);
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers['content-disposition']), /^attachment;/);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
    assert.equal(download.body, 'решить № 512');
    const api = await guardian.api('GET', `/api/v1/diary/week?child=${school.pupilIds[0]}&week=2026-03-02`);
    assert.equal(api.statusCode, 200, api.body);
    const lesson = (JSON.parse(api.body) as { lessons: Array<{ id: string; homeworkFiles: Array<{ id: string; fileName: string; href: string }> }> }).lessons.find((l) => l.id === lessonId)!;
    assert.deepEqual(
      lesson.homeworkFiles.map((f) => [f.id, f.fileName, f.href]),
      [[fileId, 'Задание.txt', href]],
      'the JSON week lists the files with the same download link',
    );
    const own = await pupil.get(`/diary/lessons/${lessonId}/attachments/${fileId}?child=${school.pupilIds[1]}`);
    assert.equal(own.statusCode, 200);
    assert.equal(own.headers['x-content-type-options'], 'nosniff');
  });

  it('answers 404 for another family’s child, another class’s lesson and the anonymous', async () => {
    // the other family's guardian, through their own child or ours
    assert.equal((await otherGuardian.get(`/diary/lessons/${lessonId}/attachments/${fileId}?child=${other.pupilIds[0]}`)).statusCode, 404);
    assert.equal((await otherGuardian.get(`/diary/lessons/${lessonId}/attachments/${fileId}?child=${school.pupilIds[0]}`)).statusCode, 404);
    // our guardian asking for another school's lesson, or a file of the wrong lesson
    assert.equal((await guardian.get(`/diary/lessons/${otherLessonId}/attachments/${otherFileId}?child=${school.pupilIds[0]}`)).statusCode, 404);
    assert.equal((await guardian.get(`/diary/lessons/${lessonId}/attachments/${otherFileId}?child=${school.pupilIds[0]}`)).statusCode, 404);
    // the pupil asking through a classmate
    assert.equal((await pupil.get(`/diary/lessons/${lessonId}/attachments/${fileId}?child=${school.pupilIds[0]}`)).statusCode, 404);
    const anonymous = await t.app.inject({ method: 'GET', url: `/diary/lessons/${lessonId}/attachments/${fileId}?child=${school.pupilIds[0]}` });
    assert.notEqual(anonymous.statusCode, 200);
    assert.ok(!anonymous.body.includes('решить'));
  });
});
