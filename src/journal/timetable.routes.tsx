/**
 * Timetable pages and API: a class's week and weekly template (/journal/classes/:id/timetable;
 * the head edits the template and generates a term's lessons), a teacher's week
 * (/journal/timetable/mine), and /api/v1/journal/classes/:id/… twins. Access: the class policy
 * reads, the school year policy (the head) edits (journal.policy.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Locale } from '../platform/i18n/i18n.ts';
import { isIsoDate } from '../platform/validation.ts';
import { findPersonNames, personFullName, regionToday } from '../registry/person.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { canEditSchoolYear, classPolicy, schoolYearPolicy } from './journal.policy.ts';
import { weekOfClass, weekOfTeacher, type WeekLesson } from './lesson.service.ts';
import { addDays, mondayOf } from './timetable.plan.ts';
import { addSlot, assignmentsOfClass, generateLessons, listSlots, loadClass, loadTerm, parseSlotInput, removeSlot, termsOfYear, type ClassContext } from './timetable.service.ts';
import { dayMonth } from './views/gradebook.tsx';
import { ClassTimetableView, TeacherWeekView, type WeekItem } from './views/timetable.tsx';

const tags = ['journal'];

function requireAccount(actor: Actor): void {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
}

function weekOf(value: unknown, today: string): string {
  return typeof value === 'string' && isIsoDate(value) ? mondayOf(value) : mondayOf(today);
}

function schoolOf(cls: ClassContext) {
  return { organizationId: cls.access.organizationId, municipalityId: cls.access.municipalityId };
}

async function weekItems(context: AppContext, lessons: Array<WeekLesson & { grade?: number; letter?: string }>, locale: Locale, linkable: (l: WeekLesson) => boolean): Promise<WeekItem[]> {
  const names = await findPersonNames(context.db, lessons.flatMap((l) => (l.substituteTeacherId ? [l.substituteTeacherId] : [])));
  return lessons.map((l) => {
    const notes: string[] = [];
    if (l.status === 'cancelled') notes.push(translate(locale, { ru: 'отменён', en: 'cancelled' }));
    if (l.substituteTeacherId) {
      const n = names.get(l.substituteTeacherId);
      notes.push(`${translate(locale, { ru: 'замена', en: 'substitute' })}: ${n ? personFullName(n) : '—'}`);
    }
    if (l.movedFromOn) notes.push(`${translate(locale, { ru: 'перенесён с', en: 'moved from' })} ${dayMonth(l.movedFromOn)}`);
    if (l.topic) notes.push(l.topic);
    const subject = locale === 'ru' ? l.subjectNameRu : l.subjectNameEn;
    return {
      id: l.id,
      heldOn: l.heldOn,
      lessonNumber: l.lessonNumber,
      time: l.startsAt ? `${l.startsAt}–${l.endsAt}` : null,
      label: l.grade !== undefined ? `${l.grade} «${l.letter}» — ${subject}` : subject,
      note: notes.join('; '),
      cancelled: l.status === 'cancelled',
      href: linkable(l) ? `/journal/lessons/${l.id}` : null,
    };
  });
}

const WeekSchema = Type.Array(
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    heldOn: Type.String({ format: 'date' }),
    lessonNumber: Type.Integer(),
    subjectCode: Type.String(),
    assignmentId: Type.String({ format: 'uuid' }),
    subgroupId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    status: Type.String(),
    substituteTeacherId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    topic: Type.String(),
    homework: Type.String(),
  }),
);
const SlotBody = Type.Object(
  {
    assignmentId: Type.String({ format: 'uuid' }),
    weekday: Type.Integer({ minimum: 1, maximum: 6 }),
    lessonNumber: Type.Integer({ minimum: 0, maximum: 12 }),
    validFrom: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
    validTo: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  },
  { additionalProperties: false },
);

export function registerTimetableRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function showClass(request: FastifyRequest, reply: FastifyReply, cls: ClassContext, state: { values?: Record<string, string>; errors?: FieldErrors; notice?: string | null }, status = 200) {
    const locale = request.locale;
    const editable = canEditSchoolYear(request.actor, schoolOf(cls));
    const week = weekOf((request.query as Record<string, unknown>).week, regionToday(context.clock));
    const [slots, lessons, terms, assignments] = await Promise.all([listSlots(db, cls.access.classId), weekOfClass(db, cls.access.classId, week), termsOfYear(db, cls.yearId), assignmentsOfClass(db, cls.access.classId)]);
    const names = await findPersonNames(db, assignments.map((a) => a.teacherId));
    const assignmentLabel = new Map(
      assignments.map((a) => {
        const n = names.get(a.teacherId);
        return [a.id, `${locale === 'ru' ? a.subjectNameRu : a.subjectNameEn}${a.subgroupName ? ` (${a.subgroupName})` : ''} — ${n ? personFullName(n) : '—'}`];
      }),
    );
    const title = `${translate(locale, { ru: 'Расписание', en: 'Timetable' })}: ${cls.grade} «${cls.letter}»`;
    const base = `/journal/classes/${cls.access.classId}/timetable`;
    const today = regionToday(context.clock);
    return sendPage(
      request,
      reply,
      title,
      <ClassTimetableView
        title={title}
        classId={cls.access.classId}
        slots={slots.map((s) => ({ id: s.id, weekday: s.weekday, lessonNumber: s.lessonNumber, label: assignmentLabel.get(s.assignmentId) ?? s.subjectCode, valid: s.validFrom || s.validTo ? `${s.validFrom ? dayMonth(s.validFrom) : '…'} – ${s.validTo ? dayMonth(s.validTo) : '…'}` : translate(locale, { ru: 'всегда', en: 'always' }) }))}
        editable={editable}
        assignments={[...assignmentLabel].map(([value, label]) => ({ value, label }))}
        weekDays={cls.weekDays}
        terms={terms.map((t) => ({ value: t.id, label: `${translate(locale, { ru: `${t.number} период`, en: `Term ${t.number}` })}: ${dayMonth(t.startsOn)}–${dayMonth(t.endsOn)}` }))}
        values={state.values ?? { termId: terms.find((t) => t.startsOn <= today && today <= t.endsOn)?.id ?? '' }}
        errors={state.errors ?? {}}
        notice={state.notice ?? null}
        week={{
          label: `${dayMonth(week)}–${dayMonth(addDays(week, 6))}`,
          previous: `${base}?week=${addDays(week, -7)}`,
          next: `${base}?week=${addDays(week, 7)}`,
          items: await weekItems(context, lessons, locale, () => true),
        }}
        gradebooks={editable ? [...assignmentLabel].map(([id, label]) => ({ label, href: `/journal/assignments/${id}/gradebook` })) : []}
      />,
      status,
    );
  }

  app.get('/journal/classes/:id/timetable', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const cls = await loadClass(db, (request.params as { id: string }).id);
    authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
    const done = (request.query as Record<string, unknown>).done;
    const generated = (request.query as Record<string, unknown>).generated;
    const notice =
      done === 'slot'
        ? translate(request.locale, { ru: 'Шаблон изменён', en: 'Template changed' })
        : done === 'generated'
          ? translate(request.locale, { ru: `Уроки созданы: ${String(generated ?? '')}`, en: `Lessons generated: ${String(generated ?? '')}` })
          : null;
    return showClass(request, reply, cls, { notice });
  });

  app.post('/journal/classes/:id/timetable/slots', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const cls = await loadClass(db, (request.params as { id: string }).id);
    authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
    authorize(request.actor, schoolYearPolicy, 'edit', schoolOf(cls));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(['assignmentId', 'weekday', 'lessonNumber', 'validFrom', 'validTo'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
    const parsed = parseSlotInput(body, cls.weekDays);
    if (!parsed.ok) return showClass(request, reply, cls, { values, errors: parsed.errors }, 422);
    try {
      await addSlot(db, request.auditOrigin, cls, parsed.value);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return showClass(request, reply, cls, { values, errors: error.fields }, 422);
    }
    return redirectAfterPost(reply, `/journal/classes/${cls.access.classId}/timetable?done=slot`);
  });

  app.post('/journal/classes/:id/timetable/slots/:slotId/delete', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const params = request.params as { id: string; slotId: string };
    const cls = await loadClass(db, params.id);
    authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
    authorize(request.actor, schoolYearPolicy, 'edit', schoolOf(cls));
    await removeSlot(db, request.auditOrigin, cls, params.slotId);
    return redirectAfterPost(reply, `/journal/classes/${cls.access.classId}/timetable?done=slot`);
  });

  app.post('/journal/classes/:id/timetable/generate', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const cls = await loadClass(db, (request.params as { id: string }).id);
    authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
    authorize(request.actor, schoolYearPolicy, 'edit', schoolOf(cls));
    const termId = (request.body as Record<string, unknown> | undefined)?.termId;
    const term = await loadTerm(db, typeof termId === 'string' ? termId : '');
    const result = await generateLessons(db, request.auditOrigin, cls, term, context.clock.now());
    return redirectAfterPost(reply, `/journal/classes/${cls.access.classId}/timetable?done=generated&generated=${result.inserted}&week=${term.startsOn}`);
  });

  app.get('/journal/timetable/mine', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const actor = request.actor;
    if (actor.kind !== 'account' || !actor.personId) throw errors.forbidden();
    const week = weekOf((request.query as Record<string, unknown>).week, regionToday(context.clock));
    const lessons = await weekOfTeacher(db, actor.personId, week);
    const locale = request.locale;
    return sendPage(
      request,
      reply,
      translate(locale, { ru: 'Моё расписание', en: 'My timetable' }),
      <TeacherWeekView
        weekLabel={`${dayMonth(week)}–${dayMonth(addDays(week, 6))}`}
        previous={`/journal/timetable/mine?week=${addDays(week, -7)}`}
        next={`/journal/timetable/mine?week=${addDays(week, 7)}`}
        items={await weekItems(context, lessons, locale, () => true)}
      />,
    );
  });

  // API -------------------------------------------------------------------------------------------

  const WeekQuery = Type.Object({ weekStart: Type.Optional(Type.String({ format: 'date', description: 'Any day of the week; default this week' })) });
  const toJson = (l: WeekLesson) => ({
    id: l.id,
    heldOn: l.heldOn,
    lessonNumber: l.lessonNumber,
    subjectCode: l.subjectCode,
    assignmentId: l.assignmentId,
    subgroupId: l.subgroupId,
    status: l.status,
    substituteTeacherId: l.substituteTeacherId,
    topic: l.topic,
    homework: l.homework,
  });

  app.get(
    '/api/v1/journal/classes/:id/week',
    {
      schema: { tags, summary: 'A class’s lessons in one week', description: 'Who reads the class: its teachers, class teacher, head, supervisors.', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), querystring: WeekQuery, response: { 200: WeekSchema } },
    },
    async (request) => {
      requireAccount(request.actor);
      const cls = await loadClass(db, (request.params as { id: string }).id);
      authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
      const week = weekOf((request.query as Static<typeof WeekQuery>).weekStart, regionToday(context.clock));
      return (await weekOfClass(db, cls.access.classId, week)).map(toJson);
    },
  );

  app.post(
    '/api/v1/journal/classes/:id/timetable/slots',
    {
      schema: { tags, summary: 'Add a slot to a class’s weekly template', description: 'The head of the school. Audited.', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: SlotBody, response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    },
    async (request, reply) => {
      requireAccount(request.actor);
      const cls = await loadClass(db, (request.params as { id: string }).id);
      authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
      authorize(request.actor, schoolYearPolicy, 'edit', schoolOf(cls));
      const parsed = parseSlotInput(request.body as Static<typeof SlotBody>, cls.weekDays);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      const row = await addSlot(db, request.auditOrigin, cls, parsed.value);
      return reply.code(201).send({ id: row.id });
    },
  );

  app.post(
    '/api/v1/journal/classes/:id/timetable/generate',
    {
      schema: {
        tags,
        summary: 'Generate (or regenerate) a term’s lessons from the class’s template',
        description: 'Idempotent; skips public and school holidays; never removes a filled lesson. The head of the school. Audited.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ termId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ inserted: Type.Integer(), removed: Type.Integer(), kept: Type.Integer() }) },
      },
    },
    async (request) => {
      requireAccount(request.actor);
      const cls = await loadClass(db, (request.params as { id: string }).id);
      authorize(request.actor, classPolicy, 'read', cls.access, { hideExistence: true });
      authorize(request.actor, schoolYearPolicy, 'edit', schoolOf(cls));
      const term = await loadTerm(db, (request.body as { termId: string }).termId);
      return generateLessons(db, request.auditOrigin, cls, term, context.clock.now());
    },
  );
}
