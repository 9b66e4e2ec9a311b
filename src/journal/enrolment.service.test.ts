import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { rejectsWith } from '../../test/support/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../platform/access/access.ts';
import { account } from '../platform/auth/auth.schema.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../registry/person.factory.ts';
import { person } from '../registry/person.schema.ts';
import { createClass } from './class.service.ts';
import { classEnrolment } from './enrolment.schema.ts';
import { admitPupil, classPupils, currentEnrolments, leavePupil, loadPupilAccess, pupilHistory, transferPupil } from './enrolment.service.ts';
import { createAcademicYear, yearCalendar } from './school-year.service.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const clock = { now: () => new Date('2026-09-01T08:00:00Z') };
const context = () => ({ db: db(), clock });
let head: Actor;
let origin: { actor: Actor; ip: null; requestId: null };

before(async () => {
  database = await createTestDatabase();
  const [row] = await db().insert(account).values({ login: 'head-of-school', displayName: 'Директор' }).returning({ id: account.id });
  head = { kind: 'account', accountId: row!.id, personId: null, displayName: 'Директор', grants: [], via: 'session' };
  origin = { actor: head, ip: null, requestId: null };
});
after(async () => {
  await database.drop();
});

async function school() {
  const org = await createOrganization(db(), { kind: 'school' });
  const year = await createAcademicYear(db(), origin, { organizationId: org.id, municipalityId: org.municipalityId }, { startsYear: 2026, weekDays: 5, termKind: 'quarter' });
  return { org, year };
}

test('a new year takes the Krai calendar: four quarters, three holidays and the default bells', async () => {
  const { year } = await school();
  assert.equal(year.name, '2026/2027');
  const calendar = (await yearCalendar(db(), year.id))!;
  assert.deepEqual(
    calendar.terms.map((t) => [t.number, t.startsOn, t.endsOn]),
    [
      [1, '2026-09-01', '2026-10-24'],
      [2, '2026-11-05', '2026-12-27'],
      [3, '2027-01-11', '2027-03-20'],
      [4, '2027-03-29', '2027-05-25'],
    ],
  );
  assert.equal(calendar.holidays.length, 3);
  assert.equal(calendar.bells.length, 7);
});

test('admission, transfer within the school, transfer to another school and leaving keep one history', async () => {
  const a = await school();
  const b = await school();
  const teacher = await createPerson(db(), { birthDate: '1980-01-01' });
  await addStaffDirectly(db(), teacher.id, a.org.id);
  const a5a = await createClass(db(), origin, a.year.id, { grade: 5, letter: 'А', classTeacherId: teacher.id });
  const a5b = await createClass(db(), origin, a.year.id, { grade: 5, letter: 'Б', classTeacherId: null });
  const b5a = await createClass(db(), origin, b.year.id, { grade: 5, letter: 'А', classTeacherId: null });
  const child = await createPerson(db(), { birthDate: '2015-03-01' });

  const admitted = await admitPupil(context(), head, { pupilId: child.id, organizationId: a.org.id, grade: 5, classId: a5a.id, startsOn: '2026-09-01', orderNumber: '12-у', orderIssuedOn: '2026-08-28' });
  assert.equal(admitted.classId, a5a.id);
  assert.deepEqual((await classPupils(db(), a5a.id, '2026-09-01')).map((p) => p.id), [child.id]);
  const [placed] = await db().select({ organizationId: person.organizationId }).from(person).where(eq(person.id, child.id));
  assert.equal(placed!.organizationId, a.org.id, 'the registry knows the school the child attends');

  // Admitting again at the same school is refused: it is a transfer.
  await rejectsWith(admitPupil(context(), head, { pupilId: child.id, organizationId: a.org.id, grade: 5, startsOn: '2026-09-10', orderNumber: '13', orderIssuedOn: '2026-09-09' }), 409, 'already-enrolled');

  await transferPupil(context(), origin, { pupilId: child.id, toClassId: a5b.id, on: '2026-10-01', orderNumber: '40-п', orderIssuedOn: '2026-09-30' });
  assert.deepEqual(await classPupils(db(), a5a.id, '2026-10-01'), []);
  assert.equal((await classPupils(db(), a5a.id, '2026-09-30')).length, 1, 'the old class still lists the pupil for the days they were there');
  assert.equal((await currentEnrolments(db(), [child.id])).get(child.id)!.classId, a5b.id);

  await transferPupil(context(), origin, { pupilId: child.id, toClassId: b5a.id, on: '2026-11-09', orderNumber: '7', orderIssuedOn: '2026-11-06' });
  const access = (await loadPupilAccess(db(), [child.id])).get(child.id)!;
  assert.deepEqual(access.schools.map((s) => s.organizationId), [b.org.id]);

  await leavePupil(context(), origin, { pupilId: child.id, on: '2027-02-01', reason: 'leaving', orderNumber: '15-о', orderIssuedOn: '2027-01-29' });
  assert.equal((await currentEnrolments(db(), [child.id])).size, 0);

  const history = await pupilHistory(db(), child.id);
  assert.deepEqual(
    history.map((h) => [h.className, h.startsOn, h.endsOn, h.startReason, h.endReason, h.startOrder?.number, h.endOrder?.number]),
    [
      ['5А', '2026-11-09', '2027-01-31', 'transferIn', 'leaving', '7', '15-о'],
      ['5Б', '2026-10-01', '2026-11-08', 'transferWithin', 'transferOut', '40-п', '7'],
      ['5А', '2026-09-01', '2026-09-30', 'admission', 'transferWithin', '12-у', '40-п'],
    ],
  );
  assert.equal(history[0]!.organizationId, b.org.id);
  assert.equal(history[2]!.organizationId, a.org.id);
  await rejectsWith(leavePupil(context(), origin, { pupilId: child.id, on: '2027-03-01', reason: 'leaving', orderNumber: '16', orderIssuedOn: '2027-03-01' }), 409, 'not-enrolled');
});

test('admission to another school closes the open stay as a transfer out (the kindergarten and first-grade services call this)', async () => {
  const a = await school();
  const b = await school();
  const child = await createPerson(db(), { birthDate: '2019-03-01' });
  await admitPupil(context(), head, { pupilId: child.id, organizationId: a.org.id, grade: 1, startsOn: '2026-09-01', orderNumber: '1', orderIssuedOn: '2026-08-20' });
  const second = await admitPupil(context(), head, { pupilId: child.id, organizationId: b.org.id, grade: 1, startsOn: '2026-09-15', orderNumber: '2', orderIssuedOn: '2026-09-14' });
  assert.ok(second.closedEnrolmentId);
  const history = await pupilHistory(db(), child.id);
  assert.deepEqual(history.map((h) => [h.startReason, h.endReason, h.endsOn]), [
    ['transferIn', null, null],
    ['admission', 'transferOut', '2026-09-14'],
  ]);
});

test('without a class, admission picks the emptiest class of the grade or opens «А»; without a year it creates one', async () => {
  const org = await createOrganization(db(), { kind: 'school' });
  const kid1 = await createPerson(db(), { birthDate: '2019-05-01' });
  const kid2 = await createPerson(db(), { birthDate: '2019-06-01' });
  const first = await admitPupil(context(), head, { pupilId: kid1.id, organizationId: org.id, grade: 1, startsOn: '2027-09-01', orderNumber: '100', orderIssuedOn: '2027-06-01' });
  const second = await admitPupil(context(), head, { pupilId: kid2.id, organizationId: org.id, grade: 1, startsOn: '2027-09-01', orderNumber: '100', orderIssuedOn: '2027-06-01' });
  assert.equal(first.classId, second.classId, 'one order admits many pupils');
  assert.equal((await classPupils(db(), first.classId, '2027-09-01')).length, 2);
});

test('the database keeps one open stay per pupil', async () => {
  const { org, year } = await school();
  const c = await createClass(db(), origin, year.id, { grade: 2, letter: 'В', classTeacherId: null });
  const child = await createPerson(db());
  const row = { pupilId: child.id, classId: c.id, organizationId: org.id, municipalityId: org.municipalityId, startsOn: '2026-09-01', startReason: 'admission' as const };
  await db().insert(classEnrolment).values(row);
  await assert.rejects(db().insert(classEnrolment).values(row));
});

test('orders and dates are validated; a leaving date before the stay began is refused', async () => {
  const { org, year } = await school();
  const c = await createClass(db(), origin, year.id, { grade: 3, letter: 'А', classTeacherId: null });
  const child = await createPerson(db());
  await rejectsWith(admitPupil(context(), head, { pupilId: child.id, organizationId: org.id, grade: 3, classId: c.id, startsOn: '2026-13-01', orderNumber: '', orderIssuedOn: 'x' }), 422);
  await admitPupil(context(), head, { pupilId: child.id, organizationId: org.id, grade: 3, classId: c.id, startsOn: '2026-09-10', orderNumber: '5', orderIssuedOn: '2026-09-09' });
  await rejectsWith(leavePupil(context(), origin, { pupilId: child.id, on: '2026-09-05', reason: 'leaving', orderNumber: '6', orderIssuedOn: '2026-09-05' }), 422);
  // An order number reused for another kind of movement is refused.
  await rejectsWith(leavePupil(context(), origin, { pupilId: child.id, on: '2026-10-05', reason: 'leaving', orderNumber: '5', orderIssuedOn: '2026-09-09' }), 422);
});

test('a class teacher must be on the school staff', async () => {
  const { year } = await school();
  const stranger = await createPerson(db(), { birthDate: '1985-01-01' });
  await rejectsWith(createClass(db(), origin, year.id, { grade: 4, letter: 'А', classTeacherId: stranger.id }), 422);
});
