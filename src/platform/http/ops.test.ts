/**
 * Operations: health and readiness, Prometheus metrics without ids in labels, security
 * headers, no caching of personal pages, logs with request ids and without personal data,
 * configuration errors that name the variable, and 4xx (never 5xx) for malformed input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { buildApp } from '../../app.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { ManualClock, type AppContext } from '../context.ts';
import { connectDatabase } from '../db/connect.ts';
import { createAccount, createTestApp, loggedInAgent, Agent, type TestApp } from '../../../test/support/app.ts';
import { createTestDatabase, testOnPostgres } from '../../../test/support/database.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('healthz answers without the database; readyz answers 200 while the database does', async () => {
  const health = await t.app.inject({ url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  const ready = await t.app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().database, testOnPostgres ? 'postgres' : 'pglite');
});

test('readyz answers 503 when the database connection is closed, healthz still 200', async () => {
  // An app of its own over a separate connection, so closing it leaves the file's database alone.
  const handle = testOnPostgres ? await connectDatabase({ databaseUrl: t.database.url!, poolSize: 1 }) : await connectDatabase({});
  const context: AppContext = { ...t.context, database: handle, db: handle.db, clock: new ManualClock(new Date('2026-03-02T09:00:00Z')) };
  const app = await buildApp(context);
  await app.ready();
  try {
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    await handle.close();
    const down = await app.inject({ url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().status, 'unavailable');
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  } finally {
    await app.close();
  }
});

test('/metrics counts requests by route pattern, never by concrete id or file', async () => {
  await t.app.inject({ url: '/static/styles.css' });
  await t.app.inject({ url: '/api/v1/nothing/8f14e45f-ceea-467a-9f5a-1234567890ab?q=secret' });
  await t.app.inject({ url: '/healthz' });
  const metrics = await t.app.inject({ url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(String(metrics.headers['content-type']), /text\/plain/);
  const body = metrics.body;
  assert.match(body, /# TYPE prostor_http_requests_total counter/);
  assert.match(body, /prostor_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(body, /prostor_http_requests_total\{method="GET",route="\/static\/\*",status="200"\} \d+/);
  assert.match(body, /prostor_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
  assert.match(body, /prostor_http_request_duration_seconds_bucket/);
  assert.doesNotMatch(body, /8f14e45f|styles\.css|secret/);
});

test('pages carry security headers: CSP without unsafe-inline, frame-ancestors none, nosniff', async () => {
  const response = await t.app.inject({ url: '/login' });
  const csp = String(response.headers['content-security-policy']);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /object-src 'none'/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.ok(response.headers['referrer-policy']);
  assert.doesNotMatch(response.body, /<script>|<style>|\sstyle="/, 'no inline script or style');
});

test('a page viewed by a logged-in user is sent with Cache-Control: no-store', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = await loggedInAgent(t.app, who);
  for (const url of ['/', '/audit']) {
    const page = await agent.get(url);
    assert.equal(page.statusCode, 200, `${url}: ${page.body.slice(0, 300)}`);
    assert.equal(page.headers['cache-control'], 'no-store', url);
  }
});

test('logs carry a request id and never the query string, the password or the cookie', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const database = await createTestDatabase();
  const context: AppContext = {
    config: loadConfig({ LOG_LEVEL: 'info', DEMO_MODE: 'false', OVERLOAD_EVENT_LOOP_DELAY_MS: '0' }),
    database: database.handle,
    db: database.handle.db,
    clock: new ManualClock(new Date('2026-03-02T09:00:00Z')),
    // The production logger's settings, writing into the test's stream.
    logger: pino({ level: 'info', base: { service: 'prostor' } }, stream),
  };
  const app = await buildApp(context);
  await app.ready();
  const who = await createAccount(context, [{ role: 'regionalAdmin' }]);
  try {
    const agent = new Agent(app);
    await agent.get('/login?return=%2Faudit%3FentityId%3DIvanov-Petr');
    await agent.post('/login', { login: who.login, password: 'Secret-Password-123' });
    await agent.login(who.login);
    await agent.get('/audit?actor=ivanova.maria&entityId=SNILS-11223344595');
    await app.inject({ url: '/api/v1/audit?entityId=Sidorov', headers: { cookie: 'prostor_session=abc' } });
  } finally {
    await app.close();
    await database.drop();
  }
  const text = lines.join('\n');
  const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
  assert.ok(requestLines.length >= 5, 'one line per request');
  for (const line of requestLines) {
    assert.match(String(line.reqId), /^[0-9a-f-]{36}$/, 'each line has the request id');
    assert.ok(typeof line.route === 'string' && !String(line.route).includes('?'));
  }
  // A login is personal data too.
  for (const secret of ['Ivanov', 'Secret-Password', 'ivanova', 'SNILS-11223344595', 'Sidorov', 'prostor_session', '?', who.login]) {
    assert.ok(!text.includes(secret), `logs must not contain ${secret}`);
  }
});

test('an invalid PORT stops loadConfig with an error naming PORT', () => {
  assert.throws(
    () => loadConfig({ PORT: 'abc' }),
    (error: unknown) => error instanceof ConfigError && error.variable === 'PORT' && /PORT/.test(error.message),
  );
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT must be between/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
});

test('starting the server with PORT=abc exits non-zero and prints PORT', async () => {
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: 'abc', DEMO_MODE: 'false' }, timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
    );
  });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /PORT/);
});

test('malformed input to the API answers 4xx problem+json, never 5xx', async () => {
  const unsafe = t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/v1/') && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
  const targets = [...unsafe.map((r) => ({ method: r.method, url: r.url.replace(/:[A-Za-z]+/g, 'x') })), { method: 'POST', url: '/api/v1/audit' }];
  for (const target of targets) {
    const response = await t.app.inject({
      method: target.method as 'POST',
      url: target.url,
      headers: { 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${target.method} ${target.url} → ${response.statusCode}`);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/, `${target.method} ${target.url}`);
  }
  const agent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  const badQuery = await agent.api('GET', '/api/v1/audit?limit=abc&before=-3');
  assert.equal(badQuery.statusCode, 422);
  const wrongType = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
  assert.ok(wrongType.statusCode >= 400 && wrongType.statusCode < 500, String(wrongType.statusCode));
});
