import { bigint, boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const account = pgTable('account', {
  id: uuid('id').primaryKey().defaultRandom(),
  login: text('login').notNull(),
  passwordHash: text('password_hash'),
  personId: uuid('person_id'),
  displayName: text('display_name').notNull(),
  totpSecret: text('totp_secret'),
  totpEnabled: boolean('totp_enabled').notNull().default(false),
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  disabledAt: timestamp('disabled_at', tz),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
});

export const roleGrant = pgTable('role_grant', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id').notNull(),
  role: text('role').notNull(),
  municipalityId: integer('municipality_id'),
  organizationId: uuid('organization_id'),
  grantedAt: timestamp('granted_at', tz).notNull().defaultNow(),
});

export const externalIdentity = pgTable(
  'external_identity',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    accountId: uuid('account_id').notNull(),
    linkedAt: timestamp('linked_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] })],
);

export const session = pgTable('session', {
  id: text('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  secondFactorPending: boolean('second_factor_pending').notNull().default(false),
  locale: text('locale').notNull().default('ru'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', tz).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', tz).notNull(),
});

export const loginAttempt = pgTable('login_attempt', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', tz).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', tz),
});

export const apiToken = pgTable('api_token', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  role: text('role').notNull(),
  municipalityId: integer('municipality_id'),
  organizationId: uuid('organization_id'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', tz),
  lastUsedAt: timestamp('last_used_at', tz),
  revokedAt: timestamp('revoked_at', tz),
});
