/**
 * Two real app processes on one PostgreSQL database, driven over real HTTP: everything a user's
 * next request may need — the session, its CSRF token, the failed-login counters — lives in the
 * database, so any process can serve any request (DESIGN.md, "Scale-out").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccount } from '../support/app.ts';
import { createTestDatabase, testOnPostgres } from '../support/database.ts';
import type { AppContext } from '../../src/platform/context.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface AppProcess {
  name: string;
  base: string;
  child: ChildProcess;
  output: () => string;
}

async function startProcess(name: string, databaseUrl: string): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DEMO_MODE: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process ${name} exited with ${child.exitCode}:\n${output}`);
    try {
      const ready = await fetch(`${base}/readyz`);
      if (ready.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`process ${name} was not ready in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { name, base, child, output: () => output };
}

async function stopProcess(p: AppProcess): Promise<void> {
  if (p.child.exitCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** A browser: one cookie jar, used against whichever process it is pointed at. */
class Browser {
  private cookies = new Map<string, string>();
  csrfToken = '';

  private remember(response: Response, body: string): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      if (!value || expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(body);
    if (match) this.csrfToken = match[1]!;
  }

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  async get(p: AppProcess, url: string): Promise<{ status: number; body: string; headers: Headers }> {
    const response = await fetch(p.base + url, { headers: { cookie: this.header() }, redirect: 'manual' });
    const body = await response.text();
    this.remember(response, body);
    return { status: response.status, body, headers: response.headers };
  }

  async post(p: AppProcess, url: string, form: Record<string, string>, csrfToken = this.csrfToken): Promise<{ status: number; body: string; location: string | null }> {
    const response = await fetch(p.base + url, {
      method: 'POST',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfToken, ...form }).toString(),
      redirect: 'manual',
    });
    const body = await response.text();
    this.remember(response, body);
    return { status: response.status, body, location: response.headers.get('location') };
  }
}

test('two app processes share sessions, CSRF tokens and failed-login counters through PostgreSQL', { timeout: 240_000 }, async (t) => {
  if (!testOnPostgres) {
    t.skip('needs PostgreSQL: set TEST_DATABASE_URL (PGlite is a single-process database, two processes cannot share it)');
    return;
  }
  const database = await createTestDatabase();
  const processes: AppProcess[] = [];
  try {
    const context = { db: database.handle.db } as AppContext;
    const user = await createAccount(context, [{ role: 'regionalAdmin' }], { displayName: 'Администратор Двух Процессов' });
    const victim = await createAccount(context, [{ role: 'guardian' }]);

    const [a, b] = await Promise.all([startProcess('A', database.url!), startProcess('B', database.url!)]);
    processes.push(a!, b!);

    // Failed logins counted by A and by B add up: the fifth locks the login on both.
    const attacker = new Browser();
    await attacker.get(a!, '/login');
    for (const [i, p] of [a, b, a, b, a].entries()) {
      const failed = await attacker.post(p!, '/login', { login: victim.login, password: `wrong-${i}-password` });
      assert.ok([401, 429].includes(failed.status), `attempt ${i + 1} on ${p!.name}: ${failed.status}`);
    }
    const locked = await attacker.post(b!, '/login', { login: victim.login, password: victim.password });
    assert.equal(locked.status, 429, 'B refuses the right password after failures counted on A and B');
    assert.match(locked.body, /временно заблокирован/);

    // Log in through A.
    const browser = new Browser();
    await browser.get(a!, '/login');
    const login = await browser.post(a!, '/login', { login: user.login, password: user.password, return: '/' });
    assert.equal(login.status, 303, login.body.slice(0, 500));
    assert.ok(browser.hasCookie('prostor_session'));

    // The session made by A is known to B.
    const onB = await browser.get(b!, '/');
    assert.equal(onB.status, 200);
    assert.match(onB.body, /Администратор Двух Процессов/);
    assert.match(onB.body, /Выйти/);
    assert.equal(onB.headers.get('cache-control'), 'no-store');

    // A's page gives the CSRF token; B accepts it, and refuses a wrong one.
    await browser.get(a!, '/');
    const tokenFromA = browser.csrfToken;
    assert.ok(tokenFromA.length >= 20);
    // (/logout is CSRF-protected; the display preferences form deliberately is not.)
    const refused = await browser.post(b!, '/logout', {}, 'x'.repeat(43));
    assert.equal(refused.status, 403);
    assert.match((await browser.get(b!, '/')).body, /Выйти/, 'the refused logout left the session alive');

    // The audit page answers on either process for the same session.
    for (const p of [a!, b!]) assert.equal((await browser.get(p, '/audit')).status, 200, `audit on ${p.name}`);

    // Logging out on B with A's token ends the session for A as well.
    const logout = await browser.post(b!, '/logout', {}, tokenFromA);
    assert.equal(logout.status, 303);
    const afterLogout = await browser.get(a!, '/');
    assert.doesNotMatch(afterLogout.body, /Выйти/);
    assert.equal((await browser.get(a!, '/audit')).status, 302, 'A sends the logged-out browser to log in');
  } catch (error) {
    for (const p of processes) process.stderr.write(`--- output of process ${p.name} ---\n${p.output()}\n`);
    throw error;
  } finally {
    await Promise.all(processes.map(stopProcess));
    await database.drop();
  }
});
