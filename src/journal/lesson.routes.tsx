/**
 * One lesson of the journal: the page /journal/lessons/:id (topic, homework, every pupil's mark
 * and attendance as a plain form; the history of changes; the head's substitution, move and
 * cancellation) and the JSON API under /api/v1/journal/lessons (one gradebook cell at a time, the
 * lesson's fields). Handlers: validate → authenticate → load → authorize (lesson.policy.ts) →
 * service → render; the page and the API call the same service functions.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { formatDate, formatDateTime, translate, type Locale } from '../platform/i18n/i18n.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { canEditSchoolYear } from './journal.policy.ts';
import { formErrorsOf } from './closed-year.ts';
import { lessonAccessOf, lessonPolicy } from './lesson.policy.ts';
import { attendanceCodes } from './lesson.schema.ts';
import { boundaryOf, parseMultipart, type UploadedFile } from './lesson.multipart.ts';
import {
  addAttachment,
  attachmentLimits,
  attachmentsOf,
  isAttendanceCode,
  loadAttachment,
  removeAttachment,
  lessonCells,
  lessonHistory,
  loadLesson,
  parseLessonInput,
  pupilsOfClass,
  recordJournalRead,
  saveCells,
  updateLesson,
  type CellChange,
  type JournalChangeRow,
  type LessonContext,
} from './lesson.service.ts';
import { changeLesson, teachersOfSchool, type LessonChange } from './timetable.service.ts';
import { attendanceNames, dayMonth } from './views/gradebook.tsx';
import { LessonFormView } from './views/lesson-form.tsx';
import { listWorkKinds } from './work-kind.service.ts';

const tags = ['journal'];

function requireAccount(actor: Actor): void {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
}

function text(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  return typeof v === 'string' ? v.trim() : '';
}

export function lessonTitle(ctx: LessonContext, locale: Locale): string {
  const subject = locale === 'ru' ? ctx.subjectNameRu : ctx.subjectNameEn;
  return `${subject}, ${ctx.grade} «${ctx.letter}», ${formatDate(locale, ctx.lesson.heldOn)}, ${translate(locale, { ru: 'урок', en: 'lesson' })} ${ctx.lesson.lessonNumber}`;
}

export function gradebookHref(ctx: { access: { assignmentId: string }; lesson: { termId: string } }): string {
  return `/journal/assignments/${ctx.access.assignmentId}/gradebook?term=${ctx.lesson.termId}`;
}

/** The posted form's cells: `mark-<pupilId>` and `attendance-<pupilId>` for each pupil shown. */
function postedCells(body: Record<string, unknown>, pupilIds: readonly string[]): { changes: CellChange[]; errors: FieldErrors } {
  const changes: CellChange[] = [];
  const fieldErrors: FieldErrors = {};
  for (const id of pupilIds) {
    const m = text(body, `mark-${id}`);
    const a = text(body, `attendance-${id}`);
    const mark = m === '' ? null : Number(m);
    if (mark !== null && !Number.isInteger(mark)) fieldErrors[`mark-${id}`] = { ru: 'Выберите отметку из списка', en: 'Choose a mark from the list' };
    if (a !== '' && !isAttendanceCode(a)) fieldErrors[`attendance-${id}`] = { ru: 'Выберите из списка', en: 'Choose from the list' };
    changes.push({ pupilId: id, mark, attendance: a === '' ? null : (a as CellChange['attendance']) });
  }
  return { changes, errors: fieldErrors };
}

function describeChange(row: JournalChangeRow, locale: Locale): { what: string; before: string; after: string } {
  const show = (v: Record<string, unknown> | null) => {
    if (!v) return '—';
    if (typeof v.value === 'number') return String(v.value);
    if (typeof v.code === 'string' && isAttendanceCode(v.code)) return translate(locale, attendanceNames[v.code]);
    return '—';
  };
  const what = row.entity === 'mark' ? { ru: 'отметка', en: 'mark' } : row.entity === 'attendance' ? { ru: 'посещаемость', en: 'attendance' } : { ru: 'итоговая', en: 'final' };
  return { what: translate(locale, what), before: show(row.before ?? null), after: show(row.after ?? null) };
}

/** Sends a homework file as a download only (never rendered inline: attachment, nosniff). */
export function sendAttachment(reply: FastifyReply, file: { mediaType: string; fileName: string; content: Buffer }) {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', `attachment; filename="file"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.content);
}

// API schemas ---------------------------------------------------------------------------------------

const CellBody = Type.Object(
  {
    pupilId: Type.String({ format: 'uuid' }),
    mark: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()], { description: 'null clears; 1 only where the year allows it' })),
    attendance: Type.Optional(Type.Union([...attendanceCodes.map((c) => Type.Literal(c)), Type.Null()], { description: 'null clears (present)' })),
  },
  { additionalProperties: false },
);
const CellSchema = Type.Object({
  pupilId: Type.String({ format: 'uuid' }),
  mark: Type.Union([Type.Integer(), Type.Null()]),
  attendance: Type.Union([...attendanceCodes.map((c) => Type.Literal(c)), Type.Null()]),
});
const LessonSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  assignmentId: Type.String({ format: 'uuid' }),
  classId: Type.String({ format: 'uuid' }),
  heldOn: Type.String({ format: 'date' }),
  lessonNumber: Type.Integer(),
  topic: Type.String(),
  homework: Type.String(),
  workKind: Type.String(),
  status: Type.String(),
  substituteTeacherId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  cells: Type.Array(CellSchema),
});
const LessonPatch = Type.Object(
  { topic: Type.String({ maxLength: 500 }), homework: Type.String({ maxLength: 4000 }), workKind: Type.Optional(Type.String({ maxLength: 40 })) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function registerLessonRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function showLesson(request: FastifyRequest, reply: FastifyReply, ctx: LessonContext, state: { values?: { topic: string; homework: string; workKind: string }; posted?: Record<string, unknown>; errors?: FieldErrors }, status = 200) {
    const locale = request.locale;
    const l = ctx.lesson;
    const access = lessonAccessOf(ctx);
    const [pupils, cells, kinds, history, files] = await Promise.all([
      pupilsOfClass(db, l.classId, ctx.subgroupId, l.heldOn, l.heldOn),
      lessonCells(db, l),
      listWorkKinds(db),
      lessonHistory(db, l.id),
      attachmentsOf(db, [l.id]),
    ]);
    const school = { organizationId: l.organizationId, municipalityId: l.municipalityId };
    const head = canEditSchoolYear(request.actor, school);
    const teacherIds = head ? await teachersOfSchool(db, l.organizationId) : [];
    const names = await findPersonNames(db, [ctx.access.teacherId, ...(l.substituteTeacherId ? [l.substituteTeacherId] : []), ...teacherIds, ...history.map((h) => h.pupilId)]);
    const nameOf = (id: string | null) => (id && names.get(id) ? personFullName(names.get(id)!) : '—');
    await recordJournalRead(db, request.auditOrigin, { entityType: 'journal-lesson', entityId: l.id, organizationId: l.organizationId, municipalityId: l.municipalityId, pupilIds: pupils.map((p) => p.id), channel: 'page' });
    const statusNames = { planned: { ru: 'запланирован', en: 'planned' }, held: { ru: 'проведён', en: 'held' }, cancelled: { ru: 'отменён', en: 'cancelled' } };
    const facts: Array<[string, string]> = [
      [translate(locale, { ru: 'Учитель', en: 'Teacher' }), nameOf(ctx.access.teacherId)],
      [translate(locale, { ru: 'Состояние', en: 'Status' }), translate(locale, statusNames[l.status])],
    ];
    if (l.substituteTeacherId) facts.push([translate(locale, { ru: 'Замена', en: 'Substitute' }), nameOf(l.substituteTeacherId)]);
    if (l.movedFromOn) facts.push([translate(locale, { ru: 'Перенесён с', en: 'Moved from' }), `${formatDate(locale, l.movedFromOn)}, ${l.movedFromNumber}`]);
    const posted = state.posted;
    const done = (request.query as Record<string, unknown>).done;
    return sendPage(
      request,
      reply,
      lessonTitle(ctx, locale),
      <LessonFormView
        title={lessonTitle(ctx, locale)}
        lessonId={l.id}
        facts={facts}
        values={state.values ?? { topic: l.topic, homework: l.homework, workKind: l.workKind }}
        workKinds={kinds.filter((k) => k.active || k.code === l.workKind).map((k) => ({ value: k.code, label: `${locale === 'ru' ? k.nameRu : k.nameEn} (×${Number(k.weight)})` }))}
        pupils={pupils.map((p) => {
          const cell = cells.get(p.id);
          return {
            id: p.id,
            fullName: p.fullName,
            mark: posted ? text(posted, `mark-${p.id}`) : cell?.mark ? String(cell.mark) : '',
            attendance: posted ? text(posted, `attendance-${p.id}`) : cell?.attendance ?? '',
          };
        })}
        allowMarkOne={ctx.allowMarkOne}
        editable={can(request.actor, lessonPolicy, 'write', access) && l.status !== 'cancelled'}
        errors={state.errors ?? {}}
        history={history.map((h) => ({ at: formatDateTime(locale, h.at), who: h.actorLabel, pupil: nameOf(h.pupilId), ...describeChange(h, locale) }))}
        gradebookHref={gradebookHref(ctx)}
        attachments={files.map((f) => ({ id: f.id, fileName: f.fileName, size: `${Math.max(1, Math.round(f.sizeBytes / 1024))} КБ`, href: `/journal/lessons/${l.id}/attachments/${f.id}` }))}
        notice={done === 'attached' ? translate(locale, { ru: 'Файл приложен', en: 'File attached' }) : done === 'saved' ? translate(locale, { ru: 'Урок сохранён', en: 'Lesson saved' }) : done === 'changed' ? translate(locale, { ru: 'Изменение внесено', en: 'Change made' }) : null}
        changes={
          head
            ? {
                teachers: teacherIds.map((id) => ({ value: id, label: nameOf(id) })).sort((a, b) => a.label.localeCompare(b.label, 'ru')),
                substituteId: l.substituteTeacherId ?? '',
                cancelled: l.status === 'cancelled',
                heldOn: l.heldOn,
                lessonNumber: l.lessonNumber,
              }
            : null
        }
      />,
      status,
    );
  }

  app.get('/journal/lessons/:id', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const ctx = await loadLesson(db, (request.params as { id: string }).id);
    authorize(request.actor, lessonPolicy, 'read', lessonAccessOf(ctx), { hideExistence: true });
    return showLesson(request, reply, ctx, {});
  });

  app.post('/journal/lessons/:id', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const ctx = await loadLesson(db, (request.params as { id: string }).id);
    authorize(request.actor, lessonPolicy, 'write', lessonAccessOf(ctx), { hideExistence: true });
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { topic: text(body, 'topic'), homework: text(body, 'homework'), workKind: text(body, 'workKind') };
    const parsed = parseLessonInput(body, await listWorkKinds(db), ctx.lesson.workKind);
    const pupils = await pupilsOfClass(db, ctx.lesson.classId, ctx.subgroupId, ctx.lesson.heldOn, ctx.lesson.heldOn);
    const cells = postedCells(body, pupils.map((p) => p.id));
    const formErrors = { ...(parsed.ok ? {} : parsed.errors), ...cells.errors };
    if (!parsed.ok || Object.keys(formErrors).length > 0) return showLesson(request, reply, ctx, { values, posted: body, errors: formErrors }, 422);
    const now = context.clock.now();
    try {
      await updateLesson(db, request.auditOrigin, ctx, parsed.value, now);
      const fresh = await loadLesson(db, ctx.lesson.id);
      await saveCells(db, request.auditOrigin, fresh, cells.changes, now);
    } catch (error) {
      const shown = formErrorsOf(error, 'year');
      if (!shown) throw error;
      return showLesson(request, reply, await loadLesson(db, ctx.lesson.id), { values, posted: body, errors: shown.fields }, shown.status);
    }
    return redirectAfterPost(reply, `/journal/lessons/${ctx.lesson.id}?done=saved`);
  });

  app.post('/journal/lessons/:id/change', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const ctx = await loadLesson(db, (request.params as { id: string }).id);
    authorize(request.actor, lessonPolicy, 'read', lessonAccessOf(ctx), { hideExistence: true });
    if (!canEditSchoolYear(request.actor, { organizationId: ctx.lesson.organizationId, municipalityId: ctx.lesson.municipalityId })) throw errors.forbidden();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const kind = text(body, 'kind');
    let change: LessonChange;
    if (kind === 'substitute') change = { kind, teacherId: text(body, 'teacherId') || null };
    else if (kind === 'cancel' || kind === 'restore') change = { kind };
    else if (kind === 'move') change = { kind, heldOn: text(body, 'heldOn'), lessonNumber: Number(text(body, 'lessonNumber')) };
    else throw errors.badRequest();
    try {
      await changeLesson(db, request.auditOrigin, ctx, change, context.clock.now());
    } catch (error) {
      const shown = formErrorsOf(error, 'year');
      if (!shown) throw error;
      return showLesson(request, reply, ctx, { errors: shown.fields }, shown.status);
    }
    return redirectAfterPost(reply, `/journal/lessons/${ctx.lesson.id}?done=changed`);
  });

  // Homework files: an upload form that works without JavaScript (multipart, read into memory
  // under the size limit, only in this scope), downloads as attachments only.
  app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: attachmentLimits.bytes + 64 * 1024 }, (request, body, done) => {
      const boundary = boundaryOf(request.headers['content-type']);
      const form = boundary ? parseMultipart(body as Buffer, boundary) : null;
      if (!form) done(errors.badRequest(), undefined);
      else done(null, { ...form.fields, file: form.file });
    });
    scope.post('/journal/lessons/:id/attachments', { schema: { hide: true } }, async (request, reply) => {
      requireAccount(request.actor);
      const ctx = await loadLesson(db, (request.params as { id: string }).id);
      authorize(request.actor, lessonPolicy, 'write', lessonAccessOf(ctx), { hideExistence: true });
      const file = ((request.body ?? {}) as { file?: UploadedFile | null }).file ?? null;
      try {
        await addAttachment(db, request.auditOrigin, ctx, { fileName: file?.fileName ?? '', content: file?.content ?? Buffer.alloc(0) }, context.clock.now());
      } catch (error) {
        const shown = formErrorsOf(error, 'file');
        if (!shown) throw error;
        return showLesson(request, reply, ctx, { errors: shown.fields }, shown.status);
      }
      return redirectAfterPost(reply, `/journal/lessons/${ctx.lesson.id}?done=attached`);
    });
  });

  app.post('/journal/lessons/:id/attachments/:attachmentId/delete', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const params = request.params as { id: string; attachmentId: string };
    const ctx = await loadLesson(db, params.id);
    authorize(request.actor, lessonPolicy, 'write', lessonAccessOf(ctx), { hideExistence: true });
    await removeAttachment(db, request.auditOrigin, ctx, (await loadAttachment(db, ctx.lesson.id, params.attachmentId)).id);
    return redirectAfterPost(reply, `/journal/lessons/${ctx.lesson.id}?done=saved`);
  });

  app.get('/journal/lessons/:id/attachments/:attachmentId', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const params = request.params as { id: string; attachmentId: string };
    const ctx = await loadLesson(db, params.id);
    authorize(request.actor, lessonPolicy, 'read', lessonAccessOf(ctx), { hideExistence: true });
    return sendAttachment(reply, await loadAttachment(db, ctx.lesson.id, params.attachmentId));
  });

  // API ---------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/journal/lessons/:id',
    {
      schema: {
        tags,
        summary: 'A lesson with its pupils’ marks (of the lesson’s kind of work) and attendance',
        description: 'The assignment’s teacher, the substitute of the lesson, the class teacher, the head. Audited as a staff read.',
        params: IdParams,
        response: { 200: LessonSchema },
      },
    },
    async (request) => {
      requireAccount(request.actor);
      const ctx = await loadLesson(db, (request.params as Static<typeof IdParams>).id);
      authorize(request.actor, lessonPolicy, 'read', lessonAccessOf(ctx), { hideExistence: true });
      const l = ctx.lesson;
      const cells = await lessonCells(db, l);
      await recordJournalRead(db, request.auditOrigin, { entityType: 'journal-lesson', entityId: l.id, organizationId: l.organizationId, municipalityId: l.municipalityId, pupilIds: [...cells.keys()], channel: 'api' });
      return {
        id: l.id,
        assignmentId: l.assignmentId,
        classId: l.classId,
        heldOn: l.heldOn,
        lessonNumber: l.lessonNumber,
        topic: l.topic,
        homework: l.homework,
        workKind: l.workKind,
        status: l.status,
        substituteTeacherId: l.substituteTeacherId,
        cells: [...cells].map(([pupilId, c]) => ({ pupilId, mark: c.mark, attendance: c.attendance })),
      };
    },
  );

  app.patch(
    '/api/v1/journal/lessons/:id',
    {
      schema: {
        tags,
        summary: 'Set a lesson’s topic, homework and kind of work',
        description: 'The assignment’s teacher, the substitute of the lesson or the head. Audited.',
        params: IdParams,
        body: LessonPatch,
        response: { 200: Type.Object({ id: Type.String({ format: 'uuid' }), topic: Type.String(), homework: Type.String(), workKind: Type.String(), status: Type.String() }) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof LessonPatch>;
      requireAccount(request.actor);
      const ctx = await loadLesson(db, (request.params as Static<typeof IdParams>).id);
      authorize(request.actor, lessonPolicy, 'write', lessonAccessOf(ctx), { hideExistence: true });
      const parsed = parseLessonInput({ workKind: ctx.lesson.workKind, ...body }, await listWorkKinds(db), ctx.lesson.workKind);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      const row = await updateLesson(db, request.auditOrigin, ctx, parsed.value, context.clock.now());
      return { id: row.id, topic: row.topic, homework: row.homework, workKind: row.workKind, status: row.status };
    },
  );

  app.post(
    '/api/v1/journal/lessons/:id/cells',
    {
      schema: {
        tags,
        summary: 'Save one gradebook cell: a pupil’s mark and/or attendance in a lesson',
        description:
          'Fields left out stay as they are; null clears. The mark is of the lesson’s kind of work; 1 only where the school year allows it. The pupil must be in the class (or subgroup) on the lesson’s day. A change after the lesson’s day keeps its history. The assignment’s teacher, the lesson’s substitute, or the head. Audited.',
        params: IdParams,
        body: CellBody,
        response: { 200: CellSchema },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof CellBody>;
      requireAccount(request.actor);
      const ctx = await loadLesson(db, (request.params as Static<typeof IdParams>).id);
      authorize(request.actor, lessonPolicy, 'write', lessonAccessOf(ctx), { hideExistence: true });
      const change: CellChange = { pupilId: body.pupilId.toLowerCase() };
      if (body.mark !== undefined) change.mark = body.mark;
      if (body.attendance !== undefined) change.attendance = body.attendance;
      const cells = await saveCells(db, request.auditOrigin, ctx, [change], context.clock.now());
      const cell = cells.get(change.pupilId) ?? { mark: null, attendance: null };
      return { pupilId: change.pupilId, mark: cell.mark, attendance: cell.attendance };
    },
  );
}

