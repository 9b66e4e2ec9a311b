/**
 * Login with a password (argon2id) and, for staff who enabled it, a TOTP code; logout.
 * Failed attempts are counted per login and per client address in the database; reaching the
 * limit locks the key for a while. Every login, failure and logout is audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { recordAudit } from '../audit/audit.ts';
import { errors, type FieldErrors } from '../errors.ts';
import { translate, type Message } from '../i18n/i18n.ts';
import { cookieOptions, SESSION_COOKIE } from '../http/request-context.ts';
import { safeReturnPath } from '../http/display.routes.ts';
import { sendPage } from '../../web/respond.tsx';
import { claimTotpStep, clearLoginFailures, completeSecondFactor, createSession, destroySession, findAccountByLogin, lockedUntil, recordLoginFailure } from './accounts.ts';
import { verifyPassword } from './passwords.ts';
import { totpStep } from './totp.ts';
import { LoginView, SecondFactorView, type DemoLogin } from './views/login.tsx';

export interface AuthRouteOptions {
  /** Demo accounts to list on the login page in demo mode. */
  demoLogins?: DemoLogin[];
  /** Extra ways to log in (the OIDC button), rendered under the form. */
  externalLogin?: { href: string; label: Message } | null;
}

// Minutes counted from the injected clock's "now", so tests and the demo see the true wait.
const lockedMessage = (until: Date, now: Date): Message => {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return {
    ru: `Слишком много неудачных попыток входа. Вход временно заблокирован, попробуйте через ${minutes} мин.`,
    en: `Too many failed attempts. Logging in is locked for ${minutes} min.`,
  };
};

export function registerAuthRoutes(app: FastifyInstance, context: AppContext, options: AuthRouteOptions = {}): void {
  const { config, db, clock } = context;
  const demoLogins = config.demoMode ? options.demoLogins ?? [] : [];

  function showLogin(request: FastifyRequest, reply: FastifyReply, state: { login?: string; returnTo: string; errors?: FieldErrors; formError?: Message | null }, status = 200) {
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Вход', en: 'Log in' }),
      <LoginView
        login={state.login ?? ''}
        returnTo={state.returnTo}
        errors={state.errors ?? {}}
        formError={state.formError ?? null}
        demoLogins={demoLogins}
        externalLogin={options.externalLogin ?? null}
      />,
      status,
    );
  }

  app.get('/login', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    if (request.actor.kind === 'account') return reply.redirect(safeReturnPath(query.return, '/account'));
    return showLogin(request, reply, { returnTo: safeReturnPath(query.return, '/account') });
  });

  app.post('/login', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const login = typeof body.login === 'string' ? body.login.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const returnTo = safeReturnPath(body.return, '/account');
    const fieldErrors: FieldErrors = {};
    if (!login) fieldErrors.login = { ru: 'Введите логин', en: 'Enter your login' };
    if (!password) fieldErrors.password = { ru: 'Введите пароль', en: 'Enter your password' };
    if (Object.keys(fieldErrors).length) return showLogin(request, reply, { login, returnTo, errors: fieldErrors }, 422);

    const now = clock.now();
    const loginKey = `login:${login}`;
    const ipKey = `ip:${request.ip}`;
    const lock = (await lockedUntil(db, loginKey, now)) ?? (await lockedUntil(db, ipKey, now));
    if (lock) {
      reply.header('retry-after', String(Math.ceil((lock.getTime() - now.getTime()) / 1000)));
      return showLogin(request, reply, { login, returnTo, formError: lockedMessage(lock, now) }, 429);
    }

    const account = await findAccountByLogin(db, login);
    const valid = (await verifyPassword(account?.passwordHash ?? null, password)) && !!account && !account.disabledAt;
    if (!valid) {
      const limits = { now, maxFailures: config.loginMaxFailures, lockoutMinutes: config.loginLockoutMinutes };
      const { locked } = await recordLoginFailure(db, loginKey, limits);
      // A client address gets more tries than one login: a family shares one home address.
      await recordLoginFailure(db, ipKey, { ...limits, maxFailures: config.loginMaxFailures * 4 });
      await recordAudit(db, request.auditOrigin, {
        action: 'login-failed',
        entityType: 'account',
        entityId: account?.id ?? null,
        details: { reason: account ? 'bad-password' : 'unknown-login' },
      });
      const formError: Message = locked
        ? lockedMessage(new Date(now.getTime() + config.loginLockoutMinutes * 60_000), now)
        : { ru: 'Неверный логин или пароль', en: 'Wrong login or password' };
      return showLogin(request, reply, { login, returnTo, formError }, locked ? 429 : 401);
    }

    await clearLoginFailures(db, loginKey);
    if (request.userSession) await destroySession(db, request.userSession.id);
    const session = await createSession(db, account.id, {
      now,
      idleMinutes: config.sessionIdleMinutes,
      secondFactorPending: account.totpEnabled,
      locale: request.locale,
    });
    reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(context));
    if (account.totpEnabled) {
      return reply.code(303).redirect(`/login/second-factor?return=${encodeURIComponent(returnTo)}`);
    }
    await recordAudit(db, { ...request.auditOrigin, actor: { kind: 'account', accountId: account.id, personId: account.personId, displayName: account.displayName, grants: [], via: 'session' } }, {
      action: 'login',
      entityType: 'account',
      entityId: account.id,
      details: { method: 'password' },
    });
    return reply.code(303).redirect(returnTo);
  });

  app.get('/login/second-factor', { schema: { hide: true } }, async (request, reply) => {
    if (!request.userSession?.secondFactorPending) return reply.redirect('/login');
    const query = request.query as Record<string, unknown>;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Код подтверждения', en: 'Verification code' }),
      <SecondFactorView returnTo={safeReturnPath(query.return, '/account')} error={null} />,
    );
  });

  app.post('/login/second-factor', { schema: { hide: true } }, async (request, reply) => {
    const pending = request.userSession;
    if (!pending?.secondFactorPending) return reply.code(303).redirect('/login');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code : '';
    const returnTo = safeReturnPath(body.return, '/account');
    const now = clock.now();
    const key = `totp:${pending.account.id}`;
    const lock = await lockedUntil(db, key, now);
    const account = pending.account;
    const step = !lock && account.totpSecret ? totpStep(account.totpSecret, code, now) : null;
    // A code already used (a replay, or a second login with the same code) is refused.
    const accepted = step !== null && (await claimTotpStep(db, account.id, step));
    if (lock || !accepted) {
      if (!lock) await recordLoginFailure(db, key, { now, maxFailures: config.loginMaxFailures, lockoutMinutes: config.loginLockoutMinutes });
      await recordAudit(db, request.auditOrigin, { action: 'login-failed', entityType: 'account', entityId: account.id, details: { reason: 'bad-totp' } });
      const error: Message = lock
        ? lockedMessage(lock, now)
        : { ru: 'Код не подошёл. Введите 6 цифр из приложения', en: 'The code did not match. Enter the 6 digits from your app' };
      return sendPage(request, reply, translate(request.locale, { ru: 'Код подтверждения', en: 'Verification code' }), <SecondFactorView returnTo={returnTo} error={error} />, lock ? 429 : 401);
    }
    await clearLoginFailures(db, key);
    await completeSecondFactor(db, pending.id);
    await recordAudit(db, { ...request.auditOrigin, actor: { kind: 'account', accountId: account.id, personId: account.personId, displayName: account.displayName, grants: [], via: 'session' } }, {
      action: 'login',
      entityType: 'account',
      entityId: account.id,
      details: { method: 'password+totp' },
    });
    return reply.code(303).redirect(returnTo);
  });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    if (request.userSession) {
      await destroySession(db, request.userSession.id);
      if (request.actor.kind === 'account') {
        await recordAudit(db, request.auditOrigin, { action: 'logout', entityType: 'account', entityId: request.actor.accountId });
      }
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(303).redirect('/');
  });

  // Any other method on /logout is a mistake; GET must never log out (CSRF by image tag).
  app.get('/logout', { schema: { hide: true } }, async () => {
    throw errors.notFound();
  });
}
