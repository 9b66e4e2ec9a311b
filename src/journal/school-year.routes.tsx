/**
 * The school year: pages under /journal/school and /journal/years/:id for the head of the school
 * (create a year with the regional defaults, edit terms, holidays and bells), and the JSON API
 * under /api/v1/journal/years. Handlers: validate → authenticate → load → authorise
 * (journal.policy.ts) → service → render; pages and API call the same service functions.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { regionToday as regionTodayOf } from '../registry/person.service.ts';
import { listMunicipalities, municipalityName } from '../registry/region.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { canEditJournalReference, schoolListScope, schoolYearPolicy, canEditSchoolYear, type SchoolScope } from './journal.policy.ts';
import {
  countSchoolDays,
  createAcademicYear,
  findAcademicYear,
  getSchool,
  isTermKind,
  listCalendarDefaults,
  saveCalendarDefaults,
  listAcademicYears,
  saveBells,
  saveCalendar,
  schoolYearStartOf,
  schoolsInScope,
  shortTime,
  termCount,
  yearCalendar,
  type AcademicYearRow,
  type BellInput,
  type CalendarInput,
  type YearCalendar,
} from './school-year.service.ts';
import { CalendarDefaultsView, SchoolChooserView, YearCalendarView, YearListView, type CalendarValues } from './views/year.tsx';

const tags = ['journal'];

/** The first string of a form or query value, trimmed. */
export function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : Array.isArray(value) && typeof value[0] === 'string' ? value[0].trim() : '';
}

export function requireAccount(actor: Actor): void {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
}

export const schoolScopeOf = (row: { id?: string; organizationId?: string; municipalityId: number }): SchoolScope => ({
  organizationId: row.organizationId ?? row.id!,
  municipalityId: row.municipalityId,
});

/** Loads a year and authorises reading it (404 outside the actor's reach). */
export async function loadYear(context: AppContext, actor: Actor, id: string): Promise<AcademicYearRow> {
  requireAccount(actor);
  const year = isUuid(id) ? await findAcademicYear(context.db, id.toLowerCase()) : undefined;
  if (!year) throw errors.notFound();
  authorize(actor, schoolYearPolicy, 'read', schoolScopeOf(year), { hideExistence: true });
  return year;
}

export function regionToday(context: AppContext): string {
  return regionTodayOf(context.clock);
}

function calendarValues(c: YearCalendar): CalendarValues {
  return {
    startsOn: c.year.startsOn,
    endsOn: c.year.endsOn,
    weekDays: String(c.year.weekDays),
    termKind: c.year.termKind,
    terms: c.terms.map((t) => ({ startsOn: t.startsOn, endsOn: t.endsOn })),
    holidays: c.holidays.map((h) => ({ name: h.name, startsOn: h.startsOn, endsOn: h.endsOn })),
    bells: c.bells.map((b) => ({ lessonNumber: String(b.lessonNumber), startsAt: shortTime(b.startsAt), endsAt: shortTime(b.endsAt) })),
  };
}

/** Reads the calendar form (pure): rows left empty are dropped. */
export function parseCalendarForm(body: Record<string, unknown>): { values: CalendarValues; input: Omit<CalendarInput, 'version'> } {
  const termKind = isTermKind(one(body['termKind'])) ? (one(body['termKind']) as CalendarInput['termKind']) : 'quarter';
  const terms: CalendarValues['terms'] = [];
  for (let i = 1; i <= 4; i += 1) {
    const startsOn = one(body[`terms.${i}.startsOn`]);
    const endsOn = one(body[`terms.${i}.endsOn`]);
    if (startsOn || endsOn) terms.push({ startsOn, endsOn });
  }
  const holidays: CalendarValues['holidays'] = [];
  for (let i = 0; i < 30; i += 1) {
    const name = one(body[`holidays.${i}.name`]);
    const startsOn = one(body[`holidays.${i}.startsOn`]);
    const endsOn = one(body[`holidays.${i}.endsOn`]);
    if (name || startsOn || endsOn) holidays.push({ name, startsOn, endsOn });
  }
  const values: CalendarValues = { startsOn: one(body['startsOn']), endsOn: one(body['endsOn']), weekDays: one(body['weekDays']) === '6' ? '6' : '5', termKind, terms, holidays, bells: [] };
  return { values, input: { startsOn: values.startsOn, endsOn: values.endsOn, weekDays: values.weekDays === '6' ? 6 : 5, termKind, terms, holidays } };
}

function parseBellsForm(body: Record<string, unknown>): { values: CalendarValues['bells']; input: BellInput[] } {
  const values: CalendarValues['bells'] = [];
  for (let i = 0; i < 13; i += 1) {
    const lessonNumber = one(body[`bells.${i}.lessonNumber`]);
    const startsAt = one(body[`bells.${i}.startsAt`]);
    const endsAt = one(body[`bells.${i}.endsAt`]);
    if (/^\d{1,2}$/.test(lessonNumber) && (startsAt || endsAt)) values.push({ lessonNumber, startsAt, endsAt });
  }
  return { values, input: values.map((b) => ({ lessonNumber: Number(b.lessonNumber), startsAt: b.startsAt, endsAt: b.endsAt })) };
}

// API schemas -------------------------------------------------------------------------------------

const DateString = Type.String({ format: 'date' });
const TermSchema = Type.Object({ number: Type.Integer(), startsOn: DateString, endsOn: DateString });
const HolidaySchema = Type.Object({ name: Type.String({ maxLength: 200 }), startsOn: DateString, endsOn: DateString });
const BellSchema = Type.Object({ lessonNumber: Type.Integer({ minimum: 0, maximum: 12 }), startsAt: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), endsAt: Type.String({ pattern: '^\\d{2}:\\d{2}$' }) });
const YearSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organizationId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  startsOn: DateString,
  endsOn: DateString,
  weekDays: Type.Integer(),
  termKind: Type.String(),
  status: Type.String(),
  version: Type.Integer({ description: 'Send it back with PUT …/calendar: a stale version gets 409' }),
});
const CalendarSchema = Type.Object({ year: YearSchema, terms: Type.Array(TermSchema), holidays: Type.Array(HolidaySchema), bells: Type.Array(BellSchema) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

function yearJson(y: AcademicYearRow): Static<typeof YearSchema> {
  return { id: y.id, organizationId: y.organizationId, name: y.name, startsOn: y.startsOn, endsOn: y.endsOn, weekDays: y.weekDays, termKind: y.termKind, status: y.status, version: y.version };
}
function calendarJson(c: YearCalendar): Static<typeof CalendarSchema> {
  return {
    year: yearJson(c.year),
    terms: c.terms.map((t) => ({ number: t.number, startsOn: t.startsOn, endsOn: t.endsOn })),
    holidays: c.holidays.map((h) => ({ name: h.name, startsOn: h.startsOn, endsOn: h.endsOn })),
    bells: c.bells.map((b) => ({ lessonNumber: b.lessonNumber, startsAt: shortTime(b.startsAt), endsAt: shortTime(b.endsAt) })),
  };
}

export function registerSchoolYearRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function yearsPage(request: FastifyRequest, reply: FastifyReply, organizationId: string, state: { values?: { startsYear: string; weekDays: string; termKind: string }; errors?: FieldErrors }, status = 200) {
    const school = await getSchool(db, organizationId);
    authorize(request.actor, schoolYearPolicy, 'read', schoolScopeOf(school), { hideExistence: true });
    const years = await listAcademicYears(db, school.id);
    const nextStart = years.length ? Number(years[0]!.startsOn.slice(0, 4)) + 1 : schoolYearStartOf(regionToday(context));
    const notice = one((request.query as Record<string, unknown>)['done']) === 'created' ? translate(request.locale, { ru: 'Учебный год создан', en: 'Academic year created' }) : null;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Учебные годы', en: 'Academic years' }),
      <YearListView
        schoolName={school.shortName}
        organizationId={school.id}
        years={years}
        canEdit={canEditSchoolYear(request.actor, schoolScopeOf(school))}
        values={state.values ?? { startsYear: String(nextStart), weekDays: '5', termKind: 'quarter' }}
        errors={state.errors ?? {}}
        notice={notice}
      />,
      status,
    );
  }

  app.get('/journal/school', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const organizationId = one(query['organizationId']);
    if (organizationId) return yearsPage(request, reply, organizationId, {});
    const scope = schoolListScope(request.actor);
    if (scope.kind === 'none') throw errors.forbidden();
    const municipalityId = /^\d{1,6}$/.test(one(query['municipalityId'])) ? Number(one(query['municipalityId'])) : null;
    const schools = await schoolsInScope(db, scope, municipalityId);
    if (schools.length === 1 && scope.kind === 'some' && scope.municipalityIds.length === 0) return reply.code(303).redirect(`/journal/school?organizationId=${schools[0]!.id}`);
    const municipalities = scope.kind === 'all' ? (await listMunicipalities(db)).map((m) => ({ value: String(m.id), label: municipalityName(m, request.locale) })) : undefined;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Учебный год и контингент', en: 'School year and pupils' }),
      <SchoolChooserView schools={schools.map((s) => ({ value: s.id, label: s.shortName }))} municipalities={municipalities} municipalityId={municipalityId === null ? '' : String(municipalityId)} />,
    );
  });

  app.post('/journal/school/years', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const school = await getSchool(db, one(body['organizationId']));
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(school), { hideExistence: true });
    const values = { startsYear: one(body['startsYear']), weekDays: one(body['weekDays']) === '6' ? '6' : '5', termKind: isTermKind(one(body['termKind'])) ? one(body['termKind']) : 'quarter' };
    try {
      const year = await createAcademicYear(db, request.auditOrigin, schoolScopeOf(school), {
        startsYear: /^\d{4}$/.test(values.startsYear) ? Number(values.startsYear) : NaN,
        weekDays: values.weekDays === '6' ? 6 : 5,
        termKind: values.termKind as CalendarInput['termKind'],
      });
      return redirectAfterPost(reply, `/journal/years/${year.id}?done=created`);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      const fields = error.status === 409 ? { startsYear: error.userMessage } : error.fields;
      return yearsPage(request, reply, school.id, { values, errors: fields }, error.status);
    }
  });

  async function calendarPage(request: FastifyRequest, reply: FastifyReply, year: AcademicYearRow, state: { values?: CalendarValues; errors?: FieldErrors; conflict?: boolean }, status = 200) {
    const calendar = (await yearCalendar(db, year.id))!;
    const school = await getSchool(db, year.organizationId);
    const done = one((request.query as Record<string, unknown>)['done']);
    const notices: Record<string, { ru: string; en: string }> = {
      created: { ru: 'Учебный год создан по графику края. Проверьте даты.', en: 'The year was created from the Krai’s schedule. Check the dates.' },
      saved: { ru: 'Календарь сохранён', en: 'Calendar saved' },
      bells: { ru: 'Звонки сохранены', en: 'Bells saved' },
    };
    const stored = calendarValues(calendar);
    const values = state.values ? { ...state.values, bells: state.values.bells.length ? state.values.bells : stored.bells } : stored;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Учебный год {name}', en: 'Academic year {name}' }, { name: year.name }),
      <YearCalendarView
        yearId={year.id}
        yearName={year.name}
        schoolName={school.shortName}
        organizationId={school.id}
        version={calendar.year.version}
        closed={year.status === 'closed'}
        canEdit={canEditSchoolYear(request.actor, schoolScopeOf(year))}
        values={values}
        errors={state.errors ?? {}}
        conflict={state.conflict}
        notice={notices[done] ? translate(request.locale, notices[done]!) : null}
        schoolDays={await countSchoolDays(db, calendar)}
      />,
      status,
    );
  }

  app.get('/journal/years/:id', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    return calendarPage(request, reply, year, {});
  });

  app.post('/journal/years/:id/calendar', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { values, input } = parseCalendarForm(body);
    const version = /^\d{1,9}$/.test(one(body['version'])) ? Number(one(body['version'])) : 0;
    try {
      await saveCalendar(db, request.auditOrigin, year.id, { ...input, version });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'stale-version') return calendarPage(request, reply, year, { values, conflict: true }, 409);
      if (error.status === 409) return calendarPage(request, reply, year, { values, errors: { version: error.userMessage } }, 409);
      if (error.status !== 422) throw error;
      return calendarPage(request, reply, year, { values, errors: error.fields }, 422);
    }
    return redirectAfterPost(reply, `/journal/years/${year.id}?done=saved`);
  });

  app.post('/journal/years/:id/bells', { schema: { hide: true } }, async (request, reply) => {
    const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
    authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
    const { values, input } = parseBellsForm((request.body ?? {}) as Record<string, unknown>);
    try {
      await saveBells(db, request.auditOrigin, year.id, input);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      const stored = calendarValues((await yearCalendar(db, year.id))!);
      return calendarPage(request, reply, year, { values: { ...stored, bells: values }, errors: error.status === 409 ? { bells: error.userMessage } : error.fields }, error.status);
    }
    return redirectAfterPost(reply, `/journal/years/${year.id}?done=bells`);
  });

  // The Krai's default calendar (regional reference data) ------------------------------------------

  async function defaultsPage(request: FastifyRequest, reply: FastifyReply, startsYear: number, state: { values?: Pick<CalendarValues, 'terms' | 'holidays'>; errors?: FieldErrors }, status = 200) {
    requireAccount(request.actor);
    const rows = await listCalendarDefaults(db, startsYear);
    const stored = {
      terms: rows.filter((r) => r.kind === 'term').map((r) => ({ startsOn: r.startsOn, endsOn: r.endsOn })),
      holidays: rows.filter((r) => r.kind === 'holiday').map((r) => ({ name: r.nameRu, startsOn: r.startsOn, endsOn: r.endsOn })),
    };
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'График учебного года края', en: 'The Krai’s school calendar' }),
      <CalendarDefaultsView
        startsYear={startsYear}
        values={state.values ?? stored}
        canEdit={canEditJournalReference(request.actor)}
        errors={state.errors ?? {}}
        notice={one((request.query as Record<string, unknown>)['done']) === 'saved' ? translate(request.locale, { ru: 'График сохранён', en: 'Calendar saved' }) : null}
      />,
      status,
    );
  }

  app.get('/journal/calendar-defaults', { schema: { hide: true } }, async (request, reply) => {
    const asked = one((request.query as Record<string, unknown>)['year']);
    const startsYear = /^(20\d\d|2100)$/.test(asked) ? Number(asked) : schoolYearStartOf(regionToday(context));
    return defaultsPage(request, reply, startsYear, {});
  });

  app.post('/journal/calendar-defaults', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    if (!canEditJournalReference(request.actor)) throw errors.forbidden();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const startsYear = /^(20\d\d|2100)$/.test(one(body['startsYear'])) ? Number(one(body['startsYear'])) : NaN;
    if (Number.isNaN(startsYear)) throw errors.badRequest();
    const { values } = parseCalendarForm(body);
    try {
      await saveCalendarDefaults(db, request.auditOrigin, startsYear, values.terms, values.holidays);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return defaultsPage(request, reply, startsYear, { values, errors: error.fields }, 422);
    }
    return redirectAfterPost(reply, `/journal/calendar-defaults?year=${startsYear}&done=saved`);
  });

  // API ---------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/journal/years',
    {
      schema: {
        tags,
        summary: 'Academic years of a school',
        description: 'Staff of the school, its municipality’s operators, the regional administrator.',
        querystring: Type.Object({ organizationId: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Object({ items: Type.Array(YearSchema) }) },
      },
    },
    async (request) => {
      requireAccount(request.actor);
      const school = await getSchool(db, (request.query as { organizationId: string }).organizationId);
      authorize(request.actor, schoolYearPolicy, 'read', schoolScopeOf(school), { hideExistence: true });
      return { items: (await listAcademicYears(db, school.id)).map(yearJson) };
    },
  );

  const CreateBody = Type.Object(
    {
      organizationId: Type.String({ format: 'uuid' }),
      startsYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
      weekDays: Type.Optional(Type.Union([Type.Literal(5), Type.Literal(6)])),
      termKind: Type.Optional(Type.Union([Type.Literal('quarter'), Type.Literal('trimester'), Type.Literal('halfYear')])),
    },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/journal/years',
    { schema: { tags, summary: 'Create a school’s academic year with the regional default calendar and bells', description: 'Head of the school. Audited.', body: CreateBody, response: { 201: CalendarSchema } } },
    async (request, reply) => {
      requireAccount(request.actor);
      const body = request.body as Static<typeof CreateBody>;
      const school = await getSchool(db, body.organizationId);
      authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(school), { hideExistence: true });
      const year = await createAcademicYear(db, request.auditOrigin, schoolScopeOf(school), { startsYear: body.startsYear, weekDays: body.weekDays ?? 5, termKind: body.termKind ?? 'quarter' });
      return reply.code(201).send(calendarJson((await yearCalendar(db, year.id))!));
    },
  );

  app.get(
    '/api/v1/journal/years/:id',
    { schema: { tags, summary: 'A year’s calendar: terms, holidays and bells', params: IdParams, response: { 200: CalendarSchema } } },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      return calendarJson((await yearCalendar(db, year.id))!);
    },
  );

  const CalendarBody = Type.Object(
    {
      version: Type.Integer({ minimum: 1 }),
      startsOn: DateString,
      endsOn: DateString,
      weekDays: Type.Union([Type.Literal(5), Type.Literal(6)]),
      termKind: Type.Union([Type.Literal('quarter'), Type.Literal('trimester'), Type.Literal('halfYear')]),
      terms: Type.Array(Type.Object({ startsOn: DateString, endsOn: DateString }), { maxItems: 4 }),
      holidays: Type.Array(HolidaySchema, { maxItems: 30 }),
    },
    { additionalProperties: false },
  );
  app.put(
    '/api/v1/journal/years/:id/calendar',
    { schema: { tags, summary: 'Replace a year’s dates, terms and holidays', description: `Head of the school. Terms: ${Object.entries(termCount).map(([k, n]) => `${n} for ${k}`).join(', ')}. Audited.`, params: IdParams, body: CalendarBody, response: { 200: CalendarSchema } } },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
      await saveCalendar(db, request.auditOrigin, year.id, request.body as Static<typeof CalendarBody>);
      return calendarJson((await yearCalendar(db, year.id))!);
    },
  );

  app.put(
    '/api/v1/journal/years/:id/bells',
    { schema: { tags, summary: 'Replace a year’s bell schedule', description: 'Head of the school. Audited.', params: IdParams, body: Type.Object({ bells: Type.Array(BellSchema, { minItems: 1, maxItems: 13 }) }, { additionalProperties: false }), response: { 200: CalendarSchema } } },
    async (request) => {
      const year = await loadYear(context, request.actor, (request.params as { id: string }).id);
      authorize(request.actor, schoolYearPolicy, 'edit', schoolScopeOf(year));
      await saveBells(db, request.auditOrigin, year.id, (request.body as { bells: BellInput[] }).bells);
      return calendarJson((await yearCalendar(db, year.id))!);
    },
  );
}
