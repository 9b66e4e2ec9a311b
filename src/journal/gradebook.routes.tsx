/**
 * The gradebook: /journal/teaching (a teacher's classes and subjects) and
 * /journal/assignments/:id/gradebook?term=… (pupils × lessons of one term, keyboard-driven by
 * gradebook.js; each column header opens the lesson's form, the path without JavaScript), and
 * its JSON twin under /api/v1/journal/assignments/:id/gradebook. Cells are saved through
 * lesson.routes.tsx. Access: journal.policy.ts assignmentPolicy (+ the lesson's substitute).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authorize, can, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { translate, type Locale } from '../platform/i18n/i18n.ts';
import { regionToday } from '../registry/person.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { unfilledCount } from './completeness.routes.tsx';
import { suggestFinal } from './finals.average.ts';
import { loadAssignment, teachingOf, type AssignmentContext } from './gradebook.service.ts';
import { assignmentPolicy, canEditSchoolYear, canWriteAssignment, schoolYearPolicy } from './journal.policy.ts';
import { findAcademicYear } from './school-year.service.ts';
import { MarkScaleView } from './views/gradebook-settings.tsx';
import { allowsMarkOne, gradebook, recordJournalRead, setAllowMarkOne, weightedMarks } from './lesson.service.ts';
import { listWorkKinds } from './work-kind.service.ts';
import { termOn, termsOfYear, type TermRow } from './timetable.service.ts';
import { GradebookView } from './views/gradebook.tsx';
import { TeachingView } from './views/gradebook-list.tsx';
import { mondayOf } from './timetable.plan.ts';

const tags = ['journal'];

function requireAccount(actor: Actor): void {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
}

export function assignmentTitle(a: AssignmentContext, locale: Locale): string {
  return `${locale === 'ru' ? a.subjectNameRu : a.subjectNameEn}, ${a.grade} «${a.letter}»`;
}

/** The term named by id (must be the assignment's year), else the term of today. */
export async function pickTerm(context: AppContext, a: AssignmentContext, termId: string | undefined): Promise<{ term: TermRow; terms: TermRow[] }> {
  const terms = await termsOfYear(context.db, a.yearId);
  const term = termId ? terms.find((t) => t.id === termId) : termOn(terms, regionToday(context.clock));
  if (!term) throw errors.notFound();
  return { term, terms };
}

const GradebookQuery = Type.Object({ termId: Type.Optional(Type.String({ format: 'uuid' })) });
const GradebookSchema = Type.Object({
  assignmentId: Type.String({ format: 'uuid' }),
  termId: Type.String({ format: 'uuid' }),
  lessons: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), heldOn: Type.String({ format: 'date' }), lessonNumber: Type.Integer(), topic: Type.String(), workKind: Type.String() })),
  pupils: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      fullName: Type.String(),
      average: Type.Union([Type.Number(), Type.Null()]),
      cells: Type.Array(Type.Object({ lessonId: Type.String({ format: 'uuid' }), mark: Type.Union([Type.Integer(), Type.Null()]), attendance: Type.Union([Type.String(), Type.Null()]) })),
    }),
  ),
});

export function registerGradebookRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function read(actor: Actor, origin: Parameters<typeof recordJournalRead>[1], assignmentId: string, termId: string | undefined, channel: 'page' | 'api') {
    const a = await loadAssignment(db, assignmentId);
    authorize(actor, assignmentPolicy, 'read', a.access, { hideExistence: true });
    const { term, terms } = await pickTerm(context, a, termId);
    const grid = await gradebook(db, { id: a.access.assignmentId, classId: a.access.classId, subgroupId: a.subgroupId }, term);
    const averages = await weightedMarks(db, a.access.assignmentId, term.startsOn, term.endsOn);
    await recordJournalRead(db, origin, { entityType: 'journal-gradebook', entityId: a.access.assignmentId, organizationId: a.access.organizationId, municipalityId: a.access.municipalityId, pupilIds: grid.pupils.map((p) => p.id), channel });
    return { a, term, terms, grid, averages };
  }

  // The mark scale of a school year (1 allowed or not): the head of the school.
  async function yearForSettings(request: { actor: Actor; params: unknown }) {
    requireAccount(request.actor);
    const year = await findAcademicYear(db, (request.params as { id: string }).id);
    if (!year) throw errors.notFound();
    authorize(request.actor, schoolYearPolicy, 'edit', { organizationId: year.organizationId, municipalityId: year.municipalityId }, { hideExistence: true });
    return year;
  }

  app.get('/journal/years/:id/mark-scale', { schema: { hide: true } }, async (request, reply) => {
    const year = await yearForSettings(request);
    const title = `${translate(request.locale, { ru: 'Шкала отметок', en: 'Mark scale' })}: ${year.name}`;
    return sendPage(request, reply, title, <MarkScaleView title={title} action={`/journal/years/${year.id}/mark-scale`} allowMarkOne={await allowsMarkOne(db, year.id)} saved={(request.query as Record<string, unknown>).done === 'saved'} />);
  });

  app.post('/journal/years/:id/mark-scale', { schema: { hide: true } }, async (request, reply) => {
    const year = await yearForSettings(request);
    const values = (request.body as Record<string, unknown> | undefined)?.allowMarkOne;
    const allow = Array.isArray(values) ? values.includes('true') : values === 'true';
    await setAllowMarkOne(db, request.auditOrigin, year, allow, context.clock.now());
    return redirectAfterPost(reply, `/journal/years/${year.id}/mark-scale?done=saved`);
  });

  app.get('/journal/teaching', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const actor = request.actor;
    if (actor.kind !== 'account' || !actor.personId) throw errors.forbidden();
    const items = await teachingOf(db, actor.personId);
    const locale = request.locale;
    const rows = items.map((i) => ({
      label: `${i.grade} «${i.letter}» — ${locale === 'ru' ? i.subjectNameRu : i.subjectNameEn} (${i.yearName})`,
      gradebookHref: `/journal/assignments/${i.assignmentId}/gradebook`,
      finalsHref: `/journal/assignments/${i.assignmentId}/finals`,
      own: i.own,
    }));
    return sendPage(request, reply, translate(locale, { ru: 'Мои классы и предметы', en: 'My classes and subjects' }), <TeachingView rows={rows} weekHref={`/journal/timetable/mine?week=${mondayOf(regionToday(context.clock))}`} unfilled={await unfilledCount(context, actor)} />);
  });

  app.get('/journal/assignments/:id/gradebook', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const termId = typeof query.term === 'string' && query.term ? query.term : undefined;
    const { a, term, terms, grid, averages } = await read(request.actor, request.auditOrigin, (request.params as { id: string }).id, termId, 'page');
    const locale = request.locale;
    const kinds = new Map((await listWorkKinds(db)).map((k) => [k.code, locale === 'ru' ? k.nameRu : k.nameEn]));
    // Substitutes write only their lesson: the grid lets the assignment's writers type; others use the lesson form.
    const writer = canWriteAssignment(request.actor, a.access);
    const title = `${assignmentTitle(a, locale)}, ${translate(locale, { ru: `${term.number} период`, en: `term ${term.number}` })}`;
    const school = { organizationId: a.access.organizationId, municipalityId: a.access.municipalityId };
    return sendPage(
      request,
      reply,
      title,
      <GradebookView
        title={title}
        terms={terms.map((t) => ({ number: t.number, href: `/journal/assignments/${a.access.assignmentId}/gradebook?term=${t.id}`, current: t.id === term.id }))}
        lessons={grid.lessons.map((l) => ({ id: l.id, heldOn: l.heldOn, lessonNumber: l.lessonNumber, topic: l.topic, workKindName: kinds.get(l.workKind) ?? l.workKind, editable: writer }))}
        pupils={grid.pupils.map((p) => ({
          id: p.id,
          fullName: p.fullName,
          average: suggestFinal(averages.get(p.id) ?? []).average?.toFixed(2) ?? null,
          cells: grid.lessons.map((l) => {
            const c = grid.cells.get(`${l.id}:${p.id}`);
            return { mark: c?.mark ?? null, attendance: c?.attendance ?? null, inClass: p.from <= l.heldOn && (p.to === null || p.to >= l.heldOn) };
          }),
        }))}
        allowMarkOne={a.allowMarkOne}
        finalsHref={writer || can(request.actor, assignmentPolicy, 'read', a.access) ? `/journal/assignments/${a.access.assignmentId}/finals?term=${term.id}` : null}
        timetableHref={canEditSchoolYear(request.actor, school) ? `/journal/classes/${a.access.classId}/timetable` : null}
        notice={null}
      />,
    );
  });

  app.get(
    '/api/v1/journal/assignments/:id/gradebook',
    {
      schema: {
        tags,
        summary: 'The gradebook of a teaching assignment over one term',
        description: 'Pupils × lessons with marks (of each lesson’s kind of work), attendance and the weighted average. The assignment’s teacher, the class teacher, the head. Audited as a staff read.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: GradebookQuery,
        response: { 200: GradebookSchema },
      },
    },
    async (request) => {
      requireAccount(request.actor);
      const query = request.query as Static<typeof GradebookQuery>;
      const { a, term, grid, averages } = await read(request.actor, request.auditOrigin, (request.params as { id: string }).id, query.termId, 'api');
      return {
        assignmentId: a.access.assignmentId,
        termId: term.id,
        lessons: grid.lessons.map((l) => ({ id: l.id, heldOn: l.heldOn, lessonNumber: l.lessonNumber, topic: l.topic, workKind: l.workKind })),
        pupils: grid.pupils.map((p) => ({
          id: p.id,
          fullName: p.fullName,
          average: suggestFinal(averages.get(p.id) ?? []).average,
          cells: grid.lessons.flatMap((l) => {
            const c = grid.cells.get(`${l.id}:${p.id}`);
            return c ? [{ lessonId: l.id, mark: c.mark, attendance: c.attendance }] : [];
          }),
        })),
      };
    },
  );
}
