/**
 * A whole app over a fresh test database, driven with `app.inject()`; a manual clock; and
 * helpers to create accounts and log in as them.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Grant, Role } from '../../src/platform/access/access.ts';
import { ManualClock, type AppContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { account, roleGrant } from '../../src/platform/auth/auth.schema.ts';
import { hashPassword } from '../../src/platform/auth/passwords.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  context: AppContext;
  clock: ManualClock;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', DEMO_MODE: 'false', OVERLOAD_EVENT_LOOP_DELAY_MS: '0' }), ...overrides };
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context: AppContext = { config, database: database.handle, db: database.handle.db, clock, logger: createLogger('silent') };
  const app = await buildApp(context);
  await app.ready();
  return {
    app,
    context,
    clock,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

// argon2 takes ~50 ms; tests share one hash of the standard password.
export const testPassword = 'correct-horse-battery';
let testPasswordHash: Promise<string> | null = null;

let counter = 0;

export interface TestAccount {
  id: string;
  login: string;
  password: string;
}

/** An account holding the given grants (role + scope); personId links it to a person. */
export async function createAccount(
  context: AppContext,
  grants: Array<{ role: Role; municipalityId?: number | null; organizationId?: string | null }>,
  options: { personId?: string; login?: string; displayName?: string } = {},
): Promise<TestAccount> {
  testPasswordHash ??= hashPassword(testPassword);
  counter += 1;
  const login = options.login ?? `user${counter}-${grants.map((g) => g.role).join('-').toLowerCase()}`;
  const [row] = await context.db
    .insert(account)
    .values({ login, passwordHash: await testPasswordHash, displayName: options.displayName ?? `Тестовый ${counter}`, personId: options.personId ?? null })
    .returning({ id: account.id });
  for (const g of grants) {
    await context.db.insert(roleGrant).values({ accountId: row!.id, role: g.role, municipalityId: g.municipalityId ?? null, organizationId: g.organizationId ?? null });
  }
  return { id: row!.id, login, password: testPassword };
}

/** A browser-like agent: keeps cookies, knows its CSRF token, logs in through the real form. */
export class Agent {
  private cookies = new Map<string, string>();
  csrfToken = '';

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match) this.csrfToken = match[1]!;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(response);
    return response;
  }

  /** Posts a form as a browser would, with the CSRF token of the last page seen. */
  async post(url: string, form: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    if (!this.csrfToken) await this.get('/login');
    const body = new URLSearchParams();
    body.append('_csrf', this.csrfToken);
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.remember(response);
    return response;
  }

  /** A JSON API call authenticated by this agent's session cookie (with the CSRF header). */
  async api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, json?: unknown): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: { cookie: this.cookieHeader(), 'x-csrf-token': this.csrfToken, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(json !== undefined ? { payload: JSON.stringify(json) } : {}),
    });
  }

  async login(login: string, password = testPassword): Promise<LightMyRequestResponse> {
    await this.get('/login');
    const response = await this.post('/login', { login, password });
    if (response.statusCode === 303 && !response.headers.location?.toString().startsWith('/login')) {
      await this.get(String(response.headers.location));
    }
    return response;
  }
}

export async function loggedInAgent(app: FastifyInstance, who: TestAccount): Promise<Agent> {
  const agent = new Agent(app);
  const response = await agent.login(who.login, who.password);
  if (response.statusCode !== 303) throw new Error(`login of ${who.login} failed: ${response.statusCode}`);
  return agent;
}

export type { Grant };
