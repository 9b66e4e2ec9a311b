/**
 * Corrections of a closed year's journal (issue 5 §8): the head's page
 * /journal/archive/years/:id/corrections (reached from the archive) and the JSON API
 * /api/v1/journal/years/:id/corrections. Both call correction.service.ts `correctJournal`.
 * Access: journal.policy.ts `isHeadOf` — the head of the year's school (or the regional
 * administrator), as for closing the year; anyone else gets 404.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { formatDate, translate } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { findYear, reissueArchives, type YearFacts } from './archive.service.ts';
import { attendanceCodes, type AttendanceCode } from './lesson.schema.ts';
import { classesOfYear, correctionsPage, correctJournal, currentValue, REASON_MAX_LENGTH, REASON_MIN_LENGTH, staleArchives, yearDates, type CorrectionTarget } from './correction.service.ts';
import { isHeadOf } from './journal.policy.ts';
import { allowsMarkOne, recordJournalRead, pupilsOfClass } from './lesson.service.ts';
import { assignmentsOfClass, lessonsOfAssignment, termsOfYear } from './timetable.service.ts';
import { CorrectionsView, type CorrectionFormState } from './views/corrections.tsx';

function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The year by id if the actor is its school's head; 404 otherwise (existence is not revealed). */
async function yearForHead(context: AppContext, actor: Actor, id: string): Promise<YearFacts> {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
  const year = isUuid(id) ? await findYear(context.db, id) : null;
  if (!year || !isHeadOf(actor, year)) throw errors.notFound();
  return year;
}

function formOf(input: Record<string, unknown>): CorrectionFormState {
  return {
    classId: one(input.classId),
    assignmentId: one(input.assignmentId),
    pupilId: one(input.pupilId),
    target: one(input.target),
    kind: one(input.kind),
    value: one(input.value),
    code: one(input.code),
    reason: typeof input.reason === 'string' ? input.reason : '',
  };
}

/** The correction a posted form asks for, or null when a choice is missing or malformed. */
function targetOf(form: CorrectionFormState): CorrectionTarget | null {
  const value = form.value === '' ? null : Number(form.value);
  if (form.target.startsWith('lesson:')) {
    const lessonId = form.target.slice('lesson:'.length);
    if (form.kind === 'attendance') return { kind: 'attendance', lessonId, pupilId: form.pupilId, code: form.code === '' ? null : (form.code as AttendanceCode) };
    return { kind: 'mark', lessonId, pupilId: form.pupilId, value };
  }
  if (form.target === 'year') return { kind: 'final', assignmentId: form.assignmentId, termId: null, pupilId: form.pupilId, value };
  if (form.target.startsWith('term:')) return { kind: 'final', assignmentId: form.assignmentId, termId: form.target.slice('term:'.length), pupilId: form.pupilId, value };
  return null;
}

const statusLabel: Record<'planned' | 'held' | 'cancelled', { ru: string; en: string }> = {
  planned: { ru: 'без темы', en: 'no topic' },
  held: { ru: '', en: '' },
  cancelled: { ru: 'отменён', en: 'cancelled' },
};

export function registerCorrectionRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  /** Renders the page: the choices so far, the stored value, the form, the list. */
  async function show(request: FastifyRequest, reply: FastifyReply, year: YearFacts, posted: CorrectionFormState, state: { errors?: FieldErrors; notice?: string | null; before?: number | null }, status = 200) {
    const locale = request.locale;
    const t = (m: { ru: string; en: string }) => translate(locale, m);
    const form = { ...posted };
    const action = `/journal/archive/years/${year.id}/corrections`;
    const dates = await yearDates(db, year.id);
    const classes = await classesOfYear(db, year.id);
    const cls = classes.find((c) => c.id === form.classId) ?? null;
    if (!cls) Object.assign(form, { classId: '', assignmentId: '', pupilId: '', target: '' });
    const assignments = cls ? await assignmentsOfClass(db, cls.id) : null;
    const assignment = assignments?.find((a) => a.id === form.assignmentId) ?? null;
    if (!assignment) Object.assign(form, { assignmentId: '', pupilId: '', target: '' });
    const [pupils, lessons, terms] = assignment
      ? await Promise.all([pupilsOfClass(db, cls!.id, assignment.subgroupId, dates.startsOn, dates.endsOn), lessonsOfAssignment(db, assignment.id, dates.startsOn, dates.endsOn), termsOfYear(db, year.id)])
      : [null, null, null];
    const lessonOptions = lessons?.map((l) => {
      const note = t(statusLabel[l.status]);
      return { value: `lesson:${l.id}`, label: `${formatDate(locale, l.heldOn)}, ${t({ ru: `${l.lessonNumber}-й урок`, en: `lesson ${l.lessonNumber}` })}${l.topic ? ` — ${l.topic}` : ''}${note ? ` (${note})` : ''}` };
    });
    const periodOptions = terms ? [...terms.map((term) => ({ value: `term:${term.id}`, label: t({ ru: `Итоговая за ${term.number} период`, en: `Final for term ${term.number}` }) })), { value: 'year', label: t({ ru: 'Итоговая за год', en: 'Year final' }) }] : null;
    const pupilChosen = pupils?.some((p) => p.id === form.pupilId) ?? false;
    const targetChosen = [...(lessonOptions ?? []), ...(periodOptions ?? [])].some((o) => o.value === form.target);
    let current: { mark: number | null; attendance: AttendanceCode | null } | { final: number | null } | null = null;
    if (assignment && pupilChosen && targetChosen) {
      const base = targetOf({ ...form, kind: 'mark', value: '', code: '' })!;
      if (base.kind === 'final') {
        const v = await currentValue(db, base);
        current = { final: v ? Number(v.value) : null };
      } else {
        const [m, a] = await Promise.all([currentValue(db, base), currentValue(db, { kind: 'attendance', lessonId: base.lessonId, pupilId: base.pupilId, code: null })]);
        current = { mark: m ? Number(m.value) : null, attendance: a ? (a.code as AttendanceCode) : null };
      }
      if (status === 200) {
        // before any input, the form shows what is stored
        if ('final' in current) form.value = current.final === null ? '' : String(current.final);
        else Object.assign(form, { value: current.mark === null ? '' : String(current.mark), code: current.attendance ?? '' });
      }
    }
    const page = await correctionsPage(db, year.id, { before: state.before ?? null });
    // 152-FZ: a staff read of pupils' journal data is audited — every pupil this page names: the
    // class's list to choose from, the chosen pupil's value and the corrections listed.
    const shown = [...new Set([...(pupils ?? []).map((p) => p.id), ...page.items.flatMap((i) => (i.pupilId ? [i.pupilId] : []))])];
    if (shown.length > 0) {
      await recordJournalRead(db, request.auditOrigin, { entityType: 'journal-correction', entityId: year.id, organizationId: year.organizationId, municipalityId: year.municipalityId, pupilIds: shown, channel: 'page' });
    }
    const query = new URLSearchParams(Object.entries({ classId: form.classId, assignmentId: form.assignmentId, pupilId: form.pupilId, target: form.target }).filter(([, v]) => v !== '')).toString();
    const listHref = (before: number | null) => `${action}?${query}${query ? '&' : ''}${before ? `before=${before}` : ''}#corrections-title`;
    return sendPage(
      request,
      reply,
      t({ ru: `Исправления журнала ${year.name}`, en: `Corrections of the ${year.name} journal` }),
      <CorrectionsView
        year={year}
        action={action}
        classes={classes.map((c) => ({ value: c.id, label: c.name }))}
        assignments={assignments?.map((a) => ({ value: a.id, label: `${locale === 'ru' ? a.subjectNameRu : a.subjectNameEn}${a.subgroupName ? ` (${a.subgroupName})` : ''}` })) ?? null}
        pupils={pupils?.map((p) => ({ value: p.id, label: p.fullName })) ?? null}
        lessons={lessonOptions ?? null}
        periods={periodOptions}
        form={form}
        current={current}
        allowMarkOne={await allowsMarkOne(db, year.id)}
        errors={state.errors ?? {}}
        notice={state.notice ?? null}
        stale={await staleArchives(db, year.id)}
        list={page.items}
        firstHref={state.before ? listHref(null) : null}
        nextHref={page.nextBefore ? listHref(page.nextBefore) : null}
      />,
      status,
    );
  }

  app.get('/journal/archive/years/:id/corrections', { schema: { hide: true } }, async (request, reply) => {
    const year = await yearForHead(context, request.actor, one((request.params as Record<string, unknown>).id));
    if (year.status !== 'closed') throw errors.notFound();
    const query = (request.query ?? {}) as Record<string, unknown>;
    const before = one(query.before);
    if (before !== '' && !/^[1-9]\d{0,17}$/.test(before)) throw errors.badRequest({ ru: 'Неверная ссылка на страницу списка', en: 'Invalid page link' });
    const done = one(query.done);
    const notice =
      done === 'saved'
        ? translate(request.locale, { ru: 'Исправление сохранено', en: 'The correction is saved' })
        : done === 'reissued'
          ? translate(request.locale, { ru: 'PDF журналов формируются заново; прежние SHA-256 сохранены в журнале аудита', en: 'The PDFs are being made again; their earlier SHA-256 are kept in the audit log' })
          : null;
    return show(request, reply, year, formOf(query), { notice, before: before === '' ? null : Number(before) });
  });

  app.post('/journal/archive/years/:id/corrections', { schema: { hide: true } }, async (request, reply) => {
    const year = await yearForHead(context, request.actor, one((request.params as Record<string, unknown>).id));
    const form = formOf((request.body ?? {}) as Record<string, unknown>);
    const target = targetOf(form);
    if (!target) throw errors.notFound();
    try {
      await correctJournal(db, request.auditOrigin, year, { ...target, reason: form.reason }, context.clock.now());
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return show(request, reply, year, form, { errors: error.fields }, 422);
    }
    const back = new URLSearchParams({ classId: form.classId, assignmentId: form.assignmentId, pupilId: form.pupilId, target: form.target, done: 'saved' });
    return redirectAfterPost(reply, `/journal/archive/years/${year.id}/corrections?${back.toString()}`);
  });

  // The PDFs that no longer match the journal are made again (archive.service.ts reissueArchives).
  app.post('/journal/archive/years/:id/corrections/reissue', { schema: { hide: true } }, async (request, reply) => {
    const year = await yearForHead(context, request.actor, one((request.params as Record<string, unknown>).id));
    const stale = await staleArchives(db, year.id);
    await reissueArchives(db, request.auditOrigin, year, stale.map((s) => s.classId), context.clock.now());
    return redirectAfterPost(reply, `/journal/archive/years/${year.id}/corrections?done=reissued`);
  });

  const common = { pupilId: Type.String({ format: 'uuid' }), reason: Type.String({ minLength: REASON_MIN_LENGTH, maxLength: REASON_MAX_LENGTH, description: 'Why, e.g. the order that allows it' }) };
  const Mark = Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()], { description: 'null removes the mark; 1 only where the year allows it' });
  const CorrectionBody = Type.Union([
    Type.Object(
      { kind: Type.Optional(Type.Literal('mark', { description: 'the default' })), lessonId: Type.String({ format: 'uuid' }), mark: Mark, ...common },
      { additionalProperties: false, title: 'MarkCorrection' },
    ),
    Type.Object(
      { kind: Type.Literal('attendance'), lessonId: Type.String({ format: 'uuid' }), attendance: Type.Union([Type.Union(attendanceCodes.map((c) => Type.Literal(c))), Type.Null()], { description: 'null: present' }), ...common },
      { additionalProperties: false, title: 'AttendanceCorrection' },
    ),
    Type.Object(
      { kind: Type.Literal('final'), assignmentId: Type.String({ format: 'uuid' }), termId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'null: the year final' }), mark: Mark, ...common },
      { additionalProperties: false, title: 'FinalCorrection' },
    ),
  ]);
  app.post(
    '/api/v1/journal/years/:id/corrections',
    {
      schema: {
        tags: ['journal'],
        summary: 'Correct a mark, an attendance code or a term/year final in the journal of a closed year',
        description:
          'The head of the school (or the regional administrator) only, with a reason of 5–1000 characters; recorded in journal_correction with the value before and after, kept in the journal’s history and audited. Every other write to a closed year is refused with 409.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: CorrectionBody,
        response: { 200: Type.Object({ corrected: Type.Boolean(), correctionId: Type.Integer() }) },
      },
    },
    async (request) => {
      const year = await yearForHead(context, request.actor, (request.params as { id: string }).id);
      const body = request.body as Static<typeof CorrectionBody>;
      const target: CorrectionTarget =
        body.kind === 'attendance'
          ? { kind: 'attendance', lessonId: body.lessonId, pupilId: body.pupilId, code: body.attendance }
          : body.kind === 'final'
            ? { kind: 'final', assignmentId: body.assignmentId, termId: body.termId, pupilId: body.pupilId, value: body.mark }
            : { kind: 'mark', lessonId: body.lessonId, pupilId: body.pupilId, value: body.mark };
      const correctionId = await correctJournal(db, request.auditOrigin, year, { ...target, reason: body.reason }, context.clock.now());
      return { corrected: true, correctionId };
    },
  );
}
