/**
 * Movement of pupils by orders: the head admits a child (found in the regional registry by a
 * document, never retyped), transfers between classes, records leaving; a pupil's movement
 * history; search of the school's pupils by name through POST (no personal data in URLs).
 * JSON API under /api/v1/journal/enrolments and /api/v1/journal/pupils. Every staff read of a
 * pupil is audited. Handlers: validate → authenticate → load → authorise → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { findPersonNames, listPeople, personFullName } from '../registry/person.service.ts';
import { findPersonByDocument } from '../registry/pupil-registry.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { className, findClass, listClasses, loadClassAccess } from './class.service.ts';
import {
  admitPupil,
  currentEnrolments,
  endReasonNames,
  leavePupil,
  loadPupilAccess,
  openStayOfPupil,
  pupilHistory,
  recordPupilReads,
  startReasonNames,
  transferPupil,
  type LeavingReason,
} from './enrolment.service.ts';
import { canMovePupils, canSearchPupils, classPolicy, enrolmentPolicy, isStaffPupilRead, pupilPolicy, schoolYearPolicy } from './journal.policy.ts';
import { one, regionToday, requireAccount, schoolScopeOf } from './school-year.routes.tsx';
import { findAcademicYear, getSchool } from './school-year.service.ts';
import { AdmitView, PupilSearchView, PupilView, type MovementValues } from './views/enrolment.tsx';

const tags = ['journal'];
const everStays = { from: '1900-01-01', to: '2999-12-31' };

const notFoundChild: Message = { ru: 'Ребёнок с таким документом в реестре не найден', en: 'No child with this document in the registry' };

function movementValues(body: Record<string, unknown>): MovementValues {
  return {
    document: one(body['document']),
    on: one(body['on']),
    orderNumber: one(body['orderNumber']),
    orderIssuedOn: one(body['orderIssuedOn']),
    toClassId: one(body['toClassId']),
    reason: one(body['reason']),
  };
}

/** Loads a pupil's access facts (all their stays) and authorises reading them (404 outside reach). */
async function loadPupil(context: AppContext, actor: Actor, id: string) {
  requireAccount(actor);
  if (!isUuid(id)) throw errors.notFound();
  const access = (await loadPupilAccess(context.db, [id], everStays)).get(id.toLowerCase());
  if (!access) throw errors.notFound();
  authorize(actor, pupilPolicy, 'read', access, { hideExistence: true });
  return access;
}

const OrderFields = {
  on: Type.String({ format: 'date', description: 'The day the movement takes effect (first day in the new class; first day no longer in the class)' }),
  orderNumber: Type.String({ minLength: 1, maxLength: 50 }),
  orderIssuedOn: Type.String({ format: 'date' }),
};
const MovementResult = Type.Object({ enrolmentId: Type.String({ format: 'uuid' }), classId: Type.Optional(Type.String({ format: 'uuid' })), orderId: Type.String({ format: 'uuid' }) });
const HistorySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  classId: Type.String({ format: 'uuid' }),
  className: Type.String(),
  yearName: Type.String(),
  organizationId: Type.String({ format: 'uuid' }),
  organizationName: Type.String(),
  startsOn: Type.String({ format: 'date' }),
  endsOn: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  startReason: Type.String(),
  endReason: Type.Union([Type.String(), Type.Null()]),
  startOrder: Type.Union([Type.Object({ number: Type.String(), issuedOn: Type.String({ format: 'date' }) }), Type.Null()]),
  endOrder: Type.Union([Type.Object({ number: Type.String(), issuedOn: Type.String({ format: 'date' }) }), Type.Null()]),
});

export function registerEnrolmentRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  // Admission ---------------------------------------------------------------------------------------

  async function admitTarget(request: FastifyRequest, id: string) {
    requireAccount(request.actor);
    const access = await loadClassAccess(db, id);
    if (!access) throw errors.notFound();
    authorize(request.actor, classPolicy, 'read', access, { hideExistence: true });
    authorize(request.actor, enrolmentPolicy, 'move', schoolScopeOf(access));
    const c = (await findClass(db, id))!;
    return { c, school: await getSchool(db, c.organizationId) };
  }

  async function admitPage(request: FastifyRequest, reply: FastifyReply, id: string, values: MovementValues, fieldErrors: FieldErrors, status = 200) {
    const { c, school } = await admitTarget(request, id);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Зачисление', en: 'Admission' }),
      <AdmitView classId={c.id} className={className(c)} schoolName={school.shortName} values={values} errors={fieldErrors} />,
      status,
    );
  }

  app.get('/journal/classes/:id/admit', { schema: { hide: true } }, async (request, reply) => {
    const today = regionToday(context);
    return admitPage(request, reply, (request.params as { id: string }).id, { document: '', on: today, orderNumber: '', orderIssuedOn: today }, {});
  });

  app.post('/journal/classes/:id/admit', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const { c } = await admitTarget(request, id);
    const values = movementValues((request.body ?? {}) as Record<string, unknown>);
    const pupilId = values.document ? await findPersonByDocument(db, values.document) : null;
    if (!pupilId) return admitPage(request, reply, id, values, { document: notFoundChild }, 422);
    try {
      await admitPupil(context, request.auditOrigin, { pupilId, organizationId: c.organizationId, grade: c.grade, classId: c.id, startsOn: values.on, orderNumber: values.orderNumber, orderIssuedOn: values.orderIssuedOn });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return admitPage(request, reply, id, values, error.status === 409 ? { document: error.userMessage } : error.fields, error.status);
    }
    return redirectAfterPost(reply, `/journal/classes/${c.id}?done=admitted`);
  });

  // A pupil's history, transfer and leaving -----------------------------------------------------------------

  async function pupilPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state: { transfer?: { values: MovementValues; errors: FieldErrors }; leave?: { values: MovementValues; errors: FieldErrors } },
    status = 200,
  ) {
    const access = await loadPupil(context, request.actor, id);
    const [name] = [...(await findPersonNames(db, [access.pupilId])).values()];
    if (!name) throw errors.notFound();
    const history = await pupilHistory(db, access.pupilId);
    const open = history.find((h) => h.endsOn === null) ?? null;
    if (isStaffPupilRead(request.actor, access)) {
      await recordPupilReads(db, request.auditOrigin, open ? schoolScopeOf(open) : null, [access.pupilId], 'movement-history', 'page');
    }
    const canMove = open !== null && canMovePupils(request.actor, schoolScopeOf(open));
    let classes: Array<{ value: string; label: string }> = [];
    if (canMove) {
      const c = (await findClass(db, open.classId))!;
      const year = (await findAcademicYear(db, c.yearId))!;
      classes = (await listClasses(db, year.id, regionToday(context))).filter((k) => k.id !== c.id).map((k) => ({ value: k.id, label: className(k) }));
    }
    const today = regionToday(context);
    const blank = { on: today, orderNumber: '', orderIssuedOn: today };
    const done = one((request.query as Record<string, unknown>)['done']);
    const notices: Record<string, Message> = { transferred: { ru: 'Перевод оформлен', en: 'Transfer recorded' }, left: { ru: 'Отчисление оформлено', en: 'Leaving recorded' } };
    const t = (m: Message) => translate(request.locale, m);
    return sendPage(
      request,
      reply,
      personFullName(name),
      <PupilView
        pupilId={access.pupilId}
        name={personFullName(name)}
        birthDate={name.birthDate}
        current={open ? { classId: open.classId, className: open.className, schoolName: open.organizationName } : null}
        history={history.map((h) => ({
          id: h.id,
          className: h.className,
          yearName: h.yearName,
          schoolName: h.organizationName,
          startsOn: h.startsOn,
          endsOn: h.endsOn,
          startReason: t(startReasonNames[h.startReason]),
          endReason: h.endReason ? t(endReasonNames[h.endReason]) : null,
          startOrder: h.startOrder ? `№ ${h.startOrder.number} от ${h.startOrder.issuedOn}` : null,
          endOrder: h.endOrder ? `№ ${h.endOrder.number} от ${h.endOrder.issuedOn}` : null,
        }))}
        canMove={canMove}
        classes={classes}
        transfer={state.transfer ?? { values: blank, errors: {} }}
        leave={state.leave ?? { values: { ...blank, reason: 'leaving' }, errors: {} }}
        notice={notices[done] ? t(notices[done]!) : null}
      />,
      status,
    );
  }

  app.get('/journal/pupils/:id', { schema: { hide: true } }, async (request, reply) => pupilPage(request, reply, (request.params as { id: string }).id, {}));

  /** The pupil's open stay, which the actor must be allowed to move (the head of that school). */
  async function movable(request: FastifyRequest, id: string) {
    const access = await loadPupil(context, request.actor, id);
    const open = await openStayOfPupil(db, access.pupilId);
    if (!open) throw errors.conflict('not-enrolled', { ru: 'Ребёнок сейчас не зачислен ни в один класс', en: 'The child is not enrolled in any class' });
    authorize(request.actor, enrolmentPolicy, 'move', schoolScopeOf(open));
    return { access, open };
  }

  app.post('/journal/pupils/:id/transfer', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const { access, open } = await movable(request, id);
    const values = movementValues((request.body ?? {}) as Record<string, unknown>);
    const target = isUuid(values.toClassId) ? await findClass(db, values.toClassId!) : undefined;
    // Within the school only: another school admits the pupil itself.
    if (!target || target.organizationId !== open.organizationId) {
      return pupilPage(request, reply, id, { transfer: { values, errors: { toClassId: { ru: 'Выберите класс этой школы', en: 'Choose a class of this school' } } } }, 422);
    }
    try {
      await transferPupil(context, request.auditOrigin, { pupilId: access.pupilId, toClassId: target.id, on: values.on, orderNumber: values.orderNumber, orderIssuedOn: values.orderIssuedOn });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return pupilPage(request, reply, id, { transfer: { values, errors: error.status === 409 ? { toClassId: error.userMessage } : error.fields } }, error.status);
    }
    return redirectAfterPost(reply, `/journal/pupils/${access.pupilId}?done=transferred`);
  });

  app.post('/journal/pupils/:id/leave', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const { access } = await movable(request, id);
    const values = movementValues((request.body ?? {}) as Record<string, unknown>);
    const reason = (['leaving', 'graduation', 'transferOut'].includes(values.reason ?? '') ? values.reason : 'leaving') as LeavingReason;
    try {
      await leavePupil(context, request.auditOrigin, { pupilId: access.pupilId, on: values.on, reason, orderNumber: values.orderNumber, orderIssuedOn: values.orderIssuedOn });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return pupilPage(request, reply, id, { leave: { values, errors: error.status === 409 ? { on: error.userMessage } : error.fields } }, error.status);
    }
    return redirectAfterPost(reply, `/journal/pupils/${access.pupilId}?done=left`);
  });

  // Search (POST: names never travel in URLs) --------------------------------------------------------------

  async function searchSchool(actor: Actor, organizationId: string, q: string, after: string | undefined) {
    requireAccount(actor);
    const school = await getSchool(db, organizationId);
    authorize(actor, schoolYearPolicy, 'read', schoolScopeOf(school), { hideExistence: true });
    // The class list scope: the head and supervisors; a teacher searches only through their classes.
    if (!canSearchPupils(actor, schoolScopeOf(school))) throw errors.forbidden();
    const page = await listPeople(db, { kind: 'some', municipalityIds: [], organizationIds: [school.id], selfId: null, childrenOfId: null }, { q: q.slice(0, 100), after, limit: 25 });
    const stays = await currentEnrolments(db, page.items.map((p) => p.id));
    const pupils = page.items.filter((p) => stays.get(p.id)?.organizationId === school.id);
    return { school, page, pupils, stays };
  }

  app.post('/journal/school/search', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const q = one(body['q']);
    const after = one(body['after']) || undefined;
    const { school, page, pupils, stays } = await searchSchool(request.actor, one(body['organizationId']), q, after);
    await recordPupilReads(db, request.auditOrigin, schoolScopeOf(school), pupils.map((p) => p.id), 'search', 'page');
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Поиск обучающихся', en: 'Find pupils' }),
      <PupilSearchView
        organizationId={school.id}
        schoolName={school.shortName}
        q={q}
        items={pupils.map((p) => {
          const s = stays.get(p.id);
          return { id: p.id, name: personFullName(p), birthDate: p.birthDate, className: s ? className(s) : null };
        })}
        nextAfter={page.nextAfter}
      />,
    );
  });

  // API ---------------------------------------------------------------------------------------------

  const AdmitBody = Type.Object(
    {
      pupilId: Type.String({ format: 'uuid', description: 'The child’s person id in the registry' }),
      organizationId: Type.String({ format: 'uuid' }),
      grade: Type.Integer({ minimum: 1, maximum: 11 }),
      classId: Type.Optional(Type.String({ format: 'uuid', description: 'Default: the class of the grade with the fewest pupils' })),
      ...OrderFields,
    },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/journal/enrolments/admission',
    { schema: { tags, summary: 'Admit a pupil to a school by its order', description: 'Head of the receiving school. An open stay in another school closes as a transfer out. Audited.', body: AdmitBody, response: { 201: MovementResult } } },
    async (request, reply) => {
      requireAccount(request.actor);
      const body = request.body as Static<typeof AdmitBody>;
      const school = await getSchool(db, body.organizationId);
      authorize(request.actor, enrolmentPolicy, 'move', schoolScopeOf(school), { hideExistence: true });
      const result = await admitPupil(context, request.auditOrigin, { ...body, startsOn: body.on });
      return reply.code(201).send({ enrolmentId: result.enrolmentId, classId: result.classId, orderId: result.orderId });
    },
  );

  const TransferBody = Type.Object({ pupilId: Type.String({ format: 'uuid' }), toClassId: Type.String({ format: 'uuid' }), ...OrderFields }, { additionalProperties: false });
  app.post(
    '/api/v1/journal/enrolments/transfer',
    { schema: { tags, summary: 'Transfer a pupil to another class', description: 'Within a school: its head. To another school: the head of the receiving school (the old stay closes as a transfer out). Audited.', body: TransferBody, response: { 201: MovementResult } } },
    async (request, reply) => {
      requireAccount(request.actor);
      const body = request.body as Static<typeof TransferBody>;
      const target = await findClass(db, body.toClassId);
      if (!target) throw errors.notFound();
      authorize(request.actor, enrolmentPolicy, 'move', schoolScopeOf(target), { hideExistence: true });
      const result = await transferPupil(context, request.auditOrigin, body);
      return reply.code(201).send({ enrolmentId: result.enrolmentId, classId: result.classId, orderId: result.orderId });
    },
  );

  const LeaveBody = Type.Object(
    { pupilId: Type.String({ format: 'uuid' }), reason: Type.Union([Type.Literal('leaving'), Type.Literal('graduation'), Type.Literal('transferOut')]), ...OrderFields },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/journal/enrolments/leaving',
    { schema: { tags, summary: 'Record a pupil leaving the school by its order', description: 'Head of the school of the open stay. Audited.', body: LeaveBody, response: { 201: MovementResult } } },
    async (request, reply) => {
      const body = request.body as Static<typeof LeaveBody>;
      await movable(request, body.pupilId);
      const result = await leavePupil(context, request.auditOrigin, body);
      return reply.code(201).send({ enrolmentId: result.enrolmentId, orderId: result.orderId });
    },
  );

  app.get(
    '/api/v1/journal/pupils/:id/history',
    { schema: { tags, summary: 'A pupil’s movement history (every stay, newest first)', description: 'Whoever may read the pupil (journal policy). Staff reads are audited.', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: Type.Object({ items: Type.Array(HistorySchema) }) } } },
    async (request) => {
      const access = await loadPupil(context, request.actor, (request.params as { id: string }).id);
      const history = await pupilHistory(db, access.pupilId);
      if (isStaffPupilRead(request.actor, access)) await recordPupilReads(db, request.auditOrigin, access.schools[0] ?? null, [access.pupilId], 'movement-history', 'api');
      return {
        items: history.map((h) => ({
          id: h.id,
          classId: h.classId,
          className: h.className,
          yearName: h.yearName,
          organizationId: h.organizationId,
          organizationName: h.organizationName,
          startsOn: h.startsOn,
          endsOn: h.endsOn,
          startReason: h.startReason,
          endReason: h.endReason,
          startOrder: h.startOrder ? { number: h.startOrder.number, issuedOn: h.startOrder.issuedOn } : null,
          endOrder: h.endOrder ? { number: h.endOrder.number, issuedOn: h.endOrder.issuedOn } : null,
        })),
      };
    },
  );

  const SearchBody = Type.Object(
    { organizationId: Type.String({ format: 'uuid' }), q: Type.String({ maxLength: 100 }), after: Type.Optional(Type.String({ format: 'uuid' })) },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/journal/pupils/search',
    {
      schema: {
        tags,
        summary: 'Find a school’s pupils by name or document number',
        description: 'POST so that names never appear in URLs. Head of the school or supervisors. Audited.',
        body: SearchBody,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), lastName: Type.String(), firstName: Type.String(), middleName: Type.Union([Type.String(), Type.Null()]), birthDate: Type.String({ format: 'date' }), classId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]), className: Type.Union([Type.String(), Type.Null()]) })), nextAfter: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof SearchBody>;
      const { school, page, pupils, stays } = await searchSchool(request.actor, body.organizationId, body.q, body.after);
      await recordPupilReads(db, request.auditOrigin, schoolScopeOf(school), pupils.map((p) => p.id), 'search', 'api');
      return {
        items: pupils.map((p) => {
          const s = stays.get(p.id);
          return { id: p.id, lastName: p.lastName, firstName: p.firstName, middleName: p.middleName, birthDate: p.birthDate, classId: s?.classId ?? null, className: s ? className(s) : null };
        }),
        nextAfter: page.nextAfter,
      };
    },
  );
}
