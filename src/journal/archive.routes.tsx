/** The archive under /journal/archive: the head closes a year and downloads the class journals. */
import type { FastifyInstance } from 'fastify';
import { scopeFilter } from '../platform/access/access.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { translate } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { archiveFile, archiveItems, closeYear, findYear, yearsOfSchools } from './archive.service.ts';
import { isHeadOf } from './journal.policy.ts';
import { ArchiveView } from './views/archive.tsx';

function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function registerArchiveRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get('/journal/archive', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const scope = scopeFilter(request.actor, ['organizationHead']);
    if (scope.kind !== 'some' || scope.organizationIds.length === 0) throw errors.forbidden();
    const years = await yearsOfSchools(db, scope.organizationIds);
    const withItems = await Promise.all(years.map(async (year) => ({ year, items: await archiveItems(db, year.id), canClose: isHeadOf(request.actor, year) })));
    const done = one((request.query as Record<string, unknown>)?.done);
    const notice = done === 'closed' ? translate(request.locale, { ru: 'Учебный год закрыт; PDF журналов формируются', en: 'The year is closed; the PDFs are being made' }) : null;
    return sendPage(request, reply, translate(request.locale, { ru: 'Архив журналов', en: 'Journal archive' }), <ArchiveView years={withItems} notice={notice} />);
  });

  app.post('/journal/archive/close', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const yearId = one(body.yearId);
    if (!isUuid(yearId)) throw errors.notFound();
    const year = await findYear(db, yearId);
    if (!year || !isHeadOf(request.actor, year)) throw errors.notFound();
    if (one(body.confirm) !== 'on') throw errors.validation({ confirm: { ru: 'Подтвердите закрытие года', en: 'Confirm closing the year' } });
    await closeYear(db, request.auditOrigin, year, context.clock.now());
    return redirectAfterPost(reply, '/journal/archive?done=closed');
  });

  app.get('/journal/archive/files/:id', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const id = one((request.params as Record<string, unknown>).id);
    if (!isUuid(id)) throw errors.notFound();
    const file = await archiveFile(db, id);
    const year = file ? await findYear(db, file.yearId) : null;
    if (!file || !year || !isHeadOf(request.actor, year)) throw errors.notFound();
    await recordAudit(db, request.auditOrigin, { action: 'export', entityType: 'journal-archive', entityId: id, organizationId: year.organizationId, municipalityId: year.municipalityId });
    return reply
      // RFC 6266 §4.3: the class letter is Cyrillic, so the UTF-8 name goes in filename*
      .header('content-disposition', `attachment; filename="journal.pdf"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .header('x-content-sha256', file.sha256)
      .header('cache-control', 'no-store')
      .type('application/pdf')
      .send(file.content);
  });
}
