/**
 * Classes: pages under /journal/years/:id/classes and /journal/classes/:id for the head (add and
 * change classes, see the class list) and the class's teachers (read), and the JSON API under
 * /api/v1/journal. Every staff view of a class list is audited (152-FZ). Handlers: validate →
 * authenticate → load → authorise (journal.policy.ts) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isIsoDate } from '../platform/validation.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { listStaffOf } from '../registry/pupil-registry.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { className, createClass, findClass, listClasses, listSubgroups, loadClassAccess, parseClassInput, saveSubgroup, updateClass, type SchoolClassRow } from './class.service.ts';
import { assignmentsOfClass } from './curriculum.service.ts';
import { classPupils, recordPupilReads } from './enrolment.service.ts';
import { canEditClass, canMovePupils, classPolicy, schoolYearPolicy } from './journal.policy.ts';
import { loadYear, one, regionToday, requireAccount, schoolScopeOf } from './school-year.routes.tsx';
import { findAcademicYear, getSchool, type AcademicYearRow } from './school-year.service.ts';
import { ClassListView, ClassView, type ClassFormValues } from './views/class.tsx';

const tags = ['journal'];

/** The date a class list is shown for: today inside the year, else the year's first or last day. */
export function dateInYear(year: Pick<AcademicYearRow, 'startsOn' | 'endsOn'>, today: string): string {
  return today < year.startsOn ? year.startsOn : today > year.endsOn ? year.endsOn : today;
}

async function teacherOptions(context: AppContext, organizationId: string) {
  return (await listStaffOf(context.db, organizationId)).map((s) => ({ value: s.personId, label: `${personFullName(s)} — ${s.position}` }));
}

const ClassSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  yearId: Type.String({ format: 'uuid' }),
  organizationId: Type.String({ format: 'uuid' }),
  grade: Type.Integer(),
  letter: Type.String(),
  name: Type.String(),
  classTeacherId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
});
const PupilSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: Type.Union([Type.String(), Type.Null()]),
  birthDate: Type.String({ format: 'date' }),
  startsOn: Type.String({ format: 'date' }),
  endsOn: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
});
function classJson(c: SchoolClassRow): Static<typeof ClassSchema> {
  return { id: c.id, yearId: c.yearId, organizationId: c.organizationId, grade: c.grade, letter: c.letter, name: className(c), classTeacherId: c.classTeacherId };
}
const ClassBody = Type.Object(
  { grade: Type.Integer({ minimum: 1, maximum: 11 }), letter: Type.String({ minLength: 1, maxLength: 10 }), classTeacherId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function registerClassRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function listPage(request: FastifyRequest, reply: FastifyReply, year: AcademicYearRow, state: { values?: ClassFormValues; errors?: FieldErrors }, status = 200) {
    const school = await getSchool(db, year.organizationId);
    const canEdit = canEditClass(request.actor, { ...schoolScopeOf(year), classId: '', classTeacherId: null, teacherIds: [] });
    const classes = await listClasses(db, year.id, dateInYear(year, regionToday(context)));
    const done = one((request.query as Record<string, unknown>)['done']);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Классы', en: 'Classes' }),
      <ClassListView
        yearId={year.id}
        yearName={year.name}
        schoolName={school.shortName}
        organizationId={school.id}
        classes={classes.map((c) => ({ id: c.id, name: className(c), classTeacherName: c.classTeacherName, pupils: c.pupils }))}
        canEdit={canEdit}
        canPromote={canMovePupils(request.actor, schoolScopeOf(year))}
        teachers={canEdit ? await teacherOptions(context, school.id) : []}
        values={state.values ?? { grade: '1', letter: '', classTeacherId: '' }}
        errors={state.errors ?? {}}
        notice={done === 'saved' ? translate(request.locale, { ru: 'Класс добавлен', en: 'Class added' }) : null}
      />,
      status,
    );
  }

  app.get('/journal/years/:id/classes', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    return listPage(request, reply, year, {});
  });

  app.post('/journal/years/:id/classes', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { grade: one(body['grade']), letter: one(body['letter']), classTeacherId: one(body['classTeacherId']) };
    const parsed = parseClassInput(values);
    if (!parsed.ok) return listPage(request, reply, year, { values, errors: parsed.errors }, 422);
    try {
      await createClass(db, request.auditOrigin, year.id, parsed.value);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return listPage(request, reply, year, { values, errors: error.status === 409 ? { letter: error.userMessage } : error.fields }, error.status);
    }
    return redirectAfterPost(reply, `/journal/years/${year.id}/classes?done=saved`);
  });

  async function loadClass(request: FastifyRequest, id: string) {
    requireAccount(request.actor);
    const access = await loadClassAccess(db, id);
    if (!access) throw errors.notFound();
    authorize(request.actor, classPolicy, 'read', access, { hideExistence: true });
    const c = (await findClass(db, id))!;
    const year = (await findAcademicYear(db, c.yearId))!;
    return { access, c, year };
  }

  async function classPage(request: FastifyRequest, reply: FastifyReply, id: string, state: { values?: ClassFormValues; errors?: FieldErrors; subgroupErrors?: FieldErrors }, status = 200) {
    const { access, c, year } = await loadClass(request, id);
    const school = await getSchool(db, c.organizationId);
    const onDate = dateInYear(year, regionToday(context));
    const [pupils, assignments, subgroups] = await Promise.all([classPupils(db, c.id, onDate), assignmentsOfClass(db, c.id), listSubgroups(db, c.id)]);
    const pupilName = new Map(pupils.map((p) => [p.id, personFullName(p)]));
    await recordPupilReads(db, request.auditOrigin, schoolScopeOf(c), pupils.map((p) => p.id), 'class-list', 'page');
    const canEdit = canEditClass(request.actor, access);
    const teacher = c.classTeacherId ? (await findPersonNames(db, [c.classTeacherId])).get(c.classTeacherId) : undefined;
    const teacherName = teacher ? personFullName(teacher) : null;
    const done = one((request.query as Record<string, unknown>)['done']);
    const notices: Record<string, { ru: string; en: string }> = {
      saved: { ru: 'Класс сохранён', en: 'Class saved' },
      admitted: { ru: 'Обучающийся зачислен', en: 'Pupil admitted' },
    };
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Класс {name}', en: 'Class {name}' }, { name: className(c) }),
      <ClassView
        classId={c.id}
        name={className(c)}
        yearId={year.id}
        yearName={year.name}
        schoolName={school.shortName}
        onDate={onDate}
        classTeacherName={teacherName}
        pupils={pupils.map((p) => ({ id: p.id, name: personFullName(p), birthDate: p.birthDate, startsOn: p.startsOn }))}
        assignments={assignments.map((a) => ({ id: a.id, subject: request.locale === 'ru' ? a.subjectNameRu : a.subjectNameEn, subgroup: a.subgroupName, teacher: a.teacherName }))}
        subgroups={subgroups.map((g) => ({ id: g.id, name: g.name, members: g.pupilIds.map((id) => pupilName.get(id) ?? '').filter(Boolean) }))}
        subgroupErrors={state.subgroupErrors}
        canEdit={canEdit}
        canMove={canMovePupils(request.actor, schoolScopeOf(c)) && year.status === 'open'}
        teachers={canEdit ? await teacherOptions(context, school.id) : []}
        values={state.values ?? { grade: String(c.grade), letter: c.letter, classTeacherId: c.classTeacherId ?? '' }}
        errors={state.errors ?? {}}
        notice={notices[done] ? translate(request.locale, notices[done]!) : null}
      />,
      status,
    );
  }

  app.get('/journal/classes/:id', { schema: { hide: true } }, async (request, reply) => classPage(request, reply, (request.params as { id: string }).id, {}));

  app.post('/journal/classes/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const { access, c } = await loadClass(request, id);
    authorize(request.actor, classPolicy, 'edit', access);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { grade: one(body['grade']), letter: one(body['letter']), classTeacherId: one(body['classTeacherId']) };
    const parsed = parseClassInput(values);
    if (!parsed.ok) return classPage(request, reply, id, { values, errors: parsed.errors }, 422);
    try {
      await updateClass(db, request.auditOrigin, c.id, parsed.value);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return classPage(request, reply, id, { values, errors: error.status === 409 ? { letter: error.userMessage } : error.fields }, error.status);
    }
    return redirectAfterPost(reply, `/journal/classes/${c.id}?done=saved`);
  });

  app.post('/journal/classes/:id/subgroups', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const { access, c, year } = await loadClass(request, id);
    authorize(request.actor, classPolicy, 'edit', access);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const raw = body['pupilIds'];
    const pupilIds = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    try {
      await saveSubgroup(db, request.auditOrigin, c.id, one(body['name']), pupilIds, dateInYear(year, regionToday(context)));
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      return classPage(request, reply, id, { subgroupErrors: error.status === 409 ? { name: error.userMessage } : error.fields }, error.status);
    }
    return redirectAfterPost(reply, `/journal/classes/${c.id}?done=saved`);
  });

  // API ---------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/journal/years/:id/classes',
    { schema: { tags, summary: 'Classes of an academic year', params: IdParams, response: { 200: Type.Object({ items: Type.Array(Type.Intersect([ClassSchema, Type.Object({ pupils: Type.Integer() })])) }) } } },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      const classes = await listClasses(db, year.id, dateInYear(year, regionToday(context)));
      return { items: classes.map((c) => ({ ...classJson(c), pupils: c.pupils })) };
    },
  );

  app.post(
    '/api/v1/journal/years/:id/classes',
    { schema: { tags, summary: 'Add a class to an academic year', description: 'Head of the school. The class teacher must be on the school staff. Audited.', params: IdParams, body: ClassBody, response: { 201: ClassSchema } } },
    async (request, reply) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
      const parsed = parseClassInput(request.body as Static<typeof ClassBody>);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      return reply.code(201).send(classJson(await createClass(db, request.auditOrigin, year.id, parsed.value)));
    },
  );

  app.get(
    '/api/v1/journal/classes/:id',
    {
      schema: {
        tags,
        summary: 'A class and its pupils on a date',
        description: 'Head, class teacher, the class’s teachers, supervisors in scope. The read is audited.',
        params: IdParams,
        querystring: Type.Object({ onDate: Type.Optional(Type.String({ format: 'date' })) }),
        response: { 200: Type.Object({ class: ClassSchema, onDate: Type.String({ format: 'date' }), pupils: Type.Array(PupilSchema) }) },
      },
    },
    async (request) => {
      const { c, year } = await loadClass(request, (request.params as { id: string }).id);
      const asked = (request.query as { onDate?: string }).onDate;
      const onDate = asked && isIsoDate(asked) ? asked : dateInYear(year, regionToday(context));
      const pupils = await classPupils(db, c.id, onDate);
      await recordPupilReads(db, request.auditOrigin, schoolScopeOf(c), pupils.map((p) => p.id), 'class-list', 'api');
      return {
        class: classJson(c),
        onDate,
        pupils: pupils.map((p) => ({ id: p.id, lastName: p.lastName, firstName: p.firstName, middleName: p.middleName, birthDate: p.birthDate, startsOn: p.startsOn, endsOn: p.endsOn })),
      };
    },
  );

  app.patch(
    '/api/v1/journal/classes/:id',
    { schema: { tags, summary: 'Change a class’s grade, letter or class teacher', description: 'Head of the school. Audited.', params: IdParams, body: ClassBody, response: { 200: ClassSchema } } },
    async (request) => {
      const { access, c } = await loadClass(request, (request.params as { id: string }).id);
      authorize(request.actor, classPolicy, 'edit', access);
      const parsed = parseClassInput(request.body as Static<typeof ClassBody>);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      await updateClass(db, request.auditOrigin, c.id, parsed.value);
      return classJson((await findClass(db, c.id))!);
    },
  );
}
