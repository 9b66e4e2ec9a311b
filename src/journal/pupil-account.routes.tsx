/** Pupil accounts: GET/POST /journal/pupils/:id/account (guardian of the child or head of their school). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import type { AppContext } from '../platform/context.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { canManagePupilAccount, issuePupilAccount, pupilAccountFacts, resetPupilPassword, type PupilAccountFacts } from './pupil-account.service.ts';
import { PupilAccountView } from './views/pupil-account.tsx';

function one(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function registerPupilAccountRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function load(request: FastifyRequest): Promise<PupilAccountFacts> {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const id = one((request.params as Record<string, unknown>).id);
    if (!isUuid(id)) throw errors.notFound();
    const facts = await pupilAccountFacts(db, id);
    if (!facts || !canManagePupilAccount(request.actor, facts)) throw errors.notFound();
    return facts;
  }

  function page(request: FastifyRequest, reply: FastifyReply, facts: PupilAccountFacts, state: { login?: string; errors?: FieldErrors; notice?: string }, status = 200) {
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Учётная запись обучающегося', en: 'Pupil’s account' }),
      <PupilAccountView pupilId={facts.pupilId} name={facts.name} login={facts.account?.login ?? null} values={{ login: state.login ?? '' }} errors={state.errors ?? {}} notice={state.notice ?? null} />,
      status,
    );
  }

  app.get('/journal/pupils/:id/account', { schema: { hide: true } }, async (request, reply) => {
    const facts = await load(request);
    const done = one((request.query as Record<string, unknown>)?.done);
    const notice = done === 'issued' ? translate(request.locale, { ru: 'Учётная запись создана', en: 'Account created' }) : done === 'reset' ? translate(request.locale, { ru: 'Пароль изменён', en: 'Password changed' }) : undefined;
    return page(request, reply, facts, { notice });
  });

  app.post('/journal/pupils/:id/account', { schema: { hide: true } }, async (request, reply) => {
    const facts = await load(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const action = one(body.action);
    try {
      if (action === 'issue') {
        await issuePupilAccount(db, request.auditOrigin, facts, { login: one(body.login), password: one(body.password) });
        return redirectAfterPost(reply, `/journal/pupils/${facts.pupilId}/account?done=issued`);
      }
      if (action === 'reset') {
        await resetPupilPassword(db, request.auditOrigin, facts, one(body.password));
        return redirectAfterPost(reply, `/journal/pupils/${facts.pupilId}/account?done=reset`);
      }
      throw errors.badRequest();
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation' && Object.keys(error.fields).length > 0) return page(request, reply, facts, { login: one(body.login), errors: error.fields }, 422);
      throw error;
    }
  });
}
