/**
 * The only reader of process.env. Every variable has a type, a default and a one-line
 * comment; an invalid value stops the process with a message naming the variable.
 */
import path from 'node:path';

export interface Config {
  /** TCP port the HTTP server listens on. */
  port: number;
  /** Interface to bind; 0.0.0.0 behind a reverse proxy. */
  host: string;
  /** Directory of the embedded PostgreSQL (PGlite) when DATABASE_URL is not set. */
  dataDir: string;
  /** postgres://… selects a real PostgreSQL instead of the embedded one. */
  databaseUrl: string | undefined;
  /** Connections to PostgreSQL per process: about twice the database's cores over all processes. */
  databasePoolSize: number;
  /** Base URL users see (used for OIDC redirects and links in e-mails). */
  publicUrl: string;
  /** Demo mode: seed the demo region on first start and list demo logins on the login page. */
  demoMode: boolean;
  /** Scale of the demo region seeded on first start (1 ≈ the whole Krai). */
  demoScale: number;
  /** Seed of the deterministic demo generator. */
  demoSeed: number;
  /** Mark cookies Secure (set when served over TLS). */
  secureCookies: boolean;
  /** Trust X-Forwarded-* headers from a reverse proxy. */
  trustProxy: boolean;
  /** Session lifetime without activity, minutes. */
  sessionIdleMinutes: number;
  /** Failed logins before a temporary lockout. */
  loginMaxFailures: number;
  /** Lockout duration after too many failed logins, minutes. */
  loginLockoutMinutes: number;
  /** pino log level. */
  logLevel: string;
  /** OpenID Connect issuer of the state identity provider (ESIA-like); empty disables it. */
  oidcIssuer: string | undefined;
  /** OIDC client id registered with the provider. */
  oidcClientId: string | undefined;
  /** OIDC client secret. */
  oidcClientSecret: string | undefined;
  /** Name of the OIDC provider shown on the login button. */
  oidcDisplayName: string;
  /** Run background job workers in this process. */
  runWorkers: boolean;
  /** SMTP server for e-mail notices, e.g. smtp://user:pass@mail.example:587; absent → kept in the outbox only. */
  smtpUrl: string | undefined;
  /** Sender address of e-mail notices. */
  mailFrom: string;
  /** Shed load (503 + Retry-After) when the event loop lags more than this, ms; 0 turns it off. */
  overloadEventLoopDelayMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Configuration error: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}`);
  }
  return raw;
}

/** Reads and validates the configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const oidcIssuer = url(env, 'OIDC_ISSUER', ['http:', 'https:']);
  const oidcClientId = env.OIDC_CLIENT_ID || undefined;
  const oidcClientSecret = env.OIDC_CLIENT_SECRET || undefined;
  if (oidcIssuer && !oidcClientId) throw new ConfigError('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set');
  if (oidcIssuer && !oidcClientSecret) throw new ConfigError('OIDC_CLIENT_SECRET', 'is required when OIDC_ISSUER is set');
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  return {
    port,
    host,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    publicUrl: publicUrl.replace(/\/$/, ''),
    demoMode: boolean(env, 'DEMO_MODE', true),
    demoScale: number(env, 'DEMO_SCALE', 0.02, 0.0001, 2),
    demoSeed: integer(env, 'DEMO_SEED', 1, 0, 2 ** 31 - 1),
    secureCookies: boolean(env, 'SECURE_COOKIES', publicUrl.startsWith('https:')),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60, 1, 60 * 24 * 30),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockoutMinutes: integer(env, 'LOGIN_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    logLevel,
    oidcIssuer,
    oidcClientId,
    oidcClientSecret,
    oidcDisplayName: env.OIDC_DISPLAY_NAME || 'Госуслуги',
    runWorkers: boolean(env, 'RUN_WORKERS', true),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || 'Простор <noreply@prostor.example>',
    overloadEventLoopDelayMs: integer(env, 'OVERLOAD_EVENT_LOOP_DELAY_MS', 1000, 0, 60_000),
  };
}
