/**
 * The one way an application's status changes: checked against the state machine, stored as a
 * new history row with time, actor and reason, audited, and notified to the guardian — all in
 * the caller's transaction.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { actorLabel, recordAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { AppError } from '../../platform/errors.ts';
import { notifyPerson } from '../../platform/notify/notify.ts';
import { preschoolApplication, preschoolOffer, preschoolStatusChange, type ApplicationStatus } from './preschool.schema.ts';
import { canTransition, statusNames } from './status.ts';

export type ApplicationRow = typeof preschoolApplication.$inferSelect;

export class TransitionError extends AppError {
  constructor(from: ApplicationStatus, to: ApplicationStatus) {
    super(409, 'status-transition', {
      ru: `Нельзя перевести заявление из статуса «${statusNames[from].ru}» в «${statusNames[to].ru}»`,
      en: `An application cannot go from "${statusNames[from].en}" to "${statusNames[to].en}"`,
    });
  }
}

/** Locks the application row for the rest of the transaction and returns it. */
export async function lockApplication(tx: Executor, applicationId: string): Promise<ApplicationRow | undefined> {
  const [row] = await tx.select().from(preschoolApplication).where(eq(preschoolApplication.id, applicationId)).for('update');
  return row;
}

export interface StatusChange {
  to: ApplicationStatus;
  reason: string;
  /** Refuse unless the application is in this status (guards against a stale form). */
  expectedFrom?: ApplicationStatus;
}

export async function changeApplicationStatus(
  tx: Executor,
  origin: AuditOrigin,
  now: Date,
  applicationId: string,
  change: StatusChange,
): Promise<ApplicationRow> {
  const current = await lockApplication(tx, applicationId);
  if (!current) throw new AppError(404, 'not-found', { ru: 'Заявление не найдено', en: 'Application not found' });
  if (change.expectedFrom && current.status !== change.expectedFrom) throw new TransitionError(current.status, change.to);
  if (!canTransition(current.status, change.to)) throw new TransitionError(current.status, change.to);
  const [updated] = await tx
    .update(preschoolApplication)
    .set({ status: change.to, statusChangedAt: now, version: sql`${preschoolApplication.version} + 1` })
    .where(eq(preschoolApplication.id, applicationId))
    .returning();
  if (current.status === 'offered' && change.to === 'removed') {
    // A removed child keeps no place: the live offer is cancelled and its seat freed.
    await tx
      .update(preschoolOffer)
      .set({ status: 'cancelled', respondedAt: now })
      .where(and(eq(preschoolOffer.applicationId, applicationId), inArray(preschoolOffer.status, ['pending', 'accepted'])));
  }
  await recordStatusChange(tx, origin, now, updated!, current.status, change.reason);
  return updated!;
}

/** Writes the history row, the audit event and the guardian's notice of a status (also the first one). */
export async function recordStatusChange(
  tx: Executor,
  origin: AuditOrigin,
  now: Date,
  application: ApplicationRow,
  from: ApplicationStatus | null,
  reason: string,
): Promise<void> {
  await tx.insert(preschoolStatusChange).values({
    applicationId: application.id,
    fromStatus: from,
    toStatus: application.status,
    changedAt: now,
    actorAccountId: origin.actor.kind === 'account' ? origin.actor.accountId : null,
    actorLabel: actorLabel(origin.actor),
    reason,
  });
  await recordAudit(tx, origin, {
    action: from === null ? 'create' : 'update',
    entityType: 'preschoolApplication',
    entityId: application.id,
    municipalityId: application.municipalityId,
    details: { number: application.number, from, to: application.status },
  });
  const name = statusNames[application.status];
  await notifyPerson(tx, {
    personId: application.guardianId,
    subject: `Заявление № ${application.number}: ${name.ru}`,
    body: `Статус заявления в детский сад № ${application.number} изменился: «${name.ru}». Причина: ${reason}`,
    link: `/preschool/applications/${application.id}`,
  });
}
