/**
 * Offers of a place (направления): issued by a committed allocation run, accepted or declined by
 * the guardian before the deadline (settings.offerAcceptanceDays), enrolled by the head of the
 * kindergarten, expired by the deadline job. A declined or expired offer stops holding its seat
 * (free places count only pending and accepted offers, group.service.ts), so the next run offers
 * it again. (Order No. 236 of 15.05.2020 §§ 8–9; the municipal regulation.)
 */
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { actorLabel, recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { AppError, errors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { notifyPeople } from '../../platform/notify/notify.ts';
import { changeApplicationStatus, lockApplication, TransitionError } from './application-status.service.ts';
import { kindergartenGroup, preschoolApplication, preschoolOffer, type OfferStatus } from './preschool.schema.ts';
import { getPreschoolSettings } from './reference.service.ts';
import { canTransition, statusNames } from './status.ts';

export type OfferRow = typeof preschoolOffer.$inferSelect;

export const offerStatusNames: Record<OfferStatus, Message> = {
  pending: { ru: 'Ожидает ответа', en: 'Awaiting an answer' },
  accepted: { ru: 'Принято, ожидает зачисления', en: 'Accepted, awaiting enrolment' },
  declined: { ru: 'Отказ', en: 'Declined' },
  expired: { ru: 'Срок истёк', en: 'Expired' },
  enrolled: { ru: 'Зачислен', en: 'Enrolled' },
  cancelled: { ru: 'Отменено', en: 'Cancelled' },
};

/** The origin of changes made by the platform itself (the deadline job). */
export const systemOrigin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'job:preschool.expire-offers' };

export async function offerAcceptanceDays(db: Executor): Promise<number> {
  return (await getPreschoolSettings(db)).offerAcceptanceDays;
}

const offerReason = (runId: string) => `Выдано направление по итогам комплектования (протокол ${runId})`;

/**
 * Issues the offers of a committed run in bulk, inside the caller's transaction: each
 * application inQueue → offered, a pending offer to its group, the history row, the audit event
 * and the guardian's notice (inbox + e-mail outbox + job) — exactly what changeApplicationStatus
 * and notifyPerson write for one application (but one audit event for the batch, see below), as
 * three set-based statements and the registry's e-mail lookup instead of eight round trips per application (a main allocation issues tens of thousands of offers; the
 * end-to-end target is 15 s). Applications no longer inQueue are skipped; the caller compares
 * the returned count with what it asked for.
 */
export async function issueOffers(
  tx: Executor,
  origin: AuditOrigin,
  now: Date,
  batch: { runId: string; municipalityId: number; deadline: Date; offers: Array<{ number: string; groupId: string }> },
): Promise<number> {
  if (batch.offers.length === 0) return 0;
  // The state machine still decides: this is the inQueue → offered transition.
  if (!canTransition('inQueue', 'offered')) throw new TransitionError('inQueue', 'offered');
  const reason = offerReason(batch.runId);
  const name = statusNames.offered.ru;
  const actorAccountId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
  const payload = JSON.stringify(batch.offers.map((o) => ({ number: o.number, group_id: o.groupId })));
  const rows = await queryRows<{ id: string; number: string; guardian_id: string }>(
    tx,
    sql`WITH wanted AS (
          SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS w(number text, group_id uuid)
        ), moved AS (
          UPDATE preschool_application a
          SET status = 'offered', status_changed_at = ${now}, version = a.version + 1
          FROM wanted w
          WHERE a.number = w.number AND a.status = 'inQueue' AND a.municipality_id = ${batch.municipalityId}
          RETURNING a.id, a.number, a.guardian_id, w.group_id
        ), offers AS (
          INSERT INTO preschool_offer (application_id, group_id, run_id, status, issued_at, deadline_at)
          SELECT id, group_id, ${batch.runId}::uuid, 'pending', ${now}, ${batch.deadline} FROM moved
        ), history AS (
          INSERT INTO preschool_status_change (application_id, from_status, to_status, changed_at, actor_account_id, actor_label, reason)
          SELECT id, 'inQueue', 'offered', ${now}, ${actorAccountId}::uuid, ${actorLabel(origin.actor)}, ${reason} FROM moved
        )
        SELECT id::text AS id, number, guardian_id::text AS guardian_id FROM moved`,
  );
  await notifyPeople(
    tx,
    rows.map((r) => ({
      personId: r.guardian_id,
      subject: `Заявление № ${r.number}: ${name}`,
      body: `Статус заявления в детский сад № ${r.number} изменился: «${name}». Причина: ${reason}`,
      link: `/preschool/applications/${r.id}`,
    })),
  );
  // One audit event for the whole batch, listing every application: the audit chain's trigger
  // hashes row by row (≈ 0.4 ms each), so one event per offer would alone take 13 s for a main
  // allocation of 33,000 offers. Each application still gets its own history row above, and the
  // committed run (its stored result) names every application by number.
  await recordAudit(tx, origin, {
    action: 'update',
    entityType: 'preschoolApplication',
    entityId: null,
    municipalityId: batch.municipalityId,
    details: { from: 'inQueue', to: 'offered', runId: batch.runId, count: rows.length, applicationIds: rows.map((r) => r.id) },
  });
  return rows.length;
}

// Reading ------------------------------------------------------------------------------------

/** An offer with what the pages show: the application number, the group and kindergarten. */
export interface OfferView {
  id: string;
  applicationId: string;
  applicationNumber: string;
  municipalityId: number;
  guardianId: string;
  childId: string;
  groupId: string;
  groupName: string;
  organizationId: string;
  ageGroupCode: string;
  status: OfferStatus;
  issuedAt: Date;
  deadlineAt: Date;
  respondedAt: Date | null;
  runId: string | null;
}

function offerViewQuery(db: Executor) {
  return db
    .select({
      id: preschoolOffer.id,
      applicationId: preschoolOffer.applicationId,
      applicationNumber: preschoolApplication.number,
      municipalityId: preschoolApplication.municipalityId,
      guardianId: preschoolApplication.guardianId,
      childId: preschoolApplication.childId,
      groupId: preschoolOffer.groupId,
      groupName: kindergartenGroup.name,
      organizationId: kindergartenGroup.organizationId,
      ageGroupCode: kindergartenGroup.ageGroupCode,
      status: preschoolOffer.status,
      issuedAt: preschoolOffer.issuedAt,
      deadlineAt: preschoolOffer.deadlineAt,
      respondedAt: preschoolOffer.respondedAt,
      runId: preschoolOffer.runId,
    })
    .from(preschoolOffer)
    .innerJoin(preschoolApplication, eq(preschoolApplication.id, preschoolOffer.applicationId))
    .innerJoin(kindergartenGroup, eq(kindergartenGroup.id, preschoolOffer.groupId));
}

export async function findOffer(db: Executor, id: string): Promise<OfferView | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await offerViewQuery(db).where(eq(preschoolOffer.id, id)).limit(1);
  return row;
}

/** Every offer of an application, newest first (the guardian's page). */
export async function offersOfApplication(db: Executor, applicationId: string): Promise<OfferView[]> {
  return offerViewQuery(db).where(eq(preschoolOffer.applicationId, applicationId)).orderBy(desc(preschoolOffer.issuedAt), desc(preschoolOffer.id));
}

/** The live (pending or accepted) offer of an application, if any. */
export async function liveOfferOf(db: Executor, applicationId: string): Promise<OfferView | undefined> {
  const [row] = await offerViewQuery(db)
    .where(and(eq(preschoolOffer.applicationId, applicationId), inArray(preschoolOffer.status, ['pending', 'accepted'])))
    .limit(1);
  return row;
}

/** Offers to the groups of these kindergartens (the head's list), live first, then newest. */
export async function offersOfKindergartens(db: Executor, organizationIds: readonly string[] | null, limit = 500): Promise<OfferView[]> {
  const query = offerViewQuery(db);
  const scoped = organizationIds === null ? query : organizationIds.length === 0 ? null : query.where(inArray(kindergartenGroup.organizationId, [...organizationIds]));
  if (!scoped) return [];
  return scoped
    .orderBy(sql`CASE ${preschoolOffer.status} WHEN 'accepted' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END`, asc(preschoolOffer.deadlineAt), asc(preschoolApplication.number))
    .limit(limit);
}

// Changes ------------------------------------------------------------------------------------

const offerNotFound = () => new AppError(404, 'not-found', { ru: 'Направление не найдено', en: 'Offer not found' });

async function lockOffer(tx: Executor, id: string): Promise<OfferRow> {
  const [row] = await tx.select().from(preschoolOffer).where(eq(preschoolOffer.id, id)).for('update');
  if (!row) throw offerNotFound();
  return row;
}

function wrongOfferStatus(status: OfferStatus): AppError {
  return errors.conflict('offer-status', {
    ru: `Действие недоступно: направление в статусе «${offerStatusNames[status].ru}»`,
    en: `Not possible: the offer is "${offerStatusNames[status].en}"`,
  });
}

async function setOfferStatus(tx: Executor, origin: AuditOrigin, offer: OfferRow, municipalityId: number, to: OfferStatus, now: Date): Promise<void> {
  await tx.update(preschoolOffer).set({ status: to, respondedAt: now }).where(eq(preschoolOffer.id, offer.id));
  await recordAudit(tx, origin, {
    action: 'update',
    entityType: 'preschoolOffer',
    entityId: offer.id,
    municipalityId,
    details: { applicationId: offer.applicationId, groupId: offer.groupId, from: offer.status, to },
  });
}

/** The guardian accepts a pending offer before its deadline. The application stays "offered" until enrolment. */
export async function acceptOffer(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, offerId: string): Promise<void> {
  const now = context.clock.now();
  await context.db.transaction(async (tx) => {
    const offer = await lockOffer(tx, offerId);
    if (offer.status !== 'pending') throw wrongOfferStatus(offer.status);
    if (offer.deadlineAt.getTime() < now.getTime()) {
      throw errors.conflict('offer-expired', { ru: 'Срок ответа на направление истёк', en: 'The deadline to answer the offer has passed' });
    }
    const [application] = await tx.select().from(preschoolApplication).where(eq(preschoolApplication.id, offer.applicationId));
    await setOfferStatus(tx, origin, offer, application!.municipalityId, 'accepted', now);
  });
}

/** The guardian declines a pending or accepted offer: the offer is declined, the application → declined. */
export async function declineOffer(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, offerId: string): Promise<void> {
  const now = context.clock.now();
  await context.db.transaction(async (tx) => {
    const offer = await lockOffer(tx, offerId);
    if (offer.status !== 'pending' && offer.status !== 'accepted') throw wrongOfferStatus(offer.status);
    const application = await changeApplicationStatus(tx, origin, now, offer.applicationId, {
      to: 'declined',
      reason: 'Отказ законного представителя от направления',
      expectedFrom: 'offered',
    });
    await setOfferStatus(tx, origin, offer, application.municipalityId, 'declined', now);
  });
}

/**
 * After a declined or expired offer the guardian chooses: back to the queue (the registration
 * date is kept) or off the list. Order No. 236: the child returns to the queue or is removed.
 */
export async function chooseAfterOffer(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  applicationId: string,
  choice: 'queue' | 'remove',
): Promise<void> {
  const now = context.clock.now();
  await context.db.transaction(async (tx) => {
    const [current] = await tx.select({ status: preschoolApplication.status }).from(preschoolApplication).where(eq(preschoolApplication.id, applicationId));
    if (!current) throw errors.notFound();
    if (current.status !== 'declined' && current.status !== 'offerExpired') throw new TransitionError(current.status, choice === 'queue' ? 'inQueue' : 'removed');
    await changeApplicationStatus(tx, origin, now, applicationId, {
      to: choice === 'queue' ? 'inQueue' : 'removed',
      reason: choice === 'queue' ? 'Возврат в очередь по выбору законного представителя после отказа от направления' : 'Снятие с учёта по заявлению законного представителя',
      expectedFrom: current.status,
    });
  });
}

/**
 * The head enrols the child of an accepted offer: offer → enrolled, the group's occupancy + 1
 * (the seat the offer held becomes an occupied one), application → enrolled.
 */
export async function enrolOffer(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, offerId: string): Promise<void> {
  const now = context.clock.now();
  await context.db.transaction(async (tx) => {
    const offer = await lockOffer(tx, offerId);
    if (offer.status !== 'accepted') throw wrongOfferStatus(offer.status);
    const [group] = await tx.select().from(kindergartenGroup).where(eq(kindergartenGroup.id, offer.groupId)).for('update');
    const application = await changeApplicationStatus(tx, origin, now, offer.applicationId, {
      to: 'enrolled',
      reason: `Зачислен в группу «${group!.name}»`,
      expectedFrom: 'offered',
    });
    await tx
      .update(kindergartenGroup)
      .set({ occupied: sql`${kindergartenGroup.occupied} + 1`, updatedAt: now, version: sql`${kindergartenGroup.version} + 1` })
      .where(eq(kindergartenGroup.id, group!.id));
    await setOfferStatus(tx, origin, offer, application.municipalityId, 'enrolled', now);
  });
}

/**
 * Expires pending offers whose deadline has passed (the deadlines engineer schedules this as a
 * job): offer → expired, application → offerExpired. Each offer in its own transaction so one
 * failure does not hold back the rest; SKIP LOCKED lets two workers share the work. Returns how
 * many expired.
 */
export async function expireOffers(db: AppContext['db'], now: Date, origin: AuditOrigin = systemOrigin, batchSize = 500): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await db
      .select({ id: preschoolOffer.id })
      .from(preschoolOffer)
      .where(and(eq(preschoolOffer.status, 'pending'), lt(preschoolOffer.deadlineAt, now)))
      .orderBy(asc(preschoolOffer.deadlineAt))
      .limit(batchSize);
    let done = 0;
    for (const { id } of due) {
      const changed = await db.transaction(async (tx) => {
        const [offer] = await tx.select().from(preschoolOffer).where(eq(preschoolOffer.id, id)).for('update', { skipLocked: true });
        if (!offer || offer.status !== 'pending' || offer.deadlineAt.getTime() >= now.getTime()) return false;
        // An application that left "offered" another way (removed at the desk) keeps no live
        // offer: cancel it instead of failing the batch on every run.
        const holder = await lockApplication(tx, offer.applicationId);
        if (holder?.status !== 'offered') {
          await setOfferStatus(tx, origin, offer, holder?.municipalityId ?? 0, 'cancelled', now);
          return true;
        }
        const application = await changeApplicationStatus(tx, origin, now, offer.applicationId, {
          to: 'offerExpired',
          reason: 'Истёк срок ответа на направление',
          expectedFrom: 'offered',
        });
        await setOfferStatus(tx, origin, offer, application.municipalityId, 'expired', now);
        return true;
      });
      if (changed) done += 1;
    }
    expired += done;
    if (due.length < batchSize || done === 0) return expired;
  }
}
