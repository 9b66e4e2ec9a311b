/**
 * E-mail notices go out through a real SMTP server (smtp-server on 127.0.0.1) from the job
 * queue: the right recipient, a properly encoded Russian subject and body with an absolute link;
 * failures are recorded and retried with backoff; nothing is sent twice; without SMTP the
 * message stays in the outbox and the job does not retry forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { createPerson } from '../../../test/support/people.ts';
import { enqueue, startWorker, type Worker } from '../jobs/jobs.ts';
import { job } from '../jobs/jobs.schema.ts';
import { platformJobHandlers } from '../jobs/platform-jobs.ts';
import { EMAIL_QUEUE, notifyPerson } from './notify.ts';
import { emailMessage } from './notify.schema.ts';
import { SMTP_NOT_CONFIGURED } from './email.ts';
import { freePort, parseMail, startTestSmtpServer } from './smtp-test-server.ts';

const hour = 3600_000;

async function noticeFor(t: TestApp, email: string | null) {
  const guardian = await createPerson(t.context.db, { email, birthDate: '1990-01-01' });
  await t.context.db.transaction((tx) =>
    notifyPerson(tx, {
      personId: guardian.id,
      subject: 'Заявление № 23-01-2026-000042: В очереди',
      body: 'Статус заявления в детский сад изменился: «В очереди». Причина: документы проверены.',
      link: '/preschool/applications/00000000-0000-4000-8000-000000000042',
    }),
  );
  const [message] = await t.context.db.select().from(emailMessage).orderBy(emailMessage.id);
  return { guardian, message };
}

async function emailJobs(t: TestApp) {
  return t.context.db.select().from(job).where(eq(job.queue, EMAIL_QUEUE)).orderBy(job.id);
}

async function withWorker(t: TestApp, work: (worker: Worker) => Promise<void>): Promise<void> {
  // The worker polls only when asked; backoff is the default (30 s, then doubling).
  const worker = startWorker(t.context, platformJobHandlers, { pollMs: hour });
  try {
    await work(worker);
  } finally {
    await worker.stop();
  }
}

test('a notice is delivered over SMTP to the person’s address with a UTF-8 encoded Russian subject, body and absolute link', async () => {
  const smtp = await startTestSmtpServer();
  const t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: 'https://prostor.example', mailFrom: 'Простор <noreply@prostor.example>' });
  try {
    const { message } = await noticeFor(t, 'mama@example.ru');
    assert.ok(message, 'the notice is in the outbox');
    await withWorker(t, async (worker) => {
      await worker.runOnce();
    });
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0]!;
    assert.deepEqual(mail.to, ['mama@example.ru']);
    assert.equal(mail.from, 'noreply@prostor.example');
    const parsed = parseMail(mail.raw);
    // Headers on the wire are ASCII: Cyrillic travels as RFC 2047 encoded words.
    assert.match(parsed.rawHeaders.subject!, /^=\?UTF-8\?[BQ]\?/i);
    assert.doesNotMatch(mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n')), /[^\x00-\x7f]/);
    assert.equal(parsed.headers.subject, 'Заявление № 23-01-2026-000042: В очереди');
    assert.match(parsed.headers['content-type']!, /text\/plain; charset=utf-8/i);
    assert.equal(parsed.headers['auto-submitted'], 'auto-generated');
    assert.equal(
      parsed.text,
      'Статус заявления в детский сад изменился: «В очереди». Причина: документы проверены.\n\nhttps://prostor.example/preschool/applications/00000000-0000-4000-8000-000000000042',
    );
    const [row] = await t.context.db.select().from(emailMessage).where(eq(emailMessage.id, message.id));
    assert.equal(row!.sentAt?.toISOString(), t.clock.now().toISOString());
    assert.equal(row!.attempts, 1);
    assert.equal(row!.lastError, null);
  } finally {
    await t.close();
    await smtp.close();
  }
});

test('a message already sent is not sent again when its job runs twice', async () => {
  const smtp = await startTestSmtpServer();
  const t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
  try {
    const { message } = await noticeFor(t, 'papa@example.ru');
    await withWorker(t, async (worker) => {
      await worker.runOnce();
      // A second job for the same message: as when a worker died after sending, before completing.
      await enqueue(t.context.db, EMAIL_QUEUE, { emailId: message!.id });
      await worker.runOnce();
    });
    assert.equal(smtp.received.length, 1);
    const jobs = await emailJobs(t);
    assert.equal(jobs.length, 2);
    assert.ok(jobs.every((j) => j.completedAt !== null));
  } finally {
    await t.close();
    await smtp.close();
  }
});

test('while the SMTP server is down each attempt is recorded and retried after the backoff; the mail goes out once it is back', async () => {
  const port = await freePort();
  const t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${port}` });
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>> | null = null;
  try {
    const { message } = await noticeFor(t, 'babushka@example.ru');
    await withWorker(t, async (worker) => {
      assert.equal(await worker.runOnce(), 1);
      let [row] = await t.context.db.select().from(emailMessage).where(eq(emailMessage.id, message!.id));
      assert.equal(row!.attempts, 1);
      assert.equal(row!.sentAt, null);
      assert.match(row!.lastError ?? '', /ECONNREFUSED/);
      let [queued] = await emailJobs(t);
      assert.equal(queued!.completedAt, null);
      assert.equal(queued!.failedAt, null);
      assert.equal(queued!.runAt.getTime(), t.clock.now().getTime() + 30_000, 'first retry after 30 s');

      // Not before the backoff has passed.
      assert.equal(await worker.runOnce(), 0);
      t.clock.advance(31_000);
      assert.equal(await worker.runOnce(), 1);
      [row] = await t.context.db.select().from(emailMessage).where(eq(emailMessage.id, message!.id));
      assert.equal(row!.attempts, 2);
      [queued] = await emailJobs(t);
      assert.equal(queued!.runAt.getTime(), t.clock.now().getTime() + 60_000, 'the backoff doubles');

      smtp = await startTestSmtpServer(port);
      t.clock.advance(61_000);
      assert.equal(await worker.runOnce(), 1);
    });
    assert.equal(smtp!.received.length, 1);
    assert.deepEqual(smtp!.received[0]!.to, ['babushka@example.ru']);
    const [row] = await t.context.db.select().from(emailMessage).where(eq(emailMessage.id, message!.id));
    assert.equal(row!.attempts, 3);
    assert.ok(row!.sentAt);
    assert.equal(row!.lastError, null);
    const [done] = await emailJobs(t);
    assert.ok(done!.completedAt);
    assert.equal(done!.attempts, 3);
  } finally {
    await t.close();
    await (smtp as Awaited<ReturnType<typeof startTestSmtpServer>> | null)?.close();
  }
});

test('without SMTP configured the message stays in the outbox marked not sent, and its job completes without retrying', async () => {
  const t = await createTestApp({ smtpUrl: undefined });
  try {
    const { message } = await noticeFor(t, 'tetya@example.ru');
    await withWorker(t, async (worker) => {
      await worker.runOnce();
      t.clock.advance(24 * hour);
      assert.equal(await worker.runOnce(), 0, 'nothing left to retry');
    });
    const [row] = await t.context.db.select().from(emailMessage).where(eq(emailMessage.id, message!.id));
    assert.equal(row!.sentAt, null);
    assert.equal(row!.lastError, SMTP_NOT_CONFIGURED);
    const [done] = await emailJobs(t);
    assert.ok(done!.completedAt);
    assert.equal(done!.attempts, 1);
  } finally {
    await t.close();
  }
});

test('a person without an e-mail address gets the inbox entry and no e-mail', async () => {
  const t = await createTestApp();
  try {
    const { message } = await noticeFor(t, null);
    assert.equal(message, undefined);
    assert.equal((await emailJobs(t)).length, 0);
  } finally {
    await t.close();
  }
});
