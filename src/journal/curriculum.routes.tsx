/**
 * Curriculum and teaching load: the year's hours per week by grade and the teaching assignments
 * (pages under /journal/years/:id/curriculum and …/assignments for the head), the regional list
 * of subjects (/journal/subjects, edited by the regional administrator), and the JSON API.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Locale } from '../platform/i18n/i18n.ts';
import { personFullName } from '../registry/person.service.ts';
import { listStaffOf } from '../registry/pupil-registry.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { className, listClasses } from './class.service.ts';
import {
  applyFederalCurriculum,
  assignTeacher,
  assignmentsOfTeacher,
  assignmentsOfYear,
  curriculumOf,
  findAssignment,
  listSubjects,
  parseAssignmentInput,
  parseSubjectInput,
  removeAssignment,
  saveCurriculum,
  saveSubject,
  subjectName,
  type AssignmentListItem,
  type HoursRow,
} from './curriculum.service.ts';
import { canEditJournalReference, canEditSchoolYear, schoolYearPolicy } from './journal.policy.ts';
import { loadYear, one, regionToday, requireAccount, schoolScopeOf } from './school-year.routes.tsx';
import { getSchool, type AcademicYearRow } from './school-year.service.ts';
import { AssignmentsView, CurriculumView, SubjectsView } from './views/curriculum.tsx';

const tags = ['journal'];

function formatHours(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
}

function parseHoursForm(body: Record<string, unknown>, codes: string[]): { rows: HoursRow[]; typed: Array<Record<string, string>>; errors: FieldErrors } {
  const rows: HoursRow[] = [];
  const typed: Array<Record<string, string>> = Array.from({ length: 11 }, () => ({}));
  const fieldErrors: FieldErrors = {};
  for (let grade = 1; grade <= 11; grade += 1) {
    for (const code of codes) {
      const name = `hours.${grade}.${code}`;
      const text = one(body[name]);
      typed[grade - 1]![code] = text;
      if (text === '') continue;
      const value = Number(text.replace(',', '.'));
      if (!Number.isFinite(value)) fieldErrors[name] = { ru: 'Часы — число', en: 'Hours are a number' };
      else rows.push({ grade, subjectCode: code, hoursPerWeek: value });
    }
  }
  return { rows, typed, errors: fieldErrors };
}

const AssignmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  classId: Type.String({ format: 'uuid' }),
  className: Type.String(),
  subgroupId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  subjectCode: Type.String(),
  teacherId: Type.String({ format: 'uuid' }),
  teacherName: Type.String(),
});
function assignmentJson(a: AssignmentListItem): Static<typeof AssignmentSchema> {
  return { id: a.id, classId: a.classId, className: a.className, subgroupId: a.subgroupId, subjectCode: a.subjectCode, teacherId: a.teacherId, teacherName: a.teacherName };
}
const HoursSchema = Type.Object({ grade: Type.Integer({ minimum: 1, maximum: 11 }), subjectCode: Type.String({ maxLength: 40 }), hoursPerWeek: Type.Number({ minimum: 0, maximum: 10 }) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function registerCurriculumRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  // Curriculum --------------------------------------------------------------------------------------

  async function curriculumPage(request: FastifyRequest, reply: FastifyReply, year: AcademicYearRow, state: { typed?: Array<Record<string, string>>; errors?: FieldErrors }, status = 200) {
    const canEdit = canEditSchoolYear(request.actor, schoolScopeOf(year));
    if (canEdit && (await curriculumOf(db, year.id)).length === 0) await applyFederalCurriculum(db, year.id);
    const [school, subjects, rows] = await Promise.all([getSchool(db, year.organizationId), listSubjects(db, { activeOnly: true }), curriculumOf(db, year.id)]);
    const hours = state.typed ?? Array.from({ length: 11 }, (_, i) => Object.fromEntries(rows.filter((r) => r.grade === i + 1).map((r) => [r.subjectCode, formatHours(r.hoursPerWeek, 'en')])));
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Учебный план', en: 'Curriculum' }),
      <CurriculumView
        yearId={year.id}
        yearName={year.name}
        schoolName={school.shortName}
        subjects={subjects.map((s) => ({ code: s.code, name: subjectName(s, request.locale) }))}
        hours={hours}
        canEdit={canEdit && year.status === 'open'}
        errors={state.errors ?? {}}
        notice={one((request.query as Record<string, unknown>)['done']) === 'saved' ? translate(request.locale, { ru: 'Учебный план сохранён', en: 'Curriculum saved' }) : null}
      />,
      status,
    );
  }

  app.get('/journal/years/:id/curriculum', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    return curriculumPage(request, reply, year, {});
  });

  app.post('/journal/years/:id/curriculum', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
    const codes = (await listSubjects(db, { activeOnly: true })).map((s) => s.code);
    const parsed = parseHoursForm((request.body ?? {}) as Record<string, unknown>, codes);
    if (Object.keys(parsed.errors).length > 0) return curriculumPage(request, reply, year, { typed: parsed.typed, errors: parsed.errors }, 422);
    try {
      await saveCurriculum(db, request.auditOrigin, year.id, Array.from({ length: 11 }, (_, i) => i + 1), parsed.rows);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return curriculumPage(request, reply, year, { typed: parsed.typed, errors: error.fields }, 422);
    }
    return redirectAfterPost(reply, `/journal/years/${year.id}/curriculum?done=saved`);
  });

  // Assignments -------------------------------------------------------------------------------------

  async function assignmentsPage(request: FastifyRequest, reply: FastifyReply, year: AcademicYearRow, state: { values?: { classId: string; subjectCode: string; teacherId: string }; errors?: FieldErrors }, status = 200) {
    const locale = request.locale;
    const canEdit = canEditSchoolYear(request.actor, schoolScopeOf(year)) && year.status === 'open';
    const [school, rows, hours, subjects, classes, staff] = await Promise.all([
      getSchool(db, year.organizationId),
      assignmentsOfYear(db, year.id),
      curriculumOf(db, year.id),
      listSubjects(db, { activeOnly: true }),
      listClasses(db, year.id, regionToday(context)),
      canEdit ? listStaffOf(db, year.organizationId) : Promise.resolve([]),
    ]);
    const hoursOf = (a: AssignmentListItem) => hours.find((h) => h.grade === a.grade && h.subjectCode === a.subjectCode)?.hoursPerWeek ?? 0;
    const load = new Map<string, number>();
    for (const a of rows) load.set(a.teacherName, (load.get(a.teacherName) ?? 0) + hoursOf(a));
    const done = one((request.query as Record<string, unknown>)['done']);
    return sendPage(
      request,
      reply,
      translate(locale, { ru: 'Нагрузка учителей', en: 'Teaching load' }),
      <AssignmentsView
        yearId={year.id}
        yearName={year.name}
        schoolName={school.shortName}
        rows={rows.map((a) => ({ id: a.id, className: a.className, subject: locale === 'ru' ? a.subjectNameRu : a.subjectNameEn, subgroup: a.subgroupName, teacher: a.teacherName, hours: formatHours(hoursOf(a), locale) }))}
        teacherLoad={[...load.entries()].sort((a, b) => a[0].localeCompare(b[0], 'ru')).map(([teacher, h]) => ({ teacher, hours: formatHours(h, locale) }))}
        canEdit={canEdit}
        classes={classes.map((c) => ({ value: c.id, label: className(c) }))}
        subjects={subjects.map((s) => ({ value: s.code, label: subjectName(s, locale) }))}
        teachers={staff.map((s) => ({ value: s.personId, label: `${personFullName(s)} — ${s.position}` }))}
        values={state.values ?? { classId: '', subjectCode: '', teacherId: '' }}
        errors={state.errors ?? {}}
        notice={done === 'saved' ? translate(locale, { ru: 'Назначение сохранено', en: 'Assignment saved' }) : done === 'removed' ? translate(locale, { ru: 'Назначение снято', en: 'Assignment removed' }) : null}
      />,
      status,
    );
  }

  app.get('/journal/years/:id/assignments', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    return assignmentsPage(request, reply, year, {});
  });

  app.post('/journal/years/:id/assignments', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { classId: one(body['classId']), subjectCode: one(body['subjectCode']), teacherId: one(body['teacherId']) };
    const parsed = parseAssignmentInput({ ...values, subgroupId: one(body['subgroupId']) });
    if (!parsed.ok) return assignmentsPage(request, reply, year, { values, errors: parsed.errors }, 422);
    const classes = await listClasses(db, year.id, year.startsOn);
    if (!classes.some((c) => c.id === parsed.value.classId)) return assignmentsPage(request, reply, year, { values, errors: { classId: { ru: 'Выберите класс этого года', en: 'Choose a class of this year' } } }, 422);
    try {
      await assignTeacher(db, request.auditOrigin, parsed.value);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return assignmentsPage(request, reply, year, { values, errors: error.fields }, 422);
    }
    return redirectAfterPost(reply, `/journal/years/${year.id}/assignments?done=saved`);
  });

  app.post('/journal/assignments/:id/remove', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const assignment = await findAssignment(db, (request.params as { id: string }).id);
    if (!assignment) throw errors.notFound();
    authorize(request.actor, schoolYearPolicy, 'read', schoolScopeOf(assignment), { hideExistence: true });
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(assignment));
    await removeAssignment(db, request.auditOrigin, assignment.id);
    return redirectAfterPost(reply, `/journal/years/${assignment.yearId}/assignments?done=removed`);
  });

  // Subjects (regional reference data) ----------------------------------------------------------------

  async function subjectsPage(request: FastifyRequest, reply: FastifyReply, state: { values?: Record<string, string>; errors?: FieldErrors }, status = 200) {
    requireAccount(request.actor);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Учебные предметы', en: 'School subjects' }),
      <SubjectsView
        subjects={await listSubjects(db)}
        canEdit={canEditJournalReference(request.actor)}
        values={state.values ?? { sort: '500', active: 'true' }}
        errors={state.errors ?? {}}
        notice={one((request.query as Record<string, unknown>)['done']) === 'saved' ? translate(request.locale, { ru: 'Предмет сохранён', en: 'Subject saved' }) : null}
      />,
      status,
    );
  }

  app.get('/journal/subjects', { schema: { hide: true } }, async (request, reply) => subjectsPage(request, reply, {}));

  app.post('/journal/subjects', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    if (!canEditJournalReference(request.actor)) throw errors.forbidden();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(['code', 'nameRu', 'nameEn', 'sort', 'active'].map((k) => [k, one(body[k])]));
    const parsed = parseSubjectInput(values);
    if (!parsed.ok) return subjectsPage(request, reply, { values, errors: parsed.errors }, 422);
    await saveSubject(db, request.auditOrigin, parsed.value);
    return redirectAfterPost(reply, '/journal/subjects?done=saved');
  });

  // API ---------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/journal/subjects',
    { schema: { tags, summary: 'The regional list of school subjects', response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), nameRu: Type.String(), nameEn: Type.String(), sort: Type.Integer(), active: Type.Boolean() })) }) } } },
    async (request) => {
      requireAccount(request.actor);
      return { items: await listSubjects(db) };
    },
  );

  app.get(
    '/api/v1/journal/years/:id/curriculum',
    { schema: { tags, summary: 'Hours per week by grade of a year', params: IdParams, response: { 200: Type.Object({ items: Type.Array(HoursSchema) }) } } },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      return { items: await curriculumOf(db, year.id) };
    },
  );

  app.put(
    '/api/v1/journal/years/:id/curriculum',
    {
      schema: {
        tags,
        summary: 'Replace the hours of the given grades of a year',
        description: 'Head of the school. Grades not listed keep their hours; 0 removes a subject. Audited.',
        params: IdParams,
        body: Type.Object({ grades: Type.Array(Type.Integer({ minimum: 1, maximum: 11 }), { minItems: 1, maxItems: 11 }), hours: Type.Array(HoursSchema, { maxItems: 500 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(HoursSchema) }) },
      },
    },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
      const body = request.body as { grades: number[]; hours: HoursRow[] };
      await saveCurriculum(db, request.auditOrigin, year.id, body.grades, body.hours);
      return { items: await curriculumOf(db, year.id) };
    },
  );

  app.get(
    '/api/v1/journal/years/:id/assignments',
    { schema: { tags, summary: 'Teaching assignments of a year', params: IdParams, response: { 200: Type.Object({ items: Type.Array(AssignmentSchema) }) } } },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      return { items: (await assignmentsOfYear(db, year.id)).map(assignmentJson) };
    },
  );

  const AssignBody = Type.Object(
    { classId: Type.String({ format: 'uuid' }), subgroupId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])), subjectCode: Type.String({ maxLength: 40 }), teacherId: Type.String({ format: 'uuid' }) },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/journal/years/:id/assignments',
    { schema: { tags, summary: 'Assign a teacher to a class (or subgroup) and subject', description: 'Head of the school; the teacher must be on its staff. An existing assignment gets the new teacher. Audited.', params: IdParams, body: AssignBody, response: { 201: AssignmentSchema } } },
    async (request, reply) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
      const parsed = parseAssignmentInput(request.body as Record<string, unknown>);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      const classes = await listClasses(db, year.id, year.startsOn);
      if (!classes.some((c) => c.id === parsed.value.classId)) throw errors.validation({ classId: { ru: 'Выберите класс этого года', en: 'Choose a class of this year' } });
      const id = await assignTeacher(db, request.auditOrigin, parsed.value);
      return reply.code(201).send(assignmentJson((await findAssignment(db, id))!));
    },
  );

  app.get(
    '/api/v1/journal/my/assignments',
    { schema: { tags, summary: 'The signed-in teacher’s own assignments', response: { 200: Type.Object({ items: Type.Array(AssignmentSchema) }) } } },
    async (request) => {
      requireAccount(request.actor);
      if (request.actor.kind !== 'account' || !request.actor.personId) return { items: [] };
      const mine = await assignmentsOfTeacher(db, request.actor.personId);
      // Only at schools where the account still holds a grant.
      const schools = new Set(request.actor.grants.flatMap((g) => (g.organizationId ? [g.organizationId] : [])));
      return { items: mine.filter((a) => schools.has(a.organizationId)).map(assignmentJson) };
    },
  );
}
