/**
 * Journal reports under /journal/reports: the index, and each report for a school, a
 * municipality or the region as a page, CSV or XLSX (format=csv|xlsx) from the same service
 * call. Handlers: validate → authenticate → load → authorise (reports.policy.ts) → service → render.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { findOrganization } from '../registry/organization.service.ts';
import { regionToday } from '../registry/person.service.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { toCsv, toXlsx } from './reports.export.ts';
import { canEditReportSettings, journalReportPolicy, reportScopes, type ReportTarget } from './reports.policy.ts';
import { buildReport, isReportKind, lateAfterDays, municipalityNames, setLateAfterDays, type ReportScope } from './reports.service.ts';
import { ReportIndexView, ReportView, type ReportTargetLink } from './views/reports.tsx';

function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The school year (by its starting calendar year) of a date: September starts a new one. */
function startsYearOf(today: string): number {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) >= 9 ? year : year - 1;
}

export function registerReportRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get('/journal/reports', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const scopes = reportScopes(request.actor);
    const targets: ReportTargetLink[] = [];
    if (scopes.region) targets.push({ label: translate(request.locale, { ru: 'Регион', en: 'Region' }), base: '/journal/reports/region' });
    if (scopes.municipalities.kind !== 'none') {
      const names = await municipalityNames(db, scopes.municipalities.kind === 'all' ? null : scopes.municipalities.municipalityIds);
      for (const [id, name] of names) targets.push({ label: name, base: `/journal/reports/municipality/${id}` });
    }
    if (scopes.schools.kind === 'some') {
      for (const id of scopes.schools.organizationIds) {
        const school = await findOrganization(db, id);
        if (school) targets.push({ label: school.shortName, base: `/journal/reports/school/${id}` });
      }
    }
    const today = regionToday(context.clock);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Отчёты по журналу', en: 'Journal reports' }),
      <ReportIndexView targets={targets} startsYear={startsYearOf(today)} term={1} lateAfterDays={await lateAfterDays(db)} canEditSettings={canEditReportSettings(request.actor)} />,
    );
  });

  app.post('/journal/reports/settings', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (!canEditReportSettings(request.actor)) throw errors.forbidden();
    const days = Number(one((request.body as Record<string, unknown>)?.lateAfterDays));
    if (!Number.isInteger(days) || days < 1 || days > 60) throw errors.validation({ lateAfterDays: { ru: 'От 1 до 60 дней', en: 'From 1 to 60 days' } });
    await setLateAfterDays(db, days, request.actor.accountId, context.clock.now());
    await recordAudit(db, request.auditOrigin, { action: 'update', entityType: 'journal-report-setting', entityId: '1', details: { lateAfterDays: days } });
    return redirectAfterPost(reply, '/journal/reports');
  });

  async function show(request: FastifyRequest, reply: FastifyReply, scope: ReportScope, target: ReportTarget, scopeLabel: string, base: string) {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const kind = one(query.kind);
    if (!isReportKind(kind)) throw errors.notFound();
    const today = regionToday(context.clock);
    const startsYear = /^\d{4}$/.test(one(query.year)) ? Number(one(query.year)) : startsYearOf(today);
    const termNumber = /^[1-4]$/.test(one(query.term)) ? Number(one(query.term)) : 1;
    authorize(request.actor, journalReportPolicy, 'read', target, { hideExistence: true });
    const table = await buildReport(db, { scope, startsYear, termNumber, kind, today });
    const format = one(query.format);
    if (scope.kind === 'school') {
      // A school's report names pupils (attendance) and teachers: a staff read, audited (152-FZ).
      await recordAudit(db, request.auditOrigin, { action: format ? 'export' : 'read', entityType: 'journal-report', entityId: kind, organizationId: scope.organizationId, details: { startsYear, termNumber } });
    }
    const fileName = `report-${kind}-${startsYear}-${termNumber}`;
    if (format === 'csv') return reply.header('content-disposition', `attachment; filename="${fileName}.csv"`).header('cache-control', 'no-store').type('text/csv; charset=utf-8').send(toCsv(table));
    if (format === 'xlsx') {
      return reply
        .header('content-disposition', `attachment; filename="${fileName}.xlsx"`)
        .header('cache-control', 'no-store')
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(toXlsx(table));
    }
    return sendPage(request, reply, table.title, <ReportView table={table} scopeLabel={scopeLabel} base={base} query={`kind=${kind}&year=${startsYear}&term=${termNumber}`} />);
  }

  app.get('/journal/reports/school/:id', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const id = one((request.params as Record<string, unknown>).id);
    if (!isUuid(id)) throw errors.notFound();
    const school = await findOrganization(db, id);
    if (!school) throw errors.notFound();
    return show(request, reply, { kind: 'school', organizationId: id }, { kind: 'school', school: { organizationId: id, municipalityId: school.municipalityId } }, school.shortName, `/journal/reports/school/${id}`);
  });

  app.get('/journal/reports/municipality/:id', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const id = Number(one((request.params as Record<string, unknown>).id));
    if (!Number.isInteger(id) || id <= 0) throw errors.notFound();
    const names = await municipalityNames(db, [id]);
    if (!names.has(id)) throw errors.notFound();
    return show(request, reply, { kind: 'municipality', municipalityId: id }, { kind: 'municipality', municipalityId: id }, names.get(id)!, `/journal/reports/municipality/${id}`);
  });

  app.get('/journal/reports/region', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    return show(request, reply, { kind: 'region' }, { kind: 'region' }, translate(request.locale, { ru: 'Регион', en: 'Region' }), '/journal/reports/region');
  });
}
