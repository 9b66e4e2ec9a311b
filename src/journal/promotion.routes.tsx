/**
 * Year-end promotion (перевод в следующий класс) for the head of the school: the page
 * /journal/years/:id/promotion previews the move of every class of the year (GET, and POST with
 * step=preview after changing a pupil's decision — nothing is written), and carries it out by an
 * order (POST with step=confirm), then shows what was done. JSON API under
 * /api/v1/journal/years/:id/promotion. Every view of the pupils' names is audited (152-FZ).
 * Handlers: validate → authenticate → load → authorise (journal.policy.ts) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, type FieldErrors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { personFullName } from '../registry/person.service.ts';
import { listStaffOf } from '../registry/pupil-registry.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { className } from './class.service.ts';
import { recordPupilReads } from './enrolment.service.ts';
import { enrolmentPolicy } from './journal.policy.ts';
import { isPromotionChoice, noChoices, previewPromotion, promotePupils, promotionChoices, type PromotionChoice, type PromotionChoices, type PromotionCounts, type PromotionPreview, type TargetClass } from './promotion.service.ts';
import { loadYear, one, regionToday, schoolScopeOf } from './school-year.routes.tsx';
import { getSchool, type AcademicYearRow } from './school-year.service.ts';
import { PromotionView, type PromotionClassRow } from './views/promotion.tsx';

const tags = ['journal'];
const countKeys = ['moved', 'heldBack', 'graduated', 'skipped', 'classesCreated'] as const;

/** Reads the decisions of the form (pure): `pupil.<id>` = a choice, `teacher.<class id>` = a person id or empty. */
export function parsePromotionForm(body: Record<string, unknown>): PromotionChoices {
  const pupils = new Map<string, PromotionChoice>();
  const classTeachers = new Map<string, string | null>();
  for (const [key, raw] of Object.entries(body)) {
    const value = one(raw);
    const [kind, id] = key.split('.', 2) as [string, string | undefined];
    if (!id || !isUuid(id)) continue;
    if (kind === 'pupil' && isPromotionChoice(value)) pupils.set(id.toLowerCase(), value);
    if (kind === 'teacher') classTeachers.set(id.toLowerCase(), value === '' ? null : value.toLowerCase());
  }
  return { pupils, classTeachers };
}

function targetName(t: TargetClass | null): string | null {
  return t ? className(t) : null;
}

async function withAudit(context: AppContext, request: FastifyRequest, year: AcademicYearRow, preview: PromotionPreview, channel: 'page' | 'api'): Promise<void> {
  await recordPupilReads(context.db, request.auditOrigin, schoolScopeOf(year), [...preview.pupilNames.keys()], 'promotion', channel);
}

export function registerPromotionRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  /** The year, readable by the actor (404 otherwise), whose pupils the actor may move (403 otherwise). */
  async function loadForPromotion(request: FastifyRequest): Promise<AcademicYearRow> {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    authorize(request.actor, enrolmentPolicy, 'move', schoolScopeOf(year));
    return year;
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    year: AcademicYearRow,
    state: { choices: PromotionChoices; values?: { orderNumber: string; orderIssuedOn: string }; errors?: FieldErrors; done?: PromotionCounts | null },
    status = 200,
  ) {
    const school = await getSchool(db, year.organizationId);
    const preview = await previewPromotion(db, year, state.choices);
    await withAudit(context, request, year, preview, 'page');
    const teacherName = (id: string | null) => {
      const n = id ? preview.teacherNames.get(id) : undefined;
      return n ? personFullName(n) : null;
    };
    const created = new Set(preview.plan.newClasses);
    const classes: PromotionClassRow[] = preview.plan.classes.map((c) => ({
      id: c.source.id,
      name: className(c.source),
      grade: c.source.grade,
      teacherName: teacherName(c.source.classTeacherId),
      next: c.next
        ? { name: className(c.next), exists: c.next.existingId !== null, created: created.has(c.next), teacherName: teacherName(c.next.classTeacherId), teacherValue: c.next.classTeacherId ?? '' }
        : null,
      pupils: c.pupils.map((p) => {
        const name = preview.pupilNames.get(p.pupilId);
        return { id: p.pupilId, name: name ? personFullName(name) : p.pupilId, choice: p.choice, allowed: p.allowed, target: targetName(p.target) };
      }),
    }));
    const today = regionToday(context);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Перевод в следующий учебный год', en: 'Promotion to the next school year' }),
      <PromotionView
        fromYearId={year.id}
        fromYearName={year.name}
        fromYearEndsOn={year.endsOn}
        toYearId={preview.toYear?.id ?? null}
        toYearName={preview.toYearName}
        toYearStartsOn={preview.toYearStartsOn}
        schoolName={school.shortName}
        classes={classes}
        counts={preview.plan.counts}
        newClasses={preview.plan.newClasses.map(className)}
        teachers={(await listStaffOf(db, school.id)).map((s) => ({ value: s.personId, label: `${personFullName(s)} — ${s.position}` }))}
        values={state.values ?? { orderNumber: '', orderIssuedOn: today }}
        errors={state.errors ?? {}}
        done={state.done ?? null}
      />,
      status,
    );
  }

  app.get('/journal/years/:id/promotion', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadForPromotion(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const done = one(query['done']) === '1' ? (Object.fromEntries(countKeys.map((k) => [k, /^\d{1,6}$/.test(one(query[k])) ? Number(one(query[k])) : 0])) as unknown as PromotionCounts) : null;
    return page(request, reply, year, { choices: noChoices, done });
  });

  app.post('/journal/years/:id/promotion', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadForPromotion(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const choices = parsePromotionForm(body);
    const values = { orderNumber: one(body['orderNumber']), orderIssuedOn: one(body['orderIssuedOn']) };
    if (one(body['step']) !== 'confirm') return page(request, reply, year, { choices, values });
    try {
      const result = await promotePupils(context, request.auditOrigin, year.id, choices, values);
      const counts = new URLSearchParams(countKeys.map((k) => [k, String(result.counts[k])]));
      return redirectAfterPost(reply, `/journal/years/${year.id}/promotion?done=1&${counts.toString()}`);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return page(request, reply, year, { choices, values, errors: error.status === 409 ? { plan: error.userMessage } : error.fields }, error.status);
    }
  });

  // API ---------------------------------------------------------------------------------------------

  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
  const Counts = Type.Object(Object.fromEntries(countKeys.map((k) => [k, Type.Integer()])) as Record<(typeof countKeys)[number], ReturnType<typeof Type.Integer>>);
  const Target = Type.Union([Type.Object({ name: Type.String(), classId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]), classTeacherId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]) }), Type.Null()]);
  const Choice = Type.Union(promotionChoices.map((c) => Type.Literal(c)));
  const PreviewSchema = Type.Object({
    fromYear: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), endsOn: Type.String({ format: 'date' }) }),
    toYear: Type.Object({ id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]), name: Type.String(), startsOn: Type.String({ format: 'date' }) }),
    classes: Type.Array(
      Type.Object({
        id: Type.String({ format: 'uuid' }),
        name: Type.String(),
        next: Target,
        pupils: Type.Array(Type.Object({ pupilId: Type.String({ format: 'uuid' }), lastName: Type.String(), firstName: Type.String(), middleName: Type.Union([Type.String(), Type.Null()]), choice: Choice, allowed: Type.Array(Choice), target: Type.Union([Type.String(), Type.Null()]) })),
      }),
    ),
    newClasses: Type.Array(Type.String()),
    counts: Counts,
  });
  const target = (t: TargetClass | null) => (t ? { name: className(t), classId: t.existingId, classTeacherId: t.classTeacherId } : null);

  app.get(
    '/api/v1/journal/years/:id/promotion',
    { schema: { tags, summary: 'Preview the year-end promotion of a year (writes nothing)', description: 'Head of the school. Each class goes to the next grade with the same letter; grade 11 graduates. The read of the pupils is audited.', params: IdParams, response: { 200: PreviewSchema } } },
    async (request) => {
      const year = await loadForPromotion(request);
      const preview = await previewPromotion(db, year, noChoices);
      await withAudit(context, request, year, preview, 'api');
      return {
        fromYear: { id: year.id, name: year.name, endsOn: year.endsOn },
        toYear: { id: preview.toYear?.id ?? null, name: preview.toYearName, startsOn: preview.toYearStartsOn },
        classes: preview.plan.classes.map((c) => ({
          id: c.source.id,
          name: className(c.source),
          next: target(c.next),
          pupils: c.pupils.map((p) => {
            const n = preview.pupilNames.get(p.pupilId);
            return { pupilId: p.pupilId, lastName: n?.lastName ?? '', firstName: n?.firstName ?? '', middleName: n?.middleName ?? null, choice: p.choice, allowed: p.allowed, target: targetName(p.target) };
          }),
        })),
        newClasses: preview.plan.newClasses.map(className),
        counts: preview.plan.counts,
      };
    },
  );

  const ConfirmBody = Type.Object(
    {
      orderNumber: Type.String({ minLength: 1, maxLength: 50 }),
      orderIssuedOn: Type.String({ format: 'date' }),
      pupils: Type.Optional(Type.Array(Type.Object({ pupilId: Type.String({ format: 'uuid' }), choice: Choice }), { maxItems: 5000 })),
      classTeachers: Type.Optional(Type.Array(Type.Object({ classId: Type.String({ format: 'uuid' }), teacherId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]) }), { maxItems: 200 })),
    },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/journal/years/:id/promotion',
    {
      schema: {
        tags,
        summary: 'Carry out the year-end promotion by the school’s order',
        description: 'Head of the school. One transaction; the next year is created with the regional defaults if missing. A pupil not listed gets the default of the grade (promoted; grade 11 graduates). 409 when nobody is left to move (a repeat). Audited.',
        params: IdParams,
        body: ConfirmBody,
        response: { 201: Type.Object({ toYearId: Type.String({ format: 'uuid' }), orderId: Type.String({ format: 'uuid' }), counts: Counts, createdClasses: Type.Array(Type.String()) }) },
      },
    },
    async (request, reply) => {
      const year = await loadForPromotion(request);
      const body = request.body as Static<typeof ConfirmBody>;
      const choices: PromotionChoices = {
        pupils: new Map((body.pupils ?? []).map((p) => [p.pupilId.toLowerCase(), p.choice])),
        classTeachers: new Map((body.classTeachers ?? []).map((c) => [c.classId.toLowerCase(), c.teacherId?.toLowerCase() ?? null])),
      };
      const result = await promotePupils(context, request.auditOrigin, year.id, choices, { orderNumber: body.orderNumber, orderIssuedOn: body.orderIssuedOn });
      return reply.code(201).send(result);
    },
  );
}
