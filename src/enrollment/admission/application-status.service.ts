/**
 * The one way a first-grade application's status changes after receipt (and a draft's withdrawal):
 * checked against the state machine, stored as a new history row with time, actor and reason,
 * audited, and notified to the guardian — in one transaction. Receipt itself (draft → received)
 * is written set-based by the accepting path (submission.*).
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/access/access.ts';
import { actorLabel, recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { AppError } from '../../platform/errors.ts';
import { formatDateTime } from '../../platform/i18n/i18n.ts';
import { notifyPeople, notifyPerson } from '../../platform/notify/notify.ts';
import { admissionApplication, admissionStatusChange, type AdmissionStatus } from './admission.schema.ts';
import { admissionStatusNames, canMove } from './status.ts';

export type AdmissionApplicationRow = typeof admissionApplication.$inferSelect;

export class AdmissionTransitionError extends AppError {
  constructor(from: AdmissionStatus, to: AdmissionStatus) {
    super(409, 'status-transition', {
      ru: `Нельзя перевести заявление из статуса «${admissionStatusNames[from].ru}» в «${admissionStatusNames[to].ru}»`,
      en: `An application cannot go from "${admissionStatusNames[from].en}" to "${admissionStatusNames[to].en}"`,
    });
  }
}

export interface StatusChangeExtra {
  /** Run inside this transaction (the caller's) instead of a new one. */
  tx?: Executor;
  /** Refuse unless the application is in this status (a stale form). */
  expectedFrom?: AdmissionStatus;
  /** Columns written together with the status (document check, offer, order…). */
  set?: Partial<Pick<AdmissionApplicationRow, 'documentsCheckedOn' | 'documentsResult' | 'documentsNote' | 'offeredOrganizationId' | 'enrolmentOrderId' | 'decidedAt'>>;
  /** A line added to the guardian's notice. */
  noticeDetail?: string;
}

function toOrigin(actor: Actor | AuditOrigin): AuditOrigin {
  return 'actor' in actor ? actor : { actor, ip: null, requestId: null };
}

/** Changes the status of one application: history row + audit + notice to the guardian. */
export async function changeAdmissionStatus(
  context: AppContext,
  actor: Actor | AuditOrigin,
  applicationId: string,
  to: AdmissionStatus,
  reason: string,
  extra: StatusChangeExtra = {},
): Promise<AdmissionApplicationRow> {
  const work = async (tx: Executor): Promise<AdmissionApplicationRow> => {
    const origin = toOrigin(actor);
    const now = context.clock.now();
    const [current] = await tx.select().from(admissionApplication).where(eq(admissionApplication.id, applicationId)).for('update');
    if (!current) throw new AppError(404, 'not-found', { ru: 'Заявление не найдено', en: 'Application not found' });
    if (extra.expectedFrom && current.status !== extra.expectedFrom) throw new AdmissionTransitionError(current.status, to);
    if (!canMove(current.status, to)) throw new AdmissionTransitionError(current.status, to);
    const [updated] = await tx
      .update(admissionApplication)
      .set({ ...extra.set, status: to, updatedAt: now, version: sql`${admissionApplication.version} + 1` })
      .where(eq(admissionApplication.id, applicationId))
      .returning();
    await tx.insert(admissionStatusChange).values({
      applicationId,
      fromStatus: current.status,
      toStatus: to,
      at: now,
      actorAccountId: origin.actor.kind === 'account' ? origin.actor.accountId : null,
      actorLabel: actorLabel(origin.actor),
      reason,
    });
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'admissionApplication',
      entityId: applicationId,
      municipalityId: current.municipalityId,
      organizationId: current.organizationId,
      details: { receiptNumber: current.receiptNumber, from: current.status, to, reason },
    });
    const name = admissionStatusNames[to];
    const number = current.receiptNumber === null ? '' : ` № ${current.receiptNumber}`;
    await notifyPerson(tx, {
      personId: current.guardianId,
      subject: `Заявление в 1 класс${number}: ${name.ru}`,
      body: [`Статус заявления в 1 класс${number} изменился: «${name.ru}». Основание: ${reason}`, extra.noticeDetail].filter(Boolean).join('\n'),
      link: `/admission/applications/${applicationId}`,
    });
    return updated!;
  };
  return extra.tx ? work(extra.tx) : context.db.transaction(work);
}

/** Notices for a batch of received applications: "заявление принято, номер N, время T". */
export async function notifyReceived(context: AppContext, applicationIds: string[]): Promise<void> {
  const rows = await context.db
    .select({ id: admissionApplication.id, guardianId: admissionApplication.guardianId, receiptNumber: admissionApplication.receiptNumber, receivedAt: admissionApplication.receivedAt, status: admissionApplication.status })
    .from(admissionApplication)
    .where(inArray(admissionApplication.id, applicationIds));
  await notifyPeople(
    context.db,
    rows
      .filter((r) => r.receiptNumber !== null && r.receivedAt !== null)
      .map((r) => ({
        personId: r.guardianId,
        subject: `Заявление в 1 класс принято, № ${r.receiptNumber}`,
        body: `Заявление в 1 класс принято, номер ${r.receiptNumber}, время ${formatDateTime('ru', r.receivedAt!)} (МСК). Номер и время приёма не меняются.`,
        link: `/admission/applications/${r.id}`,
      })),
  );
}
