/**
 * The duplicate-merge tool for municipal operators and the regional administrator (issue 5
 * §2): pick two person records (by POST: no personal data in URLs), see them side by side with
 * what refers to each, keep one. The merge itself is the registry's service
 * (src/registry/person-merge.service.ts), which moves every reference found in the catalog.
 * Both records must lie in municipalities the actor supervises (journal.policy.ts mergePolicy).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../platform/access/access.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Locale, type Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { comparePeople, mergePeople, type MergeCandidate } from '../registry/person-merge.service.ts';
import { findPersonByDocument } from '../registry/pupil-registry.service.ts';
import { sendPage } from '../web/respond.tsx';
import { mayMergeSomePeople, mergePolicy } from './journal.policy.ts';
import { one, requireAccount } from './school-year.routes.tsx';
import { MergeCompareView, MergeDoneView, MergePickView, type MergeSide } from './views/merge.tsx';

const tags = ['registry'];
const noRecord: Message = { ru: 'Запись не найдена', en: 'No such record' };

function requireMerger(actor: Actor): void {
  requireAccount(actor);
  if (!mayMergeSomePeople(actor)) throw errors.forbidden();
}

async function resolve(context: AppContext, reference: string): Promise<string | null> {
  if (isUuid(reference)) return reference.toLowerCase();
  return reference ? findPersonByDocument(context.db, reference) : null;
}

function side(c: MergeCandidate, locale: Locale): MergeSide {
  const p = c.person;
  const l = (ru: string, en: string) => translate(locale, { ru, en });
  return {
    id: p.id,
    mergedInto: c.mergedInto,
    fields: [
      [l('Номер записи', 'Record id'), p.id],
      [l('Фамилия', 'Last name'), p.lastName],
      [l('Имя', 'First name'), p.firstName],
      [l('Отчество', 'Middle name'), p.middleName ?? ''],
      [l('Дата рождения', 'Birth date'), p.birthDate],
      [l('Пол', 'Sex'), p.sex],
      [l('СНИЛС', 'SNILS'), p.snils ?? ''],
      [l('Свидетельство о рождении', 'Birth certificate'), p.birthCertificateNumber ? `${p.birthCertificateSeries} ${p.birthCertificateNumber}` : ''],
      [l('Паспорт', 'Passport'), p.passportNumber ? `${p.passportSeries} ${p.passportNumber}` : ''],
      [l('Муниципалитет', 'Municipality'), String(p.municipalityId)],
      [l('Организация', 'Organisation'), p.organizationId ?? ''],
    ],
    references: Object.entries(c.references),
  };
}

export function registerMergeRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  /** Both records, authorised (404 outside the actor's municipalities), their read audited. */
  async function loadPair(request: FastifyRequest, aId: string, bId: string) {
    const pair = await comparePeople(db, aId, bId);
    if (!pair) throw errors.notFound();
    authorize(request.actor, mergePolicy, 'merge', { municipalityIds: pair.map((c) => c.person.municipalityId) }, { hideExistence: true });
    await recordAudit(
      db,
      request.auditOrigin,
      pair.map((c) => ({ action: 'read' as const, entityType: 'person', entityId: c.person.id, municipalityId: c.person.municipalityId, organizationId: c.person.organizationId, details: { channel: 'merge-compare' } })),
    );
    return pair;
  }

  function pickPage(request: FastifyRequest, reply: FastifyReply, values: { a: string; b: string }, fieldErrors: FieldErrors, status = 200) {
    return sendPage(request, reply, translate(request.locale, { ru: 'Объединение дублей', en: 'Merge duplicates' }), <MergePickView values={values} errors={fieldErrors} />, status);
  }

  app.get('/registry/merge', { schema: { hide: true } }, async (request, reply) => {
    requireMerger(request.actor);
    return pickPage(request, reply, { a: '', b: '' }, {});
  });

  app.post('/registry/merge/compare', { schema: { hide: true } }, async (request, reply) => {
    requireMerger(request.actor);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { a: one(body['a']), b: one(body['b']) };
    const [a, b] = [await resolve(context, values.a), await resolve(context, values.b)];
    const fieldErrors: FieldErrors = {};
    if (!a) fieldErrors['a'] = noRecord;
    if (!b) fieldErrors['b'] = noRecord;
    if (a && b && a === b) fieldErrors['b'] = { ru: 'Выберите две разные записи', en: 'Choose two different records' };
    if (Object.keys(fieldErrors).length > 0) return pickPage(request, reply, values, fieldErrors, 422);
    const pair = await loadPair(request, a!, b!);
    return sendPage(request, reply, translate(request.locale, { ru: 'Сравнение записей', en: 'Compare the records' }), <MergeCompareView sides={[side(pair[0], request.locale), side(pair[1], request.locale)]} errors={{}} />);
  });

  app.post('/registry/merge', { schema: { hide: true } }, async (request, reply) => {
    requireMerger(request.actor);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const kept = one(body['keptPersonId']);
    const merged = one(body['mergedPersonId']);
    const pair = await loadPair(request, kept, merged);
    try {
      const result = await mergePeople(db, request.auditOrigin, kept, merged, context.clock.now());
      return sendPage(
        request,
        reply,
        translate(request.locale, { ru: 'Записи объединены', en: 'Records merged' }),
        <MergeDoneView keptPersonId={result.keptPersonId} moved={Object.entries(result.moved)} dropped={Object.entries(result.dropped)} takenOver={result.takenOver} />,
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return sendPage(
        request,
        reply,
        translate(request.locale, { ru: 'Сравнение записей', en: 'Compare the records' }),
        <MergeCompareView sides={[side(pair[0], request.locale), side(pair[1], request.locale)]} errors={{ merge: error.userMessage }} />,
        409,
      );
    }
  });

  // API ---------------------------------------------------------------------------------------------

  const MergeBody = Type.Object({ keptPersonId: Type.String({ format: 'uuid' }), mergedPersonId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
  const Counts = Type.Record(Type.String(), Type.Integer());
  app.post(
    '/api/v1/registry/people/merge',
    {
      schema: {
        tags,
        summary: 'Merge a duplicate person record into the kept one',
        description: 'Municipal operator (both records in their municipality) or regional administrator. Every reference to the merged record moves; the merged record is marked, not deleted. 409 when both records hold what only one may (two accounts, two open class stays). Audited.',
        body: MergeBody,
        response: { 200: Type.Object({ keptPersonId: Type.String({ format: 'uuid' }), mergedPersonId: Type.String({ format: 'uuid' }), moved: Counts, dropped: Counts, takenOver: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      requireMerger(request.actor);
      const body = request.body as Static<typeof MergeBody>;
      await loadPair(request, body.keptPersonId, body.mergedPersonId);
      return mergePeople(db, request.auditOrigin, body.keptPersonId, body.mergedPersonId, context.clock.now());
    },
  );

}
