import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../platform/access/access.ts';
import { account } from '../platform/auth/auth.schema.ts';
import { auditEvent } from '../platform/audit/audit.schema.ts';
import { AppError } from '../platform/errors.ts';
import { createOrganization } from './organization.factory.ts';
import { addStaffDirectly, createPerson, linkGuardianDirectly } from './person.factory.ts';
import { guardianLink, person } from './person.schema.ts';
import { comparePeople, mergePeople, personReferences, resolveMergedPerson } from './person-merge.service.ts';
import { personMerge } from './person-merge.schema.ts';
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/connect.ts';

let database: TestDatabase;
const db = () => database.handle.db;
let origin: { actor: Actor; ip: null; requestId: null };
const now = new Date('2026-10-01T10:00:00Z');

before(async () => {
  database = await createTestDatabase();
  const [row] = await db().insert(account).values({ login: 'operator-merge', displayName: 'Оператор' }).returning({ id: account.id });
  origin = { actor: { kind: 'account', accountId: row!.id, personId: null, displayName: 'Оператор', grants: [], via: 'session' }, ip: null, requestId: null };
});
after(async () => {
  await database.drop();
});

async function classAt() {
  const org = await createOrganization(db(), { kind: 'school' });
  // Another domain's tables, written in plain SQL: the merge must move references it does not know.
  const [c] = await queryRows<{ id: string }>(
    db(),
    sql`WITH y AS (INSERT INTO academic_year (organization_id, municipality_id, name, starts_on, ends_on, term_kind)
                   VALUES (${org.id}, 1, '2026/2027', '2026-09-01', '2027-05-25', 'quarter') RETURNING id)
        INSERT INTO school_class (year_id, organization_id, municipality_id, grade, letter) SELECT y.id, ${org.id}, 1, 3, 'А' FROM y RETURNING id::text AS id`,
  );
  return { org, c: c! };
}

async function enrol(pupilId: string, classId: string, organizationId: string) {
  await db().execute(
    sql`INSERT INTO class_enrolment (pupil_id, class_id, organization_id, municipality_id, starts_on, start_reason) VALUES (${pupilId}, ${classId}, ${organizationId}, 1, '2026-09-01', 'admission')`,
  );
}

async function staysOf(pupilId: string) {
  return queryRows<{ id: string }>(db(), sql`SELECT id FROM class_enrolment WHERE pupil_id = ${pupilId}`);
}

test('the catalog lists every column that references person, across domains', async () => {
  const refs = await personReferences(db());
  const keys = refs.map((r) => `${r.table}.${r.column}`);
  for (const key of ['guardian_link.child_id', 'guardian_link.guardian_id', 'staff_member.person_id', 'account.person_id', 'class_enrolment.pupil_id', 'teaching_assignment.teacher_id']) {
    assert.ok(keys.includes(key), key);
  }
  assert.ok(!keys.some((k) => k.startsWith('person_merge.')));
  assert.deepEqual(refs.find((r) => r.table === 'guardian_link' && r.column === 'child_id')!.uniqueWith, [['guardian_id']]);
});

test('merging moves guardian links and class stays to the kept record, drops the same fact twice, marks and audits', async () => {
  const { org, c } = await classAt();
  const mother = await createPerson(db(), { birthDate: '1988-01-01', sex: 'female' });
  const father = await createPerson(db(), { birthDate: '1987-01-01', sex: 'male' });
  const kept = await createPerson(db(), { lastName: 'Орлова', firstName: 'Вера', birthDate: '2018-02-02', snils: null });
  const dup = await createPerson(db(), { lastName: 'Орлова', firstName: 'Вера', birthDate: '2018-02-02' });
  await linkGuardianDirectly(db(), mother.id, kept.id);
  await linkGuardianDirectly(db(), mother.id, dup.id);
  await linkGuardianDirectly(db(), father.id, dup.id, 'father');
  await enrol(dup.id, c.id, org.id);

  const side = await comparePeople(db(), kept.id, dup.id);
  assert.equal(side![1].references['class_enrolment.pupil_id'], 1);

  const result = await mergePeople(db(), origin, kept.id, dup.id, now);
  assert.deepEqual(result.moved, { 'class_enrolment.pupil_id': 1, 'guardian_link.child_id': 1 });
  assert.deepEqual(result.dropped, { 'guardian_link.child_id': 1 });
  assert.ok(result.takenOver.includes('snils'), 'the SNILS only the duplicate had is kept');

  const guardians = await db().select().from(guardianLink).where(eq(guardianLink.childId, kept.id));
  assert.deepEqual(guardians.map((g) => g.guardianId).sort(), [mother.id, father.id].sort());
  assert.equal((await db().select().from(guardianLink).where(eq(guardianLink.childId, dup.id))).length, 0);
  const [stay] = await staysOf(kept.id);
  assert.ok(stay);
  const [mark] = await db().select().from(personMerge).where(eq(personMerge.mergedPersonId, dup.id));
  assert.equal(mark!.keptPersonId, kept.id);
  assert.equal(await resolveMergedPerson(db(), dup.id), kept.id);
  const [keptRow] = await db().select().from(person).where(eq(person.id, kept.id));
  assert.equal(keptRow!.snils, dup.snils);
  const events = await db().select().from(auditEvent).where(eq(auditEvent.entityId, kept.id));
  const merged = events.find((e) => (e.details as { change?: string }).change === 'merged')!;
  assert.deepEqual((merged.details as { moved: unknown }).moved, result.moved);

  // Once merged, never again.
  await assert.rejects(mergePeople(db(), origin, kept.id, dup.id, now), (e: unknown) => e instanceof AppError && e.status === 409);
});

test('a merge that would give a child two open class stays, or a person two accounts, is refused and changes nothing', async () => {
  const one = await classAt();
  const two = await classAt();
  const a = await createPerson(db());
  const b = await createPerson(db());
  await enrol(a.id, one.c.id, one.org.id);
  await enrol(b.id, two.c.id, two.org.id);
  await assert.rejects(mergePeople(db(), origin, a.id, b.id, now), (e: unknown) => e instanceof AppError && e.status === 409);
  assert.equal((await staysOf(b.id)).length, 1, 'rolled back');

  const x = await createPerson(db(), { birthDate: '1990-01-01' });
  const y = await createPerson(db(), { birthDate: '1990-01-01' });
  await addStaffDirectly(db(), x.id, one.org.id);
  await addStaffDirectly(db(), y.id, one.org.id);
  await db().insert(account).values({ login: 'x-account', displayName: 'X', personId: x.id });
  await db().insert(account).values({ login: 'y-account', displayName: 'Y', personId: y.id });
  await assert.rejects(mergePeople(db(), origin, x.id, y.id, now), (e: unknown) => e instanceof AppError && e.status === 409 && /account/.test(e.userMessage.en));
});
