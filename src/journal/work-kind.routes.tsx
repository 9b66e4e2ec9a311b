/**
 * Kinds of work and their weights: /journal/work-kinds (the list; the add form for the regional
 * administrator), /journal/work-kinds/:code (rename, reweigh, deactivate, delete while unused), and
 * GET /api/v1/journal/work-kinds. Handlers: validate → authenticate → load → authorise
 * (work-kind.policy.ts) → service → render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { canEditWorkKinds, workKindPolicy } from './work-kind.policy.ts';
import {
  createWorkKind,
  defaultKindMessage,
  defaultWorkKind,
  deleteWorkKind,
  findWorkKind,
  listWorkKinds,
  parseWorkKindInput,
  setWorkKindActive,
  updateWorkKind,
  workKindInUse,
  type WorkKindRow,
} from './work-kind.service.ts';
import { WorkKindEditView, WorkKindsView, weightText } from './views/work-kinds.tsx';

const tags = ['journal'];
const fieldNames = ['code', 'nameRu', 'nameEn', 'weight', 'sort'] as const;

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}

function typed(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(fieldNames.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string).trim() : '']));
}

const notices = {
  created: { ru: 'Вид работы добавлен', en: 'Kind of work added' },
  saved: { ru: 'Вид работы сохранён', en: 'Kind of work saved' },
  deactivated: { ru: 'Вид работы отключён', en: 'Kind of work deactivated' },
  activated: { ru: 'Вид работы снова действует', en: 'Kind of work active again' },
  deleted: { ru: 'Вид работы удалён', en: 'Kind of work deleted' },
} as const;

export function registerWorkKindRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function listPage(request: FastifyRequest, reply: FastifyReply, state: { values?: Record<string, string>; errors?: FieldErrors }, status = 200) {
    authorize(request.actor, workKindPolicy, 'read', 'region');
    const done = (request.query as Record<string, unknown>).done;
    const notice = typeof done === 'string' && done in notices ? translate(request.locale, notices[done as keyof typeof notices]) : null;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Виды работ и веса отметок', en: 'Kinds of work and mark weights' }),
      <WorkKindsView kinds={await listWorkKinds(db)} canEdit={canEditWorkKinds(request.actor)} values={state.values ?? { sort: '100' }} errors={state.errors ?? {}} notice={notice} />,
      status,
    );
  }

  /** The kind named in the path, for its editor (404 for an unknown code). */
  async function editable(request: FastifyRequest): Promise<WorkKindRow> {
    authorize(request.actor, workKindPolicy, 'edit', 'region');
    const kind = await findWorkKind(db, (request.params as { code: string }).code);
    if (!kind) throw errors.notFound();
    return kind;
  }

  async function editPage(request: FastifyRequest, reply: FastifyReply, kind: WorkKindRow, state: { values?: Record<string, string>; errors?: FieldErrors }, status = 200) {
    const use = await workKindInUse(db, kind.code);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Вид работы: {name}', en: 'Kind of work: {name}' }, { name: kind.nameRu }),
      <WorkKindEditView
        kind={kind}
        values={state.values ?? { nameRu: kind.nameRu, nameEn: kind.nameEn, weight: weightText(kind.weight, request.locale), sort: String(kind.sort) }}
        errors={state.errors ?? {}}
        keepActive={kind.code === defaultWorkKind ? defaultKindMessage : null}
        inUse={use.marks || use.lessons}
      />,
      status,
    );
  }

  /** Runs a change; a 409 of the service is shown on the kind's page, the user's place kept. */
  async function orShowConflict(request: FastifyRequest, reply: FastifyReply, kind: WorkKindRow, change: () => Promise<unknown>, done: keyof typeof notices, to = '/journal/work-kinds') {
    try {
      await change();
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return editPage(request, reply, kind, { errors: { kind: error.userMessage } }, 409);
    }
    return redirectAfterPost(reply, `${to}?done=${done}`);
  }

  app.get('/journal/work-kinds', { schema: { hide: true } }, async (request, reply) => listPage(request, reply, {}));

  app.post('/journal/work-kinds', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, workKindPolicy, 'edit', 'region');
    const body = bodyOf(request);
    const parsed = parseWorkKindInput(body, { withCode: true });
    if (!parsed.ok) return listPage(request, reply, { values: typed(body), errors: parsed.errors }, 422);
    try {
      await createWorkKind(db, request.auditOrigin, parsed.value);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return listPage(request, reply, { values: typed(body), errors: error.fields }, 422);
    }
    return redirectAfterPost(reply, '/journal/work-kinds?done=created');
  });

  app.get('/journal/work-kinds/:code', { schema: { hide: true } }, async (request, reply) => editPage(request, reply, await editable(request), {}));

  app.post('/journal/work-kinds/:code', { schema: { hide: true } }, async (request, reply) => {
    const kind = await editable(request);
    const body = bodyOf(request);
    const parsed = parseWorkKindInput(body, { withCode: false });
    if (!parsed.ok) return editPage(request, reply, kind, { values: typed(body), errors: parsed.errors }, 422);
    await updateWorkKind(db, request.auditOrigin, kind, parsed.value);
    return redirectAfterPost(reply, '/journal/work-kinds?done=saved');
  });

  app.post('/journal/work-kinds/:code/active', { schema: { hide: true } }, async (request, reply) => {
    const kind = await editable(request);
    const active = bodyOf(request).active === 'true';
    return orShowConflict(request, reply, kind, () => setWorkKindActive(db, request.auditOrigin, kind, active), active ? 'activated' : 'deactivated');
  });

  app.post('/journal/work-kinds/:code/delete', { schema: { hide: true } }, async (request, reply) => {
    const kind = await editable(request);
    return orShowConflict(request, reply, kind, () => deleteWorkKind(db, request.auditOrigin, kind), 'deleted');
  });

  app.get(
    '/api/v1/journal/work-kinds',
    {
      schema: {
        tags,
        summary: 'The regional list of kinds of work and their weights',
        description: 'School and regional staff. A mark copies its kind’s weight when it is given; deactivated kinds are not offered for new lessons.',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ code: Type.String(), nameRu: Type.String(), nameEn: Type.String(), weight: Type.Number(), sort: Type.Integer(), active: Type.Boolean() })),
          }),
        },
      },
    },
    async (request) => {
      authorize(request.actor, workKindPolicy, 'read', 'region');
      return { items: (await listWorkKinds(db)).map((k) => ({ ...k, weight: Number(k.weight) })) };
    },
  );
}
