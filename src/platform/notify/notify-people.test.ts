import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createPerson } from '../../../test/support/people.ts';
import { queryRows } from '../db/connect.ts';
import { notifyPeople, notifyPerson } from './notify.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

test('notices sent in bulk write the same rows as notices sent one by one', async () => {
  const db = database.handle.db;
  const single = await createPerson(db, { email: 'single@example.test' });
  const many = await createPerson(db, { email: 'many@example.test' });
  const silent = await createPerson(db, { email: null });
  const notice = (personId: string) => ({ personId, subject: 'Тема', body: 'Текст', link: '/preschool' });
  await notifyPerson(db, notice(single.id));
  await notifyPeople(db, [notice(many.id), notice(silent.id)]);
  const rows = await queryRows<{ to_address: string; subject: string; body: string; link: string; jobs: number }>(
    db,
    sql`SELECT m.to_address, m.subject, m.body, m.link,
               (SELECT count(*)::int FROM job j WHERE j.queue = 'notify.email' AND j.payload->>'emailId' = m.id::text) AS jobs
        FROM email_message m ORDER BY m.to_address`,
  );
  assert.deepEqual(
    rows.map(({ to_address, ...rest }) => [to_address, rest]),
    [
      ['many@example.test', { subject: 'Тема', body: 'Текст', link: '/preschool', jobs: 1 }],
      ['single@example.test', { subject: 'Тема', body: 'Текст', link: '/preschool', jobs: 1 }],
    ],
  );
  const inbox = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM notification`);
  assert.equal(inbox[0]!.n, 3, 'everyone gets the inbox notice, with or without e-mail');
});
