import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { AuditOrigin } from '../platform/audit/audit.ts';
import { listAuditEvents } from '../platform/audit/audit.ts';
import { AppError } from '../platform/errors.ts';
import { isValidSnils } from './identifiers.ts';
import { createOrganization } from './organization.factory.ts';
import { addStaffDirectly, createPerson as insertPerson, linkGuardianDirectly, uniqueBirthCertificate, uniqueSnils } from './person.factory.ts';
import { person } from './person.schema.ts';
import {
  createPerson,
  databaseErrorOf,
  DuplicatePersonError,
  findPersonAccessFacts,
  findPersonNames,
  findProbableDuplicatePeople,
  findSiblingOrganizations,
  listPeople,
  parsePersonInput,
  personFormValues,
  personFullName,
  type PersonFormValues,
} from './person.service.ts';

let database: TestDatabase;
const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: '127.0.0.1', requestId: 'test' };
const now = new Date('2026-03-02T09:00:00Z');
const today = '2026-03-02';

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

function validForm(overrides: PersonFormValues = {}): PersonFormValues {
  const certificate = uniqueBirthCertificate();
  return {
    lastName: 'Соколова',
    firstName: 'Алиса',
    middleName: 'Игоревна',
    birthDate: '2019-04-12',
    sex: 'female',
    snils: uniqueSnils(),
    birthCertificateSeries: certificate.series,
    birthCertificateNumber: certificate.number,
    municipalityId: '1',
    ...overrides,
  };
}

test('form input is normalised: SNILS without separators, certificate series in canonical form, passport without spaces, phone as +7', () => {
  const parsed = parsePersonInput(
    validForm({
      lastName: '  Соколова  ',
      snils: '123-456-789 64',
      birthCertificateSeries: 'iv аг',
      birthCertificateNumber: '123 456',
      passportSeries: '03 12',
      passportNumber: '345678',
      phone: '8 (918) 123-45-67',
      email: 'Mama@Example.RU',
    }),
    today,
  );
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
  assert.equal(parsed.value.lastName, 'Соколова');
  assert.equal(parsed.value.snils, '12345678964');
  assert.equal(parsed.value.birthCertificateSeries, 'IV-АГ');
  assert.equal(parsed.value.birthCertificateNumber, '123456');
  assert.equal(parsed.value.passportSeries, '0312');
  assert.equal(parsed.value.passportNumber, '345678');
  assert.equal(parsed.value.phone, '+79181234567');
  assert.equal(parsed.value.email, 'mama@example.ru');
  assert.equal(parsed.value.municipalityId, 1);
  assert.equal(parsed.value.middleName, 'Игоревна');
});

test('Latin look-alike letters in a certificate series become Cyrillic', () => {
  const parsed = parsePersonInput(validForm({ birthCertificateSeries: 'II-AK' }), today);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.birthCertificateSeries, 'II-АК');
});

test('invalid documents are refused with Russian messages per field', () => {
  const parsed = parsePersonInput(
    validForm({ snils: '123-456-789 65', birthCertificateSeries: 'АГ', birthCertificateNumber: '12345', passportSeries: '12', passportNumber: '' }),
    today,
  );
  assert.ok(!parsed.ok);
  assert.match(parsed.errors.snils!.ru, /контрольное число/);
  assert.match(parsed.errors.birthCertificateSeries!.ru, /римские цифры/);
  assert.match(parsed.errors.birthCertificateNumber!.ru, /6 цифр/);
  assert.match(parsed.errors.passportSeries!.ru, /4 цифры/);
  assert.match(parsed.errors.passportNumber!.ru, /6 цифр/);
});

test('a certificate needs both series and number; a birth date cannot be in the future; names are required', () => {
  const parsed = parsePersonInput(validForm({ birthCertificateNumber: '', birthDate: '2026-03-03', lastName: '', sex: 'x' }), today);
  assert.ok(!parsed.ok);
  assert.match(parsed.errors.birthCertificateNumber!.ru, /Введите номер/);
  assert.match(parsed.errors.birthDate!.ru, /в будущем/);
  assert.match(parsed.errors.lastName!.ru, /Введите фамилию/);
  assert.ok(parsed.errors.sex);
});

test('a person without any document is valid (documents are optional, uniqueness applies when present)', () => {
  const parsed = parsePersonInput(validForm({ snils: '', birthCertificateSeries: '', birthCertificateNumber: '' }), today);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.snils, null);
  assert.equal(parsed.value.birthCertificateNumber, null);
});

test('the database itself refuses a second record with the same birth certificate', async () => {
  const first = await insertPerson(database.handle.db);
  await assert.rejects(
    insertPerson(database.handle.db, { birthCertificateSeries: first.birthCertificateSeries, birthCertificateNumber: first.birthCertificateNumber }),
    (error: unknown) => databaseErrorOf(error)?.code === '23505',
  );
});

test('the database itself refuses a second record with the same SNILS', async () => {
  const first = await insertPerson(database.handle.db);
  await assert.rejects(insertPerson(database.handle.db, { snils: first.snils }), (error: unknown) => databaseErrorOf(error)?.code === '23505');
});

test('the service answers a duplicate birth certificate with a Russian 409, not a 500', async () => {
  const first = await insertPerson(database.handle.db);
  const parsed = parsePersonInput(validForm({ birthCertificateSeries: first.birthCertificateSeries!, birthCertificateNumber: first.birthCertificateNumber! }), today);
  assert.ok(parsed.ok);
  await assert.rejects(createPerson(database.handle.db, origin, parsed.value, now), (error: unknown) => {
    assert.ok(error instanceof DuplicatePersonError);
    assert.ok(error instanceof AppError);
    assert.equal(error.status, 409);
    assert.equal(error.userMessage.ru, 'Запись с таким свидетельством о рождении уже существует');
    assert.ok(error.fields.birthCertificateNumber);
    return true;
  });
});

test('the service answers a duplicate SNILS with a Russian 409 and writes no audit event', async () => {
  const first = await insertPerson(database.handle.db);
  const parsed = parsePersonInput(validForm({ snils: first.snils! }), today);
  assert.ok(parsed.ok);
  const before = (await listAuditEvents(database.handle.db, { entityType: 'person', limit: 1 }))[0]?.seq ?? 0;
  await assert.rejects(createPerson(database.handle.db, origin, parsed.value, now), (error: unknown) => {
    assert.ok(error instanceof DuplicatePersonError);
    assert.equal(error.userMessage.ru, 'Запись с таким СНИЛС уже существует');
    return true;
  });
  const latest = (await listAuditEvents(database.handle.db, { entityType: 'person', limit: 1 }))[0]?.seq ?? 0;
  assert.equal(latest, before);
});

test('creating a person stores the normalised record and audits it in the same transaction', async () => {
  const parsed = parsePersonInput(validForm({ snils: '' }), today);
  assert.ok(parsed.ok);
  const id = await createPerson(database.handle.db, origin, parsed.value, now);
  const [row] = await database.handle.db.select().from(person).where(eq(person.id, id));
  assert.equal(row!.lastName, 'Соколова');
  const [event] = await listAuditEvents(database.handle.db, { entityType: 'person', entityId: id, limit: 5 });
  assert.equal(event!.action, 'create');
  assert.equal(event!.municipalityId, 1);
  // Field names only, never values: the audit log is not a second copy of personal data.
  assert.doesNotMatch(JSON.stringify(event!.details), /Соколова/);
  assert.deepEqual(personFormValues(row!).lastName, 'Соколова');
});

test('an unknown municipality or organisation is a field error, not a 500', async () => {
  const parsed = parsePersonInput(validForm({ municipalityId: '999', organizationId: '00000000-0000-4000-8000-000000000000' }), today);
  assert.ok(parsed.ok);
  await assert.rejects(createPerson(database.handle.db, origin, parsed.value, now), (error: unknown) => error instanceof AppError && error.status === 422);
});

test('the factory makes people with valid, unique documents', async () => {
  const a = await insertPerson(database.handle.db);
  const b = await insertPerson(database.handle.db);
  assert.ok(isValidSnils(a.snils!));
  assert.notEqual(a.snils, b.snils);
  assert.notDeepEqual([a.birthCertificateSeries, a.birthCertificateNumber], [b.birthCertificateSeries, b.birthCertificateNumber]);
});

test('access facts of a batch of people come in one query with their employers and guardians', async () => {
  const db = database.handle.db;
  const school = await createOrganization(db, { municipalityId: 2 });
  const child = await insertPerson(db, { municipalityId: 2, organizationId: school.id });
  const mother = await insertPerson(db, { municipalityId: 2, birthDate: '1990-01-01' });
  const teacher = await insertPerson(db, { municipalityId: 3, birthDate: '1980-01-01' });
  await linkGuardianDirectly(db, mother.id, child.id, 'mother');
  await addStaffDirectly(db, teacher.id, school.id);
  const facts = await findPersonAccessFacts(db, [child.id, mother.id, teacher.id, 'not-an-id']);
  assert.equal(facts.size, 3);
  assert.deepEqual(facts.get(child.id)!.guardianIds, [mother.id]);
  assert.equal(facts.get(child.id)!.organizationId, school.id);
  assert.deepEqual(facts.get(teacher.id)!.staffOrganizationIds, [school.id]);
  assert.deepEqual(facts.get(mother.id)!.guardianIds, []);
});

test('the list is paginated by name with an opaque cursor and searched by name or document', async () => {
  const db = database.handle.db;
  const m = 40;
  // Ё is left out of the ordering check: its place depends on the database's collation.
  for (const lastName of ['Яковлев', 'Абрамов', 'Борисов', 'Власов']) await insertPerson(db, { municipalityId: m, lastName, firstName: 'Петр' });
  await insertPerson(db, { municipalityId: 41, lastName: 'Ёлкин', firstName: 'Пётр' });
  const scope = { kind: 'some' as const, municipalityIds: [m], organizationIds: [], selfId: null, childrenOfId: null };
  const first = await listPeople(db, scope, { limit: 2 });
  assert.deepEqual(first.items.map((p) => p.lastName), ['Абрамов', 'Борисов']);
  assert.ok(first.nextAfter);
  const second = await listPeople(db, scope, { limit: 2, after: first.nextAfter! });
  assert.equal(second.items.length, 2);
  assert.equal(second.nextAfter, null);
  const found = await listPeople(db, { ...scope, municipalityIds: [41] }, { q: 'елкин петр', limit: 10 });
  assert.deepEqual(found.items.map((p) => p.lastName), ['Ёлкин']);
  const wildcard = await listPeople(db, scope, { q: '%', limit: 10 });
  assert.equal(wildcard.items.length, 0);
  const bySnils = await insertPerson(db, { municipalityId: m });
  const found2 = await listPeople(db, scope, { q: bySnils.snils!, limit: 10 });
  assert.deepEqual(found2.items.map((p) => p.id), [bySnils.id]);
});

test('other folders read names and birth dates of a batch of people in one call; unknown and malformed ids are absent', async () => {
  const db = database.handle.db;
  const a = await insertPerson(db, { lastName: 'Зайцева', firstName: 'Ольга', middleName: 'Петровна', birthDate: '2021-04-05' });
  const b = await insertPerson(db, { lastName: 'Орлов', firstName: 'Глеб', middleName: null });
  const names = await findPersonNames(db, [a.id, b.id, a.id, '00000000-0000-4000-8000-000000000000', 'nope']);
  assert.equal(names.size, 2);
  assert.deepEqual(names.get(a.id), { id: a.id, lastName: 'Зайцева', firstName: 'Ольга', middleName: 'Петровна', birthDate: '2021-04-05' });
  assert.equal(personFullName(names.get(a.id)!), 'Зайцева Ольга Петровна');
  assert.equal(personFullName(names.get(b.id)!), 'Орлов Глеб');
  assert.equal((await findPersonNames(db, [])).size, 0);
});

test('probable duplicates of a person: same certificate, same SNILS, or same names and birth date ignoring case and ё/е; never the person itself', async () => {
  const db = database.handle.db;
  const me = await insertPerson(db, { lastName: 'Семёнова', firstName: 'Алёна', birthDate: '2022-01-15' });
  const sameName = await insertPerson(db, { lastName: 'СЕМЕНОВА', firstName: 'алена', birthDate: '2022-01-15' });
  const otherDay = await insertPerson(db, { lastName: 'Семенова', firstName: 'Алена', birthDate: '2022-01-16' });
  // same SNILS / certificate cannot coexist (unique indexes), so these are checked by name only here
  const found = await findProbableDuplicatePeople(db, me.id);
  assert.deepEqual(found, [{ personId: sameName.id, sameBirthCertificate: false, sameSnils: false, sameNameAndBirthDate: true }]);
  assert.ok(!found.some((p) => p.personId === otherDay.id || p.personId === me.id));
  assert.deepEqual(await findProbableDuplicatePeople(db, 'not-an-id'), []);
  assert.deepEqual(await findProbableDuplicatePeople(db, '00000000-0000-4000-8000-000000000000'), []);
});

test('siblings\' organisations of a batch of children: another child of a shared guardian who attends one (273-FZ art. 67 part 3.1)', async () => {
  const db = database.handle.db;
  const kindergarten = await createOrganization(db, { kind: 'kindergarten' });
  const school = await createOrganization(db);
  const mother = await insertPerson(db, { birthDate: '1990-01-01' });
  const father = await insertPerson(db, { birthDate: '1989-01-01' });
  const child = await insertPerson(db, { birthDate: '2023-02-01' });
  const olderSister = await insertPerson(db, { organizationId: kindergarten.id });
  const halfBrother = await insertPerson(db, { organizationId: school.id });
  const homeSibling = await insertPerson(db);
  const onlyChild = await insertPerson(db);
  await linkGuardianDirectly(db, mother.id, child.id);
  await linkGuardianDirectly(db, mother.id, olderSister.id);
  await linkGuardianDirectly(db, father.id, child.id, 'father');
  await linkGuardianDirectly(db, father.id, halfBrother.id, 'father');
  await linkGuardianDirectly(db, father.id, homeSibling.id, 'father');
  const found = await findSiblingOrganizations(db, [child.id, onlyChild.id, olderSister.id, 'nope']);
  assert.deepEqual([...(found.get(child.id) ?? [])].sort(), [kindergarten.id, school.id].sort());
  assert.equal(found.has(onlyChild.id), false);
  // the sister's sibling (the child) attends nothing, so she has no sibling organisation
  assert.equal(found.has(olderSister.id), false);
  assert.equal((await findSiblingOrganizations(db, [])).size, 0);
});
