/**
 * Finals of one assignment: /journal/assignments/:id/finals?term=<termId|year> (the teacher
 * decides, the weighted average is suggested) and /api/v1/journal/assignments/:id/finals.
 * Access: journal.policy.ts assignmentPolicy — read to see, write to decide.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { assignmentTitle, pickTerm } from './gradebook.routes.tsx';
import { loadAssignment, type AssignmentContext } from './gradebook.service.ts';
import { formErrorsOf } from './closed-year.ts';
import { decideFinals, finalsOf, type FinalDecision } from './finals.service.ts';
import { assignmentPolicy } from './journal.policy.ts';
import { recordJournalRead } from './lesson.service.ts';
import { FinalsView } from './views/finals.tsx';

const tags = ['journal'];

function requireAccount(actor: Actor): void {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
}

const FinalsSchema = Type.Object({
  assignmentId: Type.String({ format: 'uuid' }),
  termId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'null: the year' }),
  pupils: Type.Array(
    Type.Object({
      pupilId: Type.String({ format: 'uuid' }),
      fullName: Type.String(),
      average: Type.Union([Type.Number(), Type.Null()]),
      suggested: Type.Union([Type.Integer(), Type.Null()]),
      final: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});
const FinalsQuery = Type.Object({ termId: Type.Optional(Type.String({ description: 'a term id, or "year"' })) });
const FinalsBody = Type.Object(
  { termId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]), finals: Type.Array(Type.Object({ pupilId: Type.String({ format: 'uuid' }), value: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()]) }), { maxItems: 100 }) },
  { additionalProperties: false },
);

export function registerFinalsRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function load(a: AssignmentContext, termParam: string | undefined) {
    const year = termParam === 'year';
    const { term, terms } = await pickTerm(context, a, year ? undefined : termParam);
    const chosen = year ? null : term;
    return { term: chosen, terms, rows: await finalsOf(db, a, chosen, terms) };
  }

  async function show(request: FastifyRequest, reply: FastifyReply, a: AssignmentContext, termParam: string | undefined, state: { posted?: Record<string, unknown>; errors?: FieldErrors; notice?: string | null }, status = 200) {
    const locale = request.locale;
    const { term, terms, rows } = await load(a, termParam);
    await recordJournalRead(db, request.auditOrigin, { entityType: 'journal-finals', entityId: a.access.assignmentId, organizationId: a.access.organizationId, municipalityId: a.access.municipalityId, pupilIds: rows.map((r) => r.pupilId), channel: 'page' });
    const base = `/journal/assignments/${a.access.assignmentId}/finals`;
    const period = term ? translate(locale, { ru: `${term.number} период`, en: `term ${term.number}` }) : translate(locale, { ru: 'год', en: 'year' });
    const title = `${translate(locale, { ru: 'Итоговые отметки', en: 'Final marks' })}: ${assignmentTitle(a, locale)}, ${period}`;
    return sendPage(
      request,
      reply,
      title,
      <FinalsView
        title={title}
        action={`${base}?term=${term ? term.id : 'year'}`}
        periods={[
          ...terms.map((t) => ({ label: translate(locale, { ru: `${t.number} период`, en: `Term ${t.number}` }), href: `${base}?term=${t.id}`, current: term?.id === t.id })),
          { label: translate(locale, { ru: 'Год', en: 'Year' }), href: `${base}?term=year`, current: term === null },
        ]}
        termNumbers={term ? null : terms.map((t) => t.number)}
        rows={rows.map((r) => ({
          pupilId: r.pupilId,
          fullName: r.fullName,
          average: r.average === null ? '—' : r.average.toFixed(2),
          suggested: r.suggested === null ? '—' : String(r.suggested),
          termFinals: r.termFinals,
          value: state.posted ? String(state.posted[`final-${r.pupilId}`] ?? '') : r.decided === null ? '' : String(r.decided),
        }))}
        allowMarkOne={a.allowMarkOne}
        editable={can(request.actor, assignmentPolicy, 'write', a.access)}
        errors={state.errors ?? {}}
        notice={state.notice ?? null}
        gradebookHref={`/journal/assignments/${a.access.assignmentId}/gradebook${term ? `?term=${term.id}` : ''}`}
      />,
      status,
    );
  }

  const termOf = (request: FastifyRequest) => {
    const v = (request.query as Record<string, unknown>).term;
    return typeof v === 'string' && v ? v : undefined;
  };

  app.get('/journal/assignments/:id/finals', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const a = await loadAssignment(db, (request.params as { id: string }).id);
    authorize(request.actor, assignmentPolicy, 'read', a.access, { hideExistence: true });
    const saved = (request.query as Record<string, unknown>).done === 'saved';
    return show(request, reply, a, termOf(request), { notice: saved ? translate(request.locale, { ru: 'Итоговые отметки сохранены', en: 'Finals saved' }) : null });
  });

  app.post('/journal/assignments/:id/finals', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const a = await loadAssignment(db, (request.params as { id: string }).id);
    authorize(request.actor, assignmentPolicy, 'write', a.access, { hideExistence: true });
    const body = (request.body ?? {}) as Record<string, unknown>;
    const termParam = termOf(request);
    const { term, rows } = await load(a, termParam);
    const decisions: FinalDecision[] = rows.map((r) => {
      const v = typeof body[`final-${r.pupilId}`] === 'string' ? (body[`final-${r.pupilId}`] as string).trim() : '';
      return { pupilId: r.pupilId, value: v === '' ? null : Number(v) };
    });
    try {
      await decideFinals(db, request.auditOrigin, a, term, rows, decisions, context.clock.now());
    } catch (error) {
      const shown = formErrorsOf(error, 'year');
      if (!shown) throw error;
      return show(request, reply, a, termParam, { posted: body, errors: shown.fields }, shown.status);
    }
    return redirectAfterPost(reply, `/journal/assignments/${a.access.assignmentId}/finals?term=${term ? term.id : 'year'}&done=saved`);
  });

  app.get(
    '/api/v1/journal/assignments/:id/finals',
    {
      schema: { tags, summary: 'Finals of an assignment for a term or the year, with the suggestion', description: 'Teacher, class teacher, head. Audited as a staff read.', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), querystring: FinalsQuery, response: { 200: FinalsSchema } },
    },
    async (request) => {
      requireAccount(request.actor);
      const a = await loadAssignment(db, (request.params as { id: string }).id);
      authorize(request.actor, assignmentPolicy, 'read', a.access, { hideExistence: true });
      const { term, rows } = await load(a, (request.query as Static<typeof FinalsQuery>).termId);
      await recordJournalRead(db, request.auditOrigin, { entityType: 'journal-finals', entityId: a.access.assignmentId, organizationId: a.access.organizationId, municipalityId: a.access.municipalityId, pupilIds: rows.map((r) => r.pupilId), channel: 'api' });
      return { assignmentId: a.access.assignmentId, termId: term?.id ?? null, pupils: rows.map((r) => ({ pupilId: r.pupilId, fullName: r.fullName, average: r.average, suggested: r.suggested, final: r.decided })) };
    },
  );

  app.put(
    '/api/v1/journal/assignments/:id/finals',
    {
      schema: {
        tags,
        summary: 'Decide finals of an assignment for a term (termId) or the year (termId null)',
        description: 'The assignment’s teacher or the head. A changed decision keeps its history. Audited.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: FinalsBody,
        response: { 200: Type.Object({ changed: Type.Integer() }) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof FinalsBody>;
      requireAccount(request.actor);
      const a = await loadAssignment(db, (request.params as { id: string }).id);
      authorize(request.actor, assignmentPolicy, 'write', a.access, { hideExistence: true });
      const { term, rows } = await load(a, body.termId ?? 'year');
      const changed = await decideFinals(db, request.auditOrigin, a, term, rows, body.finals.map((f) => ({ pupilId: f.pupilId.toLowerCase(), value: f.value })), context.clock.now());
      return { changed };
    },
  );
}
