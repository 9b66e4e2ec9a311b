/**
 * /settings/calendar: the regional administrator views and edits a year of the production
 * calendar. validate → authenticate → authorise (calendar.policy.ts) → service → render.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../access/access.ts';
import type { AppContext } from '../context.ts';
import { errors, type FieldErrors } from '../errors.ts';
import { translate } from '../i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { calendarPolicy } from './calendar.policy.ts';
import { calendarDaysText, getCalendarYear, listCalendarYears, parseCalendarYearInput, saveCalendarYear } from './calendar.service.ts';
import { CalendarYearView } from './views/calendar-year.tsx';

function yearOf(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 2000 && n <= 2100)) throw errors.notFound();
  return n;
}

export function registerCalendarRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function show(request: FastifyRequest, reply: FastifyReply, year: number, values: { source: string; confirmed: boolean; days: string } | null, fieldErrors: FieldErrors, status = 200) {
    const [calendar, years] = await Promise.all([getCalendarYear(db, year), listCalendarYears(db)]);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Производственный календарь {year}', en: 'Production calendar {year}' }, { year }),
      <CalendarYearView
        calendar={calendar}
        years={years}
        values={values ?? { source: calendar.entered?.source ?? '', confirmed: calendar.entered?.confirmed ?? false, days: calendarDaysText(calendar.days) }}
        errors={fieldErrors}
        saved={saved && status === 200}
      />,
      status,
    );
  }

  app.get('/settings/calendar', { schema: { hide: true } }, async (request, reply) => {
    const year = yearOf((request.query as Record<string, unknown>).year, Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric' }).format(context.clock.now())));
    authorize(request.actor, calendarPolicy, 'manage', null);
    return show(request, reply, year, null, {});
  });

  app.post('/settings/calendar/:year', { schema: { hide: true } }, async (request, reply) => {
    const year = yearOf((request.params as { year: string }).year, 0);
    authorize(request.actor, calendarPolicy, 'manage', null);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseCalendarYearInput(year, body);
    if (!parsed.ok) {
      const typed = { source: typeof body.source === 'string' ? body.source : '', confirmed: body.confirmed === 'on', days: typeof body.days === 'string' ? body.days : '' };
      return show(request, reply, year, typed, parsed.errors, 422);
    }
    await saveCalendarYear(db, request.auditOrigin, year, parsed.value, context.clock.now());
    return redirectAfterPost(reply, `/settings/calendar?year=${year}&saved=1`);
  });
}
