/**
 * A teacher's own "what is missing" page, /journal/teaching/missing, and its JSON twin
 * /api/v1/journal/teaching/missing: their past lessons still lacking a topic, attendance or
 * marks (the definitions of completeness.service.ts, shared with the completeness report).
 * Handlers: validate → authenticate → load → authorise (lesson.policy.ts ownLessonScope, then
 * lessonPolicy per lesson) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { formatDate, translate, type Locale } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { regionToday } from '../registry/person.service.ts';
import { sendPage } from '../web/respond.tsx';
import { gapKinds, isGapKind, ownLessonCounts, ownLessonsPage, ownLessonsPageSize, type OwnLesson, type OwnLessonGroup, type OwnLessonsQuery } from './completeness.service.ts';
import { canReadAssignment } from './journal.policy.ts';
import { canWriteLesson, ownLessonScope } from './lesson.policy.ts';
import { lateAfterDays } from './reports.service.ts';
import { MissingLessonsView } from './views/completeness.tsx';

const tags = ['journal'];

function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The teacher's list query from the request's filters (unknown values fall back to "all"). */
async function ownQuery(context: AppContext, actor: Actor, raw: Record<string, unknown>): Promise<OwnLessonsQuery> {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
  const scope = ownLessonScope(actor);
  if (!scope) throw errors.forbidden();
  const classId = one(raw.class);
  const subjectCode = one(raw.subject);
  const gap = one(raw.missing);
  return {
    ...scope,
    today: regionToday(context.clock),
    lateAfterDays: await lateAfterDays(context.db),
    gap: isGapKind(gap) ? gap : 'incomplete',
    overdueOnly: one(raw.period) === 'overdue',
    classId: isUuid(classId) ? classId.toLowerCase() : null,
    subjectCode: /^[a-zA-Z][a-zA-Z0-9]{1,39}$/.test(subjectCode) ? subjectCode : null,
  };
}

/** The figures of the groups the class and subject filters keep. */
function totals(groups: readonly OwnLessonGroup[], q: OwnLessonsQuery) {
  const kept = groups.filter((g) => (q.classId === null || g.classId === q.classId) && (q.subjectCode === null || g.subjectCode === q.subjectCode));
  const sum = (key: 'incomplete' | 'overdue' | 'noTopic' | 'noAttendance' | 'noMarks') => kept.reduce((n, g) => n + g[key], 0);
  return { incomplete: sum('incomplete'), overdue: sum('overdue'), noTopic: sum('noTopic'), noAttendance: sum('noAttendance'), noMarks: sum('noMarks') };
}

/** A page of the list, each lesson checked against the lesson policy (the SQL scope already keeps only the actor's). */
async function readOwnLessons(context: AppContext, actor: Actor, q: OwnLessonsQuery, cursor: string | null, limit: number) {
  const [groups, page] = await Promise.all([ownLessonCounts(context.db, q), ownLessonsPage(context.db, q, { cursor, limit })]);
  return { groups, items: page.items.filter((l) => canWriteLesson(actor, l.access)), nextCursor: page.nextCursor };
}

function missingNames(l: OwnLesson, locale: Locale): string[] {
  return [
    ...(l.noTopic ? [translate(locale, { ru: 'тема', en: 'topic' })] : []),
    ...(l.noAttendance ? [translate(locale, { ru: 'посещаемость', en: 'attendance' })] : []),
    ...(l.noMarks ? [translate(locale, { ru: 'отметки', en: 'marks' })] : []),
  ];
}

const ListQuery = Type.Object({
  class: Type.Optional(Type.String({ format: 'uuid', description: 'Only this class' })),
  subject: Type.Optional(Type.String({ maxLength: 40, description: 'Only this subject (code)' })),
  missing: Type.Optional(Type.Union(gapKinds.map((k) => Type.Literal(k)), { description: 'incomplete (no topic or no attendance; the default), topic, attendance or marks' })),
  period: Type.Optional(Type.Union([Type.Literal('past'), Type.Literal('overdue')], { description: 'past (every day before today; the default) or overdue (older than the regional N days)' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of an earlier page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: ownLessonsPageSize })),
});
const Counts = Type.Object({ incomplete: Type.Integer(), overdue: Type.Integer(), noTopic: Type.Integer(), noAttendance: Type.Integer(), noMarks: Type.Integer() });

export function registerCompletenessRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/journal/teaching/missing', { schema: { hide: true } }, async (request, reply) => {
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const q = await ownQuery(context, request.actor, raw);
    const cursor = one(raw.cursor) || null;
    const { groups, items, nextCursor } = await readOwnLessons(context, request.actor, q, cursor, ownLessonsPageSize);
    const locale = request.locale;
    const classes = new Map(groups.map((g) => [g.classId, `${g.grade} «${g.letter}»`]));
    const subjects = new Map(groups.map((g) => [g.subjectCode, locale === 'ru' ? g.subjectNameRu : g.subjectNameEn]));
    const search = new URLSearchParams();
    if (q.classId) search.set('class', q.classId);
    if (q.subjectCode) search.set('subject', q.subjectCode);
    if (q.gap !== 'incomplete') search.set('missing', q.gap);
    if (q.overdueOnly) search.set('period', 'overdue');
    const base = `/journal/teaching/missing${search.size > 0 ? `?${search}` : ''}`;
    const title = translate(locale, { ru: 'Что не заполнено в журнале', en: 'What is missing in the journal' });
    return sendPage(
      request,
      reply,
      title,
      <MissingLessonsView
        lateAfterDays={q.lateAfterDays}
        counts={totals(groups, q)}
        filters={{ classId: q.classId ?? '', subjectCode: q.subjectCode ?? '', gap: q.gap, period: q.overdueOnly ? 'overdue' : 'past' }}
        classes={[...classes].map(([value, label]) => ({ value, label }))}
        subjects={[...subjects].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, locale))}
        rows={items.map((l) => ({
          id: l.id,
          date: formatDate(locale, l.heldOn),
          lessonNumber: l.lessonNumber,
          classLabel: `${l.grade} «${l.letter}»`,
          subject: locale === 'ru' ? l.subjectNameRu : l.subjectNameEn,
          missing: missingNames(l, locale),
          overdue: l.overdue,
          lessonHref: `/journal/lessons/${l.id}`,
          // a substitute writes only the lesson, the gradebook is the assignment's
          gradebookHref: canReadAssignment(request.actor, l.access) ? `/journal/assignments/${l.access.assignmentId}/gradebook?term=${l.termId}` : null,
        }))}
        nextHref={nextCursor ? `${base}${search.size > 0 ? '&' : '?'}cursor=${encodeURIComponent(nextCursor)}` : null}
        firstHref={cursor ? base : null}
      />,
    );
  });

  app.get(
    '/api/v1/journal/teaching/missing',
    {
      schema: {
        tags,
        summary: 'The caller’s own past lessons still lacking a topic, attendance or marks',
        description:
          'Lessons that count for the caller’s person (a substitute’s lessons count for the substitute) at the schools where they work, in open years, before today; oldest first. Counts are over the class and subject filters and the period, whatever `missing` asks. The definitions are those of the journal completeness report.',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            lateAfterDays: Type.Integer(),
            counts: Counts,
            items: Type.Array(
              Type.Object({
                lessonId: Type.String({ format: 'uuid' }),
                assignmentId: Type.String({ format: 'uuid' }),
                heldOn: Type.String({ format: 'date' }),
                lessonNumber: Type.Integer(),
                classId: Type.String({ format: 'uuid' }),
                subject: Type.String(),
                noTopic: Type.Boolean(),
                noAttendance: Type.Boolean(),
                noMarks: Type.Boolean(),
                overdue: Type.Boolean(),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      const q = await ownQuery(context, request.actor, query as Record<string, unknown>);
      const { groups, items, nextCursor } = await readOwnLessons(context, request.actor, q, query.cursor ?? null, query.limit ?? ownLessonsPageSize);
      return {
        lateAfterDays: q.lateAfterDays,
        counts: totals(groups, q),
        items: items.map((l) => ({
          lessonId: l.id,
          assignmentId: l.access.assignmentId,
          heldOn: l.heldOn,
          lessonNumber: l.lessonNumber,
          classId: l.classId,
          subject: request.locale === 'ru' ? l.subjectNameRu : l.subjectNameEn,
          noTopic: l.noTopic,
          noAttendance: l.noAttendance,
          noMarks: l.noMarks,
          overdue: l.overdue,
        })),
        nextCursor,
      };
    },
  );
}

/** The number of the teacher's unfilled past lessons, for the link on their start page (0 when none or no scope). */
export async function unfilledCount(context: AppContext, actor: Actor): Promise<number> {
  if (actor.kind === 'anonymous' || !ownLessonScope(actor)) return 0;
  const q = await ownQuery(context, actor, {});
  return totals(await ownLessonCounts(context.db, q), q).incomplete;
}
