/**
 * Year-end promotion (273-FZ art. 58 §§8–9, art. 61 §1): the plan, the order carried out in one
 * transaction, and its safety when repeated — on whichever engine the tests run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rejectsWith } from '../../test/support/errors.ts';
import { createTestDatabase, testOnPostgres, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../platform/access/access.ts';
import { account } from '../platform/auth/auth.schema.ts';
import { listAuditEvents } from '../platform/audit/audit.ts';
import { queryRows } from '../platform/db/connect.ts';
import { AppError } from '../platform/errors.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../registry/person.factory.ts';
import { person } from '../registry/person.schema.ts';
import { schoolClass } from './class.schema.ts';
import { createClass, type SchoolClassRow } from './class.service.ts';
import { admitPupil, currentEnrolments, pupilHistory } from './enrolment.service.ts';
import { buildPromotionPlan, noChoices, previewPromotion, promotePupils, type PromotionChoice, type PromotionChoices } from './promotion.service.ts';
import { createAcademicYear, listAcademicYears } from './school-year.service.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const clock = { now: () => new Date('2027-05-28T08:00:00Z') };
const context = () => ({ db: db(), clock });
let origin: { actor: Actor; ip: null; requestId: null };
const order = { orderNumber: '77-п', orderIssuedOn: '2027-05-27' };

before(async () => {
  database = await createTestDatabase();
  const [row] = await db().insert(account).values({ login: 'promotion-head', displayName: 'Директор' }).returning({ id: account.id });
  origin = { actor: { kind: 'account', accountId: row!.id, personId: null, displayName: 'Директор', grants: [], via: 'session' }, ip: null, requestId: null };
});
after(async () => {
  await database.drop();
});

/** A school with the year 2026/2027, the given classes (grade, letter) and pupils admitted to each. */
async function schoolWith(classes: Array<{ grade: number; letter: string; pupils: number; teacher?: boolean }>) {
  const org = await createOrganization(db(), { kind: 'school' });
  const year = await createAcademicYear(db(), origin, { organizationId: org.id, municipalityId: org.municipalityId }, { startsYear: 2026, weekDays: 5, termKind: 'quarter' });
  const made: Array<{ c: SchoolClassRow; pupils: string[]; teacherId: string | null }> = [];
  for (const spec of classes) {
    let teacherId: string | null = null;
    if (spec.teacher) {
      teacherId = (await createPerson(db(), { birthDate: '1980-01-01' })).id;
      await addStaffDirectly(db(), teacherId, org.id);
    }
    const c = await createClass(db(), origin, year.id, { grade: spec.grade, letter: spec.letter, classTeacherId: teacherId });
    const pupils: string[] = [];
    for (let i = 0; i < spec.pupils; i += 1) {
      const child = await createPerson(db(), { birthDate: `${2026 - spec.grade - 6}-03-0${i + 1}` });
      await admitPupil(context(), origin, { pupilId: child.id, organizationId: org.id, grade: spec.grade, classId: c.id, startsOn: '2026-09-01', orderNumber: '1-у', orderIssuedOn: '2026-08-25' });
      pupils.push(child.id);
    }
    made.push({ c, pupils, teacherId });
  }
  return { org, year, classes: made };
}

function choices(pupils: Record<string, PromotionChoice>, classTeachers: Record<string, string | null> = {}): PromotionChoices {
  return { pupils: new Map(Object.entries(pupils)), classTeachers: new Map(Object.entries(classTeachers)) };
}

async function counts(organizationId: string) {
  const [row] = await queryRows<{ stays: number; classes: number; years: number }>(
    db(),
    sql`SELECT (SELECT count(*)::int FROM class_enrolment WHERE organization_id = ${organizationId}) AS stays,
               (SELECT count(*)::int FROM school_class WHERE organization_id = ${organizationId}) AS classes,
               (SELECT count(*)::int FROM academic_year WHERE organization_id = ${organizationId}) AS years`,
  );
  return row!;
}

test('the plan (pure): a class goes to the next grade with its letter; the held back go to their grade, with their letter first; no class is made for nobody', () => {
  const cls = (id: string, grade: number, letter: string, classTeacherId: string | null = null) => ({ id, yearId: 'y', organizationId: 'o', municipalityId: 1, grade, letter, classTeacherId });
  const plan = buildPromotionPlan({
    classes: [cls('4a', 4, 'А', 't1'), cls('4b', 4, 'Б', 't2'), cls('5b', 5, 'Б'), cls('11a', 11, 'А')],
    stays: [
      { id: 's1', pupilId: 'p1', classId: '4a', startsOn: '2026-09-01' },
      { id: 's2', pupilId: 'p2', classId: '4b', startsOn: '2026-09-01' },
      { id: 's3', pupilId: 'p3', classId: '5b', startsOn: '2026-09-01' },
      { id: 's4', pupilId: 'p4', classId: '11a', startsOn: '2026-09-01' },
    ],
    nextClasses: [cls('next5a', 5, 'А', 'keeper')],
    choices: choices({ p2: 'repeat', p3: 'repeat', p4: 'move' }),
    staff: new Set(['t1']),
  });
  const byPupil = new Map(plan.classes.flatMap((c) => c.pupils).map((p) => [p.pupilId, p]));
  assert.deepEqual(byPupil.get('p1')!.target, { grade: 5, letter: 'А', existingId: 'next5a', classTeacherId: 'keeper' }, 'an existing class keeps its teacher');
  assert.deepEqual(byPupil.get('p2')!.target, { grade: 4, letter: 'Б', existingId: null, classTeacherId: null }, 'no 4Б next year: one is made with the letter');
  assert.equal(byPupil.get('p3')!.target!.existingId, 'next5a', 'no 5Б next year (4Б moves nobody): the first class of grade 5');
  assert.equal(byPupil.get('p4')!.choice, 'leave', 'grade 11 cannot be promoted: it graduates');
  assert.deepEqual(plan.newClasses.map((c) => `${c.grade}${c.letter}`), ['4Б']);
  assert.deepEqual(plan.counts, { moved: 1, heldBack: 2, graduated: 1, skipped: 0, classesCreated: 1 });
});

test('the preview writes nothing: each class goes to the next grade with its letter and teacher, grade 11 graduates, the next year is still to be made', async () => {
  const s = await schoolWith([{ grade: 4, letter: 'А', pupils: 2, teacher: true }, { grade: 9, letter: 'А', pupils: 2 }, { grade: 11, letter: 'А', pupils: 1 }]);
  const before = await counts(s.org.id);
  const preview = await previewPromotion(db(), s.year, noChoices);
  assert.equal(preview.toYear, null);
  assert.equal(preview.toYearName, '2027/2028');
  assert.equal(preview.toYearStartsOn, '2027-09-01');
  assert.deepEqual(
    preview.plan.classes.map((c) => [`${c.source.grade}${c.source.letter}`, c.next ? `${c.next.grade}${c.next.letter}` : null, c.pupils.map((p) => p.choice)]),
    [
      ['4А', '5А', ['move', 'move']],
      ['9А', '10А', ['move', 'move']],
      ['11А', null, ['leave']],
    ],
  );
  assert.equal(preview.plan.classes[0]!.next!.classTeacherId, s.classes[0]!.teacherId, 'the class teacher goes with the class');
  assert.deepEqual(preview.plan.counts, { moved: 4, heldBack: 0, graduated: 1, skipped: 0, classesCreated: 2 });
  assert.equal(preview.pupilNames.size, 5);
  assert.deepEqual(await counts(s.org.id), before);
});

test('the order moves, holds back, lets grade 9 leave and graduates grade 11, creating the next year and its classes, in one audited event', async () => {
  const s = await schoolWith([{ grade: 4, letter: 'А', pupils: 3, teacher: true }, { grade: 9, letter: 'А', pupils: 2 }, { grade: 11, letter: 'А', pupils: 1 }]);
  const [a4, a9, a11] = s.classes;
  const [moved, heldBack, skipped] = a4!.pupils;
  const [stays9, leaves9] = a9!.pupils;
  const graduate = a11!.pupils[0]!;
  const result = await promotePupils(context(), origin, s.year.id, choices({ [heldBack!]: 'repeat', [skipped!]: 'skip', [leaves9!]: 'leave' }), order);
  assert.deepEqual(result.counts, { moved: 2, heldBack: 1, graduated: 2, skipped: 1, classesCreated: 3 });
  assert.deepEqual(result.createdClasses, ['4А', '5А', '10А']);

  const next = (await listAcademicYears(db(), s.org.id)).find((y) => y.id === result.toYearId)!;
  assert.equal(next.name, '2027/2028', 'the next year is made from the regional defaults');
  const nextClasses = await db().select().from(schoolClass).where(eq(schoolClass.yearId, next.id));
  const teacherOf = new Map(nextClasses.map((c) => [`${c.grade}${c.letter}`, c.classTeacherId]));
  assert.equal(teacherOf.get('5А'), a4!.teacherId, '5А keeps the class teacher of 4А');
  assert.equal(teacherOf.get('4А'), null);

  const history = await pupilHistory(db(), moved!);
  assert.deepEqual(
    history.map((h) => [h.yearName, h.className, h.startsOn, h.endsOn, h.startReason, h.endReason, h.startOrder?.number, h.endOrder?.number]),
    [
      ['2027/2028', '5А', '2027-09-01', null, 'nextYear', null, '77-п', undefined],
      ['2026/2027', '4А', '2026-09-01', s.year.endsOn, 'admission', 'nextYear', '1-у', '77-п'],
    ],
  );
  const current = await currentEnrolments(db(), [moved!, heldBack!, skipped!, stays9!, leaves9!, graduate]);
  assert.deepEqual([current.get(heldBack!)!.grade, current.get(heldBack!)!.yearId], [4, next.id], 'held back: the same grade next year');
  assert.equal((await pupilHistory(db(), heldBack!))[0]!.startReason, 'repeatYear');
  assert.equal(current.get(skipped!)!.yearId, s.year.id, 'left out: still in 4А of this year');
  assert.equal(current.get(stays9!)!.grade, 10);
  assert.equal(current.has(leaves9!), false);
  assert.equal(current.has(graduate), false);
  const gone = await pupilHistory(db(), graduate);
  assert.deepEqual([gone[0]!.endReason, gone[0]!.endsOn, gone[0]!.endOrder?.number], ['graduation', s.year.endsOn, '77-п']);
  const registry = await db().select({ id: person.id, organizationId: person.organizationId }).from(person).where(inArray(person.id, [graduate, leaves9!, moved!]));
  assert.deepEqual(new Map(registry.map((r) => [r.id, r.organizationId])), new Map([[graduate, null], [leaves9!, null], [moved!, s.org.id]]), 'leavers no longer attend the school');

  const events = await listAuditEvents(db(), { entityType: 'promotion', entityId: result.orderId, limit: 10 });
  assert.equal(events.length, 1, 'one audit event per promotion');
  assert.deepEqual(
    { ...(events[0]!.details as Record<string, unknown>), toYearId: undefined, fromYearId: undefined },
    { fromYearId: undefined, toYearId: undefined, orderNumber: '77-п', orderIssuedOn: '2027-05-27', moved: 2, heldBack: 1, graduated: 2, skipped: 1, classesCreated: 3, createdClasses: ['4А', '5А', '10А'] },
  );
});

test('not before the last term of the year has begun: refused with the date, nothing written', async () => {
  const s = await schoolWith([{ grade: 3, letter: 'В', pupils: 1 }]);
  const before = await counts(s.org.id);
  const early = { db: db(), clock: { now: () => new Date('2026-12-01T08:00:00Z') } };
  await rejectsWith(promotePupils(early, origin, s.year.id, choices({}), order), 409, 'promotion-too-early');
  assert.deepEqual(await counts(s.org.id), before);
});

test('a repeat moves nobody twice: refused when nothing is left, and a pupil left out is moved by the next order into the class made before', async () => {
  const s = await schoolWith([{ grade: 2, letter: 'Б', pupils: 2 }]);
  const [first, later] = s.classes[0]!.pupils;
  const leftOut = choices({ [later!]: 'skip' });
  await promotePupils(context(), origin, s.year.id, leftOut, order);
  const afterFirst = await counts(s.org.id);
  await rejectsWith(promotePupils(context(), origin, s.year.id, leftOut, order), 409, 'promotion-nothing');
  assert.deepEqual(await counts(s.org.id), afterFirst, 'the refused repeat changed nothing');

  const second = await promotePupils(context(), origin, s.year.id, noChoices, { orderNumber: '80-п', orderIssuedOn: '2027-06-01' });
  assert.deepEqual(second.counts, { moved: 1, heldBack: 0, graduated: 0, skipped: 0, classesCreated: 0 });
  const now = await currentEnrolments(db(), [first!, later!]);
  assert.equal(now.get(first!)!.classId, now.get(later!)!.classId, 'both in the one 3Б');
  await rejectsWith(promotePupils(context(), origin, s.year.id, noChoices, order), 409, 'promotion-nothing');
  const final = await counts(s.org.id);
  assert.deepEqual(final, { ...afterFirst, stays: afterFirst.stays + 1 });
});

test('two promotions at once: one carries out, the other finds nothing left', async () => {
  const s = await schoolWith([{ grade: 6, letter: 'В', pupils: 2 }]);
  const results = await Promise.allSettled([
    promotePupils(context(), origin, s.year.id, noChoices, order),
    promotePupils(context(), origin, s.year.id, noChoices, order),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, testOnPostgres ? 'the year lock serialises them' : 'one wins');
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.ok(rejected.reason instanceof AppError && rejected.reason.status === 409, String(rejected.reason));
  const next = (await listAcademicYears(db(), s.org.id)).find((y) => y.id !== s.year.id)!;
  assert.equal((await db().select().from(schoolClass).where(and(eq(schoolClass.yearId, next.id), eq(schoolClass.grade, 7)))).length, 1);
  assert.deepEqual(await counts(s.org.id), { stays: 4, classes: 2, years: 2 });
});

test('an existing next year and class are used as they are; a chosen class teacher must be on the staff; the order needs a number and a date', async () => {
  const s = await schoolWith([{ grade: 7, letter: 'А', pupils: 1, teacher: true }, { grade: 7, letter: 'Б', pupils: 1 }]);
  const next = await createAcademicYear(db(), origin, { organizationId: s.org.id, municipalityId: s.org.municipalityId }, { startsYear: 2027, weekDays: 6, termKind: 'trimester' });
  const keeper = await createPerson(db(), { birthDate: '1979-01-01' });
  await addStaffDirectly(db(), keeper.id, s.org.id);
  const existing = await createClass(db(), origin, next.id, { grade: 8, letter: 'А', classTeacherId: keeper.id });
  const stranger = await createPerson(db(), { birthDate: '1979-01-01' });
  const [a7, b7] = s.classes;
  await rejectsWith(promotePupils(context(), origin, s.year.id, choices({}, { [b7!.c.id]: stranger.id }), order), 422);
  await rejectsWith(promotePupils(context(), origin, s.year.id, noChoices, { orderNumber: ' ', orderIssuedOn: '27.05.2027' }), 422);
  assert.equal((await counts(s.org.id)).classes, 3, 'refusals create nothing');

  const result = await promotePupils(context(), origin, s.year.id, choices({}, { [b7!.c.id]: keeper.id }), order);
  assert.equal(result.toYearId, next.id);
  assert.deepEqual(result.createdClasses, ['8Б']);
  const now = await currentEnrolments(db(), [a7!.pupils[0]!, b7!.pupils[0]!]);
  assert.equal(now.get(a7!.pupils[0]!)!.classId, existing.id);
  const [b8] = await db().select().from(schoolClass).where(and(eq(schoolClass.yearId, next.id), eq(schoolClass.letter, 'Б')));
  assert.equal(b8!.classTeacherId, keeper.id, 'the chosen teacher');
  const [a8] = await db().select().from(schoolClass).where(eq(schoolClass.id, existing.id));
  assert.equal(a8!.classTeacherId, keeper.id, 'the existing class keeps its own teacher');
  // The same order number cannot be reused for another kind of movement.
  await rejectsWith(admitPupil(context(), origin, { pupilId: (await createPerson(db())).id, organizationId: s.org.id, grade: 8, classId: existing.id, startsOn: '2027-09-01', ...order }), 422);
});
