/**
 * The personal account: who I am and with which roles, the TOTP second factor for staff, and
 * API tokens for integrations — as pages under /account and as JSON under /api/v1.
 */
import { isUuid } from '../validation.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { authorize, can, roles, type Actor, type Grant } from '../access/access.ts';
import { auditPolicy } from '../audit/audit.policy.ts';
import type { AppContext } from '../context.ts';
import { AppError, errors, type FieldErrors } from '../errors.ts';
import { translate, type Message } from '../i18n/i18n.ts';
import { noStore } from '../http/request-context.ts';
import { sendPage } from '../../web/respond.tsx';
import { accountPolicy, apiTokenPolicy, tokenGrantsOf } from './account.policy.ts';
import {
  accountOverview,
  confirmTotpEnrolment,
  describeGrants,
  disableTotp,
  pendingTotpSecret,
  startTotpEnrolment,
  type CodeCheck,
} from './account.service.ts';
import { issueApiToken, listApiTokens, revokeApiToken, type ApiTokenItem } from './api-tokens.ts';
import { findAccountById } from './accounts.ts';
import { totpFor } from './totp.ts';
import { AccountView, type AccountLink } from './views/account.tsx';
import { ApiTokenCreatedView, emptyTokenForm, parseGrantKey, type TokenFormState } from './views/account-tokens.tsx';
import { AccountTotpEnrolView } from './views/account-totp.tsx';

type AccountActor = Extract<Actor, { kind: 'account' }>;


/** Messages after a post/redirect/get, chosen by a fixed key in the query (never free text). */
const notices: Record<string, Message> = {
  'totp-on': { ru: 'Вход с кодом подтверждения включён.', en: 'Login with a verification code is on.' },
  'totp-off': { ru: 'Вход с кодом подтверждения отключён.', en: 'Login with a verification code is off.' },
  'token-revoked': { ru: 'Токен отозван и больше не работает.', en: 'The token is revoked and no longer works.' },
};

const codeMessages = {
  wrong: { ru: 'Код не подошёл. Введите 6 цифр, которые сейчас показывает приложение', en: 'The code did not match. Enter the 6 digits the app shows now' },
  locked: (until: Date, now: Date): Message => {
    const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
    return {
      ru: `Слишком много неверных кодов. Попробуйте через ${minutes} мин.`,
      en: `Too many wrong codes. Try again in ${minutes} min.`,
    };
  },
};

/** Until the end of the chosen day in the region's zone (Europe/Moscow, UTC+3 all year since 2014). */
function parseExpiryDate(value: string): Date | null | 'invalid' {
  const trimmed = value.trim();
  if (!trimmed) return null;
  // A date field sends YYYY-MM-DD; a browser without one lets people type DD.MM.YYYY.
  const isoMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const ruMatch = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(trimmed);
  const [year, month, day] = isoMatch ? [isoMatch[1], isoMatch[2], isoMatch[3]] : ruMatch ? [ruMatch[3], ruMatch[2], ruMatch[1]] : [];
  if (!year || !month || !day) return 'invalid';
  const start = Date.parse(`${year}-${month}-${day}T00:00:00+03:00`);
  // Date.parse rolls 31.02 over into March; a date that does not survive the round trip is not a date.
  if (Number.isNaN(start) || new Date(start + 3 * 3600_000).getUTCDate() !== Number(day)) return 'invalid';
  return new Date(start + 24 * 3600_000);
}

// JSON schemas ---------------------------------------------------------------------------------

const GrantSchema = Type.Object({
  role: Type.Union(roles.map((r) => Type.Literal(r))),
  municipalityId: Type.Union([Type.Integer(), Type.Null()]),
  organizationId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
});

const MeSchema = Type.Object({
  accountId: Type.String({ format: 'uuid' }),
  displayName: Type.String(),
  via: Type.Union([Type.Literal('session'), Type.Literal('apiToken')]),
  grants: Type.Array(GrantSchema),
});

const nullableDateTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const TokenSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  grant: GrantSchema,
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: nullableDateTime,
  lastUsedAt: nullableDateTime,
  revokedAt: nullableDateTime,
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});

const TokenListSchema = Type.Object({ items: Type.Array(TokenSchema) });

const NewTokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'What the token is for, to tell tokens apart' }),
    role: Type.Union(roles.map((r) => Type.Literal(r)), { description: 'One of your own grants: its role…' }),
    municipalityId: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: '…and its scope' })),
    organizationId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Absent or null: until revoked' })),
  },
  { additionalProperties: false },
);

const IssuedTokenSchema = Type.Object({
  token: Type.String({ description: 'Shown once: only its SHA-256 is stored' }),
  apiToken: TokenSchema,
});

const TokenParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

function tokenJson(item: ApiTokenItem): Static<typeof TokenSchema> {
  return {
    id: item.id,
    name: item.name,
    grant: item.grant,
    createdAt: item.createdAt.toISOString(),
    expiresAt: item.expiresAt?.toISOString() ?? null,
    lastUsedAt: item.lastUsedAt?.toISOString() ?? null,
    revokedAt: item.revokedAt?.toISOString() ?? null,
    status: item.status,
  };
}

// Routes ---------------------------------------------------------------------------------------

export function registerAccountRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, clock, config } = context;
  const codeLimits = () => ({ now: clock.now(), maxFailures: config.loginMaxFailures, lockoutMinutes: config.loginLockoutMinutes });

  /** Authenticate and authorize in one step: the account actor, or 401 / 403. */
  function accountActor(request: FastifyRequest, action: 'view' | 'useTotp' | 'manageApiTokens'): AccountActor {
    authorize(request.actor, accountPolicy, action, null);
    return request.actor as AccountActor;
  }

  function linksFor(actor: AccountActor): AccountLink[] {
    const links: AccountLink[] = [{ href: '/organizations', label: { ru: 'Реестр образовательных организаций', en: 'Registry of educational organisations' } }];
    if (can(actor, auditPolicy, 'browse', null)) links.push({ href: '/audit', label: { ru: 'Журнал аудита', en: 'Audit log' } });
    if (can(actor, accountPolicy, 'manageApiTokens', null)) links.push({ href: '/api/docs', label: { ru: 'Документация API для интеграций', en: 'API documentation for integrations' } });
    return links;
  }

  async function showAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: AccountActor,
    state: { notice?: Message | null; disableError?: Message | null; tokenForm?: TokenFormState },
    status = 200,
  ) {
    const now = clock.now();
    const overview = await accountOverview(db, actor.accountId, actor.grants, now);
    if (!overview) throw errors.unauthenticated();
    const useTotp = can(actor, accountPolicy, 'useTotp', null);
    const manageTokens = can(actor, accountPolicy, 'manageApiTokens', null);
    const tokenGrantKeys = new Set(tokenGrantsOf(actor).map((g) => `${g.role}:${g.municipalityId}:${g.organizationId}`));
    noStore(reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Личный кабинет', en: 'My account' }),
      <AccountView
        overview={overview}
        links={linksFor(actor)}
        notice={state.notice ?? null}
        totp={useTotp ? { disableError: state.disableError ?? null } : null}
        tokens={
          manageTokens
            ? {
                items: await listApiTokens(db, actor.accountId, now),
                options: overview.grants.filter((d) => tokenGrantKeys.has(`${d.grant.role}:${d.grant.municipalityId}:${d.grant.organizationId}`)),
                form: state.tokenForm ?? emptyTokenForm,
              }
            : null
        }
      />,
      status,
    );
  }

  function codeError(reply: FastifyReply, check: CodeCheck): { message: Message; status: number } {
    if (!check.ok && check.reason === 'locked' && check.lockedUntil) {
      const now = clock.now();
      reply.header('retry-after', String(Math.max(1, Math.ceil((check.lockedUntil.getTime() - now.getTime()) / 1000))));
      return { message: codeMessages.locked(check.lockedUntil, now), status: 429 };
    }
    return { message: codeMessages.wrong, status: 422 };
  }

  // Pages --------------------------------------------------------------------------------------

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const actor = accountActor(request, 'view');
    const done = (request.query as Record<string, unknown>).done;
    return showAccount(request, reply, actor, { notice: typeof done === 'string' ? notices[done] ?? null : null });
  });

  app.post('/account/totp/start', { schema: { hide: true } }, async (request, reply) => {
    const actor = accountActor(request, 'useTotp');
    await startTotpEnrolment(db, actor.accountId);
    return reply.code(303).redirect('/account/totp');
  });

  async function showEnrolment(request: FastifyRequest, reply: FastifyReply, actor: AccountActor, error: Message | null, status = 200) {
    const secret = await pendingTotpSecret(db, actor.accountId);
    if (!secret) return reply.code(303).redirect('/account');
    const account = await findAccountById(db, actor.accountId);
    noStore(reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Включение кода подтверждения', en: 'Turn on the verification code' }),
      <AccountTotpEnrolView secret={secret} uri={totpFor(secret, account?.login ?? 'prostor').toString()} error={error} />,
      status,
    );
  }

  app.get('/account/totp', { schema: { hide: true } }, async (request, reply) => {
    const actor = accountActor(request, 'useTotp');
    return showEnrolment(request, reply, actor, null);
  });

  app.post('/account/totp/confirm', { schema: { hide: true } }, async (request, reply) => {
    const actor = accountActor(request, 'useTotp');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code : '';
    const check = await confirmTotpEnrolment(db, request.auditOrigin, actor.accountId, code, codeLimits());
    if (check.ok) return reply.code(303).redirect('/account?done=totp-on');
    if (check.reason === 'not-pending') return reply.code(303).redirect('/account');
    const { message, status } = codeError(reply, check);
    return showEnrolment(request, reply, actor, message, status);
  });

  app.post('/account/totp/disable', { schema: { hide: true } }, async (request, reply) => {
    const actor = accountActor(request, 'useTotp');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code : '';
    const check = await disableTotp(db, request.auditOrigin, actor.accountId, code, codeLimits());
    if (check.ok) return reply.code(303).redirect('/account?done=totp-off');
    if (check.reason === 'not-enabled') return reply.code(303).redirect('/account');
    const { message, status } = codeError(reply, check);
    return showAccount(request, reply, actor, { disableError: message }, status);
  });

  app.post('/account/tokens', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: TokenFormState = {
      name: typeof body.name === 'string' ? body.name : '',
      grant: typeof body.grant === 'string' ? body.grant : '',
      expiresAt: typeof body.expiresAt === 'string' ? body.expiresAt : '',
      errors: {},
    };
    const actor = accountActor(request, 'manageApiTokens');
    const grant = parseGrantKey(form.grant);
    const expiresAt = parseExpiryDate(form.expiresAt);
    const fieldErrors: FieldErrors = {};
    if (!grant) fieldErrors.grant = { ru: 'Выберите роль и область', en: 'Choose a role and scope' };
    if (expiresAt === 'invalid') fieldErrors.expiresAt = { ru: 'Введите дату в формате ДД.ММ.ГГГГ', en: 'Enter a date as DD.MM.YYYY' };
    if (Object.keys(fieldErrors).length || !grant || expiresAt === 'invalid') {
      return showAccount(request, reply, actor, { tokenForm: { ...form, errors: fieldErrors } }, 422);
    }
    authorize(actor, apiTokenPolicy, 'issue', { grant });
    try {
      const issued = await issueApiToken(db, request.auditOrigin, actor.accountId, { name: form.name, grant, expiresAt }, clock.now());
      noStore(reply);
      return sendPage(
        request,
        reply,
        translate(request.locale, { ru: 'Токен создан', en: 'Token created' }),
        // Rendered, not redirected: the token exists only in this response (we keep its digest).
        <ApiTokenCreatedView token={issued.token} item={issued.item} grants={await describeGrants(db, [grant])} />,
      );
    } catch (error) {
      if (error instanceof AppError && (error.status === 422 || error.status === 409)) {
        const errorsShown = Object.keys(error.fields).length ? error.fields : { name: error.userMessage };
        return showAccount(request, reply, actor, { tokenForm: { ...form, errors: errorsShown } }, error.status);
      }
      throw error;
    }
  });

  app.post('/account/tokens/:id/revoke', { schema: { hide: true } }, async (request, reply) => {
    const actor = accountActor(request, 'manageApiTokens');
    const { id } = request.params as { id: string };
    if (!isUuid(id)) throw errors.notFound();
    await revokeApiToken(db, request.auditOrigin, actor.accountId, id, clock.now());
    return reply.code(303).redirect('/account?done=token-revoked');
  });

  // JSON API -----------------------------------------------------------------------------------

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Who am I: the account and the grants this request acts with',
        description: 'With an API token, `grants` holds only the token’s one grant.',
        response: { 200: MeSchema },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (actor.kind !== 'account') throw errors.unauthenticated();
      return { accountId: actor.accountId, displayName: actor.displayName, via: actor.via, grants: actor.grants } satisfies Static<typeof MeSchema>;
    },
  );

  app.get(
    '/api/v1/account/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'My API tokens, newest first',
        description: 'Needs a session (a token cannot manage tokens). The list is bounded: at most 20 live tokens per account.',
        response: { 200: TokenListSchema },
      },
    },
    async (request) => {
      const actor = accountActor(request, 'manageApiTokens');
      const items = await listApiTokens(db, actor.accountId, clock.now());
      return { items: items.map(tokenJson) };
    },
  );

  app.post(
    '/api/v1/account/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'Issue an API token acting with one of my grants',
        description: 'Needs a session and the `X-CSRF-Token` header. The token is returned once; only its SHA-256 is kept.',
        body: NewTokenSchema,
        response: { 201: IssuedTokenSchema },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof NewTokenSchema>;
      const actor = accountActor(request, 'manageApiTokens');
      const grant: Grant = { role: body.role, municipalityId: body.municipalityId ?? null, organizationId: body.organizationId ?? null };
      authorize(actor, apiTokenPolicy, 'issue', { grant });
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      const issued = await issueApiToken(db, request.auditOrigin, actor.accountId, { name: body.name, grant, expiresAt }, clock.now());
      noStore(reply);
      return reply.code(201).send({ token: issued.token, apiToken: tokenJson(issued.item) });
    },
  );

  app.delete(
    '/api/v1/account/tokens/:id',
    {
      schema: {
        tags: ['account'],
        summary: 'Revoke one of my API tokens',
        params: TokenParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = accountActor(request, 'manageApiTokens');
      const { id } = request.params as Static<typeof TokenParams>;
      await revokeApiToken(db, request.auditOrigin, actor.accountId, id, clock.now());
      return reply.code(204).send();
    },
  );
}
