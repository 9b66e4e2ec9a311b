/**
 * The diary's pages under /diary (pupils and guardians), the private calendar feed at
 * /diary/feed/<token>.ics, and the JSON API GET /api/v1/diary/week. Handlers: validate →
 * authenticate → load → authorise (journal.policy.ts through canReadDiary) → service → render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../platform/errors.ts';
import type { AppContext } from '../platform/context.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isIsoDate, isUuid } from '../platform/validation.ts';
import { regionToday } from '../registry/person.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import {
  canReadDiary,
  diaryChildren,
  diaryMarks,
  diaryWeek,
  isLessonOfPupil,
  feedCalendar,
  feedState,
  noticePreference,
  pupilOfFeedToken,
  regenerateFeed,
  revokeFeed,
  setNoticePreference,
  type DiaryChild,
} from './diary.service.ts';
import { loadAttachment } from './lesson.service.ts';
import { sendAttachment } from './lesson.routes.tsx';
import { DiaryEmptyView, DiaryMarksView, DiarySettingsView, DiaryWeekView } from './views/diary.tsx';

function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

const tags = ['journal'];

export function registerDiaryRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  /** Authenticate, load the actor's children, pick the one asked for (or the first), authorise. */
  async function load(request: FastifyRequest, childParam: string): Promise<{ children: DiaryChild[]; child: DiaryChild | null }> {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (childParam && !isUuid(childParam)) throw errors.notFound();
    const children = await diaryChildren(db, request.actor);
    if (children.length === 0) {
      if (childParam) throw errors.notFound();
      return { children, child: null };
    }
    const id = childParam || children[0]!.id;
    // a child not one's own is "not found": the diary does not reveal who exists
    if (!canReadDiary(request.actor, children, id)) throw errors.notFound();
    return { children, child: children.find((c) => c.id === id)! };
  }

  app.get('/diary', { schema: { hide: true } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const { children, child } = await load(request, one(query.child));
    const title = translate(request.locale, { ru: 'Дневник', en: 'Diary' });
    if (!child) return sendPage(request, reply, title, <DiaryEmptyView />);
    const week = one(query.week);
    const day = isIsoDate(week) ? week : regionToday(context.clock);
    return sendPage(request, reply, title, <DiaryWeekView children={children} child={child} week={await diaryWeek(db, child.id, day)} />);
  });

  // A homework file of a lesson in the child's diary (their own child or themself only; any
  // other lesson is "not found"), sent as a download like the teacher's.
  app.get('/diary/lessons/:lessonId/attachments/:attachmentId', { schema: { hide: true } }, async (request, reply) => {
    const params = request.params as { lessonId: string; attachmentId: string };
    const childParam = one(((request.query ?? {}) as Record<string, unknown>).child);
    if (!isUuid(params.lessonId) || !isUuid(params.attachmentId)) throw errors.notFound();
    const { child } = await load(request, childParam);
    if (!child || !(await isLessonOfPupil(db, child.id, params.lessonId))) throw errors.notFound();
    return sendAttachment(reply, await loadAttachment(db, params.lessonId, params.attachmentId));
  });

  app.get('/diary/marks', { schema: { hide: true } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const { children, child } = await load(request, one(query.child));
    const title = translate(request.locale, { ru: 'Отметки', en: 'Marks' });
    if (!child) return sendPage(request, reply, title, <DiaryEmptyView />);
    return sendPage(request, reply, title, <DiaryMarksView children={children} child={child} marks={await diaryMarks(db, child.id, regionToday(context.clock))} />);
  });

  async function settingsPage(request: FastifyRequest, childParam: string, extra: { newFeedUrl?: string; notice?: string } = {}) {
    const { children, child } = await load(request, childParam);
    if (!child) return { children, child, page: <DiaryEmptyView /> };
    const me = request.actor.kind === 'account' ? request.actor.personId! : '';
    const preference = child.relation === 'guardian' ? await noticePreference(db, me, child.id) : null;
    const feed = await feedState(db, me, child.id);
    return {
      children,
      child,
      page: <DiarySettingsView children={children} child={child} preference={preference} feed={feed} newFeedUrl={extra.newFeedUrl ?? null} notice={extra.notice ?? null} />,
    };
  }

  app.get('/diary/settings', { schema: { hide: true } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const done = one(query.done);
    const notice = done === 'saved' ? translate(request.locale, { ru: 'Сохранено', en: 'Saved' }) : done === 'revoked' ? translate(request.locale, { ru: 'Ссылка отключена', en: 'Link revoked' }) : undefined;
    const { page } = await settingsPage(request, one(query.child), { notice });
    return sendPage(request, reply, translate(request.locale, { ru: 'Уведомления и календарь', en: 'Notices and calendar' }), page);
  });

  app.post('/diary/settings/notices', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { child } = await load(request, one(body.child));
    // notices go to guardians (the pupil has the diary itself)
    if (!child || child.relation !== 'guardian' || request.actor.kind !== 'account') throw errors.notFound();
    await setNoticePreference(db, request.actor.personId!, child.id, { marks: one(body.marks) === 'on', absences: one(body.absences) === 'on' }, context.clock.now());
    return redirectAfterPost(reply, `/diary/settings?child=${child.id}&done=saved`);
  });

  app.post('/diary/settings/feed', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { child } = await load(request, one(body.child));
    if (!child || request.actor.kind !== 'account') throw errors.notFound();
    const me = request.actor.personId!;
    const action = one(body.action);
    if (action === 'revoke') {
      await revokeFeed(db, request.auditOrigin, me, child.id, context.clock.now());
      return redirectAfterPost(reply, `/diary/settings?child=${child.id}&done=revoked`);
    }
    if (action !== 'regenerate') throw errors.badRequest();
    const token = await regenerateFeed(db, request.auditOrigin, me, child.id, context.clock.now());
    // The URL is shown once, in the response to the POST (never in a redirect's URL).
    const { page } = await settingsPage(request, child.id, { newFeedUrl: `${context.config.publicUrl}/diary/feed/${token}.ics` });
    return sendPage(request, reply, translate(request.locale, { ru: 'Уведомления и календарь', en: 'Notices and calendar' }), page);
  });

  /** The private feed: the token is the only credential; unknown or revoked → 404. */
  app.get('/diary/feed/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = one((request.params as Record<string, unknown>).file);
    const match = /^([A-Za-z0-9_-]{20,100})\.ics$/.exec(file);
    const pupilId = match ? await pupilOfFeedToken(db, match[1]!) : null;
    if (!pupilId) throw errors.notFound();
    const text = await feedCalendar(db, pupilId, regionToday(context.clock), context.clock.now());
    return reply.header('cache-control', 'private, max-age=300').type('text/calendar; charset=utf-8').send(text);
  });

  // JSON API ------------------------------------------------------------------------------------

  const Mark = Type.Object({ value: Type.Integer(), workKind: Type.String(), weight: Type.Number(), comment: Type.String() });
  const Lesson = Type.Object({
    id: Type.String({ format: 'uuid' }),
    heldOn: Type.String({ format: 'date' }),
    lessonNumber: Type.Integer(),
    startsAt: Type.Union([Type.String(), Type.Null()]),
    endsAt: Type.Union([Type.String(), Type.Null()]),
    subjectCode: Type.String(),
    subjectName: Type.String(),
    status: Type.String(),
    topic: Type.String(),
    homework: Type.String(),
    marks: Type.Array(Mark),
    attendance: Type.Union([Type.String(), Type.Null()]),
    homeworkFiles: Type.Array(
      Type.Object({
        id: Type.String({ format: 'uuid' }),
        fileName: Type.String(),
        sizeBytes: Type.Integer(),
        href: Type.String({ description: 'Download with the same session (the diary page’s link)' }),
      }),
    ),
  });
  app.get(
    '/api/v1/diary/week',
    {
      schema: {
        tags,
        summary: 'A pupil’s diary week: lessons with topic, homework and its files, marks and attendance',
        description: 'For the pupil themself or their guardian. Without `child`, the first of the account’s children.',
        querystring: Type.Object({ child: Type.Optional(Type.String({ format: 'uuid' })), week: Type.Optional(Type.String({ format: 'date' })) }),
        response: { 200: Type.Object({ pupilId: Type.String({ format: 'uuid' }), weekStart: Type.String({ format: 'date' }), lessons: Type.Array(Lesson) }) },
      },
    },
    async (request) => {
      const query = request.query as { child?: string; week?: string };
      const { child } = await load(request, query.child ?? '');
      if (!child) throw errors.notFound();
      const week = await diaryWeek(db, child.id, query.week ?? regionToday(context.clock));
      return {
        pupilId: child.id,
        weekStart: week.weekStart,
        lessons: week.days.flatMap((d) =>
          d.lessons.map((l) => ({
            id: l.id,
            heldOn: l.heldOn,
            lessonNumber: l.lessonNumber,
            startsAt: l.startsAt,
            endsAt: l.endsAt,
            subjectCode: l.subjectCode,
            subjectName: request.locale === 'ru' ? l.subjectNameRu : l.subjectNameEn,
            status: l.status,
            topic: l.topic,
            homework: l.homework,
            marks: l.marks,
            attendance: l.attendance,
            homeworkFiles: l.attachments.map((f) => ({ ...f, href: `/diary/lessons/${l.id}/attachments/${f.id}?child=${child.id}` })),
          })),
        ),
      };
    },
  );
}
