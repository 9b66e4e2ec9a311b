/**
 * `GET /login/oidc` sends the browser to the external identity provider (ESIA-like);
 * `GET /login/oidc/callback` finishes the login there (see oidc.ts for the flow and the
 * linking rules). Every refusal is a Russian page with a 4xx status (503 when the provider is
 * down) and a way back to the login form; none is a stack trace.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { AppContext } from '../context.ts';
import { translate, type Message } from '../i18n/i18n.ts';
import { cookieOptions, noStore, SESSION_COOKIE } from '../http/request-context.ts';
import { safeReturnPath } from '../http/display.routes.ts';
import { sendPage } from '../../web/respond.tsx';
import { useT } from '../../web/page-context.ts';
import { safeEqual } from './tokens.ts';
import {
  beginOidcLogin,
  completeOidcLogin,
  finishOidcLogin,
  OIDC_CALLBACK_PATH,
  OIDC_STATE_COOKIE,
  OIDC_STATE_TTL_MINUTES,
  OidcLoginError,
  oidcProviderFromConfig,
  recordOidcFailure,
  takeOidcLoginState,
  type OidcFailure,
} from './oidc.ts';

/** The button on the login page, when a provider is configured (for registerAuthRoutes). */
export function oidcLoginButton(config: Config): { href: string; label: Message } | null {
  if (!config.oidcIssuer) return null;
  return {
    href: '/login/oidc',
    label: { ru: `Войти через ${config.oidcDisplayName}`, en: `Log in with ${config.oidcDisplayName}` },
  };
}

interface FailurePage {
  status: number;
  title: Message;
  text: Message;
  /** Whether starting over at the provider may help. */
  retry: boolean;
}

function failurePage(reason: OidcFailure, provider: string): FailurePage {
  switch (reason) {
    case 'provider-unavailable':
      return {
        // The provider, not the user, is at fault: 503 tells monitoring and proxies so too.
        status: 503,
        title: { ru: `Вход через ${provider} временно недоступен`, en: `Logging in with ${provider} is unavailable` },
        text: {
          ru: `Сервис ${provider} сейчас не отвечает. Попробуйте войти через несколько минут или войдите по логину и паролю.`,
          en: `${provider} is not answering. Try again in a few minutes or log in with your login and password.`,
        },
        retry: true,
      };
    case 'state-mismatch':
      return {
        status: 400,
        title: { ru: 'Не удалось подтвердить вход', en: 'The login could not be confirmed' },
        text: {
          ru: 'Ответ о входе не относится к этому браузеру или уже был использован. Начните вход заново.',
          en: 'The login response does not belong to this browser or was already used. Start again.',
        },
        retry: true,
      };
    case 'state-expired':
      return {
        status: 400,
        title: { ru: 'Время на вход истекло', en: 'The login took too long' },
        text: {
          ru: `Вход нужно завершить за ${OIDC_STATE_TTL_MINUTES} минут, или эта ссылка уже была использована. Начните вход заново.`,
          en: `A login must be finished within ${OIDC_STATE_TTL_MINUTES} minutes, or this link was already used. Start again.`,
        },
        retry: true,
      };
    case 'access-denied':
      return {
        status: 403,
        title: { ru: 'Вход отменён', en: 'Login cancelled' },
        text: {
          ru: `Вход через ${provider} был отменён или доступ к данным не предоставлен. Попробуйте снова или войдите по логину и паролю.`,
          en: `The login with ${provider} was cancelled or access to your data was not granted. Try again or log in with your login and password.`,
        },
        retry: true,
      };
    case 'provider-error':
      return {
        status: 400,
        title: { ru: `Не удалось войти через ${provider}`, en: `Could not log in with ${provider}` },
        text: {
          ru: `${provider} не подтвердил вход. Попробуйте ещё раз; если ошибка повторится, войдите по логину и паролю.`,
          en: `${provider} did not confirm the login. Try again; if it happens again, log in with your login and password.`,
        },
        retry: true,
      };
    case 'no-snils':
      return {
        status: 403,
        title: { ru: 'Не получен СНИЛС', en: 'No SNILS received' },
        text: {
          ru: `Для входа нужен СНИЛС из вашей учётной записи ${provider}. Укажите СНИЛС в профиле ${provider}, разрешите доступ к нему при входе и попробуйте снова.`,
          en: `Logging in needs the SNILS from your ${provider} account. Add it to your ${provider} profile, allow access to it when logging in, and try again.`,
        },
        retry: true,
      };
    case 'unknown-person':
      return {
        status: 403,
        title: { ru: 'Ваша учётная запись не найдена в реестре', en: 'Your account is not in the registry' },
        text: {
          ru:
            'Человек с вашим СНИЛС не найден в реестре «Простора». Обратитесь в детский сад или школу вашего ребёнка ' +
            'либо в управление образования вашего муниципалитета: вас внесут в реестр с указанием СНИЛС, и после этого вход заработает.',
          en:
            'Nobody with your SNILS is in the Prostor registry. Contact your child’s kindergarten or school, or the education ' +
            'department of your municipality: once they record you with your SNILS, you will be able to log in.',
        },
        retry: false,
      };
    case 'account-disabled':
      return {
        status: 403,
        title: { ru: 'Учётная запись заблокирована', en: 'The account is disabled' },
        text: {
          ru: 'Ваша учётная запись в «Просторе» заблокирована. Обратитесь к администратору вашей организации.',
          en: 'Your Prostor account is disabled. Contact the administrator of your organisation.',
        },
        retry: false,
      };
  }
}

function FailureView(props: { page: FailurePage }) {
  const t = useT();
  return (
    <>
      <h1>{t(props.page.title)}</h1>
      <p>{t(props.page.text)}</p>
      <ul class="actions">
        {props.page.retry && (
          <li>
            <a href="/login/oidc">{t({ ru: 'Начать вход заново', en: 'Start again' })}</a>
          </li>
        )}
        <li>
          <a href="/login">{t({ ru: 'Войти по логину и паролю', en: 'Log in with login and password' })}</a>
        </li>
        <li>
          <a href="/">{t({ ru: 'На главную', en: 'Go to the home page' })}</a>
        </li>
      </ul>
    </>
  );
}

export function registerOidcRoutes(app: FastifyInstance, context: AppContext): void {
  const { config, db, clock } = context;
  const provider = oidcProviderFromConfig(config, context.logger);
  if (!provider) return;
  const stateCookie = { ...cookieOptions(context, OIDC_STATE_TTL_MINUTES * 60), path: '/login/oidc' };

  function refuse(request: FastifyRequest, reply: FastifyReply, reason: OidcFailure): FastifyReply {
    const page = failurePage(reason, config.oidcDisplayName);
    request.log.info({ reason }, 'oidc login refused');
    noStore(reply);
    if (page.status === 503) reply.header('retry-after', '60');
    return sendPage(request, reply, translate(request.locale, page.title), <FailureView page={page} />, page.status);
  }

  app.get('/login/oidc', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const returnTo = safeReturnPath(query.return, '/account');
    if (request.actor.kind === 'account') return reply.redirect(returnTo);
    try {
      const { state, authorizationUrl } = await beginOidcLogin(db, provider, { now: clock.now(), returnTo });
      noStore(reply);
      reply.setCookie(OIDC_STATE_COOKIE, state, stateCookie);
      return reply.redirect(authorizationUrl.href);
    } catch (error) {
      if (error instanceof OidcLoginError) return refuse(request, reply, error.reason);
      throw error;
    }
  });

  app.get(OIDC_CALLBACK_PATH, { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const sentState = typeof query.state === 'string' ? query.state : '';
    const cookieState = request.cookies[OIDC_STATE_COOKIE] ?? '';
    reply.clearCookie(OIDC_STATE_COOKIE, { path: stateCookie.path });
    const now = clock.now();

    // The callback must come back to the browser that started the login (no login CSRF).
    if (!sentState || !cookieState || !safeEqual(sentState, cookieState)) {
      await recordOidcFailure(db, request.auditOrigin, 'state-mismatch', { issuer: provider.issuer });
      return refuse(request, reply, 'state-mismatch');
    }
    const pending = await takeOidcLoginState(db, sentState, now);
    if (!pending) {
      await recordOidcFailure(db, request.auditOrigin, 'state-expired', { issuer: provider.issuer });
      return refuse(request, reply, 'state-expired');
    }
    if (typeof query.error === 'string') {
      const reason: OidcFailure = query.error === 'access_denied' ? 'access-denied' : 'provider-error';
      await recordOidcFailure(db, request.auditOrigin, reason, { issuer: provider.issuer });
      return refuse(request, reply, reason);
    }

    try {
      const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const identity = await finishOidcLogin(provider, search, sentState, pending);
      const result = await completeOidcLogin(db, request.auditOrigin, identity, {
        now,
        idleMinutes: config.sessionIdleMinutes,
        locale: request.locale,
        previousSessionId: request.userSession?.id ?? null,
      });
      reply.setCookie(SESSION_COOKIE, result.session.token, cookieOptions(context));
      if (result.secondFactorPending) {
        return reply.code(303).redirect(`/login/second-factor?return=${encodeURIComponent(pending.returnTo)}`);
      }
      return reply.code(303).redirect(pending.returnTo);
    } catch (error) {
      if (!(error instanceof OidcLoginError)) throw error;
      // Refusals after linking began were audited with the identity by completeOidcLogin.
      if (['provider-unavailable', 'provider-error', 'access-denied'].includes(error.reason)) {
        // Name and code only: an error's body may quote the provider's response (personal data).
        const cause = error.cause as { name?: string; code?: string } | undefined;
        request.log.warn({ reason: error.reason, cause: cause?.name, code: cause?.code }, 'oidc code exchange failed');
        await recordOidcFailure(db, request.auditOrigin, error.reason, { issuer: provider.issuer });
      }
      return refuse(request, reply, error.reason);
    }
  });
}
