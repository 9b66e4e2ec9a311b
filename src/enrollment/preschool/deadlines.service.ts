/**
 * Regulation deadlines of the waiting list:
 * - the registration decision (Krasnodar regulation 2024: within `registration_decision_days`,
 *   15 calendar days; stored per application as decision_due_at). "Decided" means the
 *   application has left 'new', so an application still 'new' after its due time is overdue;
 * - the offer (направление): a guardian answers by its deadline_at, else the offer expires and
 *   the place goes to the next run (Order No. 236 of 15.05.2020 leaves the period to the
 *   municipality: `offer_acceptance_days`).
 *
 * Operators see both as the overdue list (/preschool/overdue). The 'preschool.expire-offers' job
 * expires unanswered offers (`expireOffers` in offer.service.ts); the 'preschool.offer-reminders' job reminds the guardian two days
 * before the deadline, once per offer (preschool_offer_reminder remembers it).
 */
import { and, asc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { ScopeFilter } from '../../platform/access/access.ts';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import type { Database } from '../../platform/db/connect.ts';
import { formatDateTime } from '../../platform/i18n/i18n.ts';
import { notifyPerson } from '../../platform/notify/notify.ts';
import { preschoolOfferReminder } from './deadlines.schema.ts';
import { preschoolApplication, preschoolOffer } from './preschool.schema.ts';

const DAY = 24 * 3600_000;

/** How long before an offer's deadline the guardian is reminded. */
export const REMINDER_BEFORE_MS = 2 * DAY;

/** Rows per list on the overdue page, and per batch in the jobs. */
export const OVERDUE_LIST_LIMIT = 500;
const JOB_BATCH = 500;

/** Whole or started days since `due` (an application 3 hours late is 1 day overdue). */
export function daysOverdue(due: Date, now: Date): number {
  return Math.max(1, Math.ceil((now.getTime() - due.getTime()) / DAY));
}

export interface OverdueDecision {
  applicationId: string;
  number: string;
  municipalityId: number;
  registeredAt: Date;
  decisionDueAt: Date;
  daysOverdue: number;
}

export interface OverdueOffer {
  offerId: string;
  applicationId: string;
  number: string;
  municipalityId: number;
  issuedAt: Date;
  deadlineAt: Date;
  daysOverdue: number;
}

export interface OverdueLists {
  decisions: OverdueDecision[];
  offers: OverdueOffer[];
  /** True when a list was cut at OVERDUE_LIST_LIMIT rows. */
  truncated: boolean;
}

function municipalityCondition(reach: ScopeFilter): SQL | undefined | false {
  if (reach.kind === 'all') return undefined;
  if (reach.kind === 'none' || reach.municipalityIds.length === 0) return false;
  return inArray(preschoolApplication.municipalityId, reach.municipalityIds);
}

/**
 * Overdue registration decisions and unanswered offers past their deadline in the reach of the
 * caller (municipalities), the most overdue first. Numbers only: no names.
 */
export async function listOverdue(db: Database, reach: ScopeFilter, now: Date): Promise<OverdueLists> {
  const scope = municipalityCondition(reach);
  if (scope === false) return { decisions: [], offers: [], truncated: false };
  const [decisionRows, offerRows] = await Promise.all([
    db
      .select({
        applicationId: preschoolApplication.id,
        number: preschoolApplication.number,
        municipalityId: preschoolApplication.municipalityId,
        registeredAt: preschoolApplication.registeredAt,
        decisionDueAt: preschoolApplication.decisionDueAt,
      })
      .from(preschoolApplication)
      .where(and(eq(preschoolApplication.status, 'new'), lt(preschoolApplication.decisionDueAt, now), scope))
      .orderBy(asc(preschoolApplication.decisionDueAt), asc(preschoolApplication.number))
      .limit(OVERDUE_LIST_LIMIT + 1),
    db
      .select({
        offerId: preschoolOffer.id,
        applicationId: preschoolOffer.applicationId,
        number: preschoolApplication.number,
        municipalityId: preschoolApplication.municipalityId,
        issuedAt: preschoolOffer.issuedAt,
        deadlineAt: preschoolOffer.deadlineAt,
      })
      .from(preschoolOffer)
      .innerJoin(preschoolApplication, eq(preschoolApplication.id, preschoolOffer.applicationId))
      .where(and(eq(preschoolOffer.status, 'pending'), lt(preschoolOffer.deadlineAt, now), scope))
      .orderBy(asc(preschoolOffer.deadlineAt), asc(preschoolApplication.number))
      .limit(OVERDUE_LIST_LIMIT + 1),
  ]);
  return {
    decisions: decisionRows.slice(0, OVERDUE_LIST_LIMIT).map((r) => ({ ...r, daysOverdue: daysOverdue(r.decisionDueAt, now) })),
    offers: offerRows.slice(0, OVERDUE_LIST_LIMIT).map((r) => ({ ...r, daysOverdue: daysOverdue(r.deadlineAt, now) })),
    truncated: decisionRows.length > OVERDUE_LIST_LIMIT || offerRows.length > OVERDUE_LIST_LIMIT,
  };
}

/**
 * Who acts when a job changes an application: the platform itself. There is no account behind
 * it, so the id is the nil UUID (no foreign key points from history or audit to accounts) and
 * the label says which job did it; requestId names the job run.
 */
export const SYSTEM_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';

export function jobOrigin(queue: string, jobId: number | null): AuditOrigin {
  return {
    actor: { kind: 'account', accountId: SYSTEM_ACCOUNT_ID, personId: null, displayName: `Система (${queue})`, grants: [], via: 'session' },
    ip: null,
    requestId: jobId === null ? null : `job:${jobId}`,
  };
}

/**
 * Reminds the guardian of each pending offer whose deadline is within REMINDER_BEFORE_MS, once
 * per offer: the reminder row and the notice commit together, so a rerun (or a second process)
 * never sends a second one. Returns the number of reminders sent.
 */
export async function sendOfferReminders(db: Database, now: Date): Promise<number> {
  const horizon = new Date(now.getTime() + REMINDER_BEFORE_MS);
  const due = await db
    .select({
      offerId: preschoolOffer.id,
      applicationId: preschoolOffer.applicationId,
      deadlineAt: preschoolOffer.deadlineAt,
      number: preschoolApplication.number,
      guardianId: preschoolApplication.guardianId,
    })
    .from(preschoolOffer)
    .innerJoin(preschoolApplication, eq(preschoolApplication.id, preschoolOffer.applicationId))
    .where(
      and(
        eq(preschoolOffer.status, 'pending'),
        sql`${preschoolOffer.deadlineAt} > ${now.toISOString()}::timestamptz`,
        sql`${preschoolOffer.deadlineAt} <= ${horizon.toISOString()}::timestamptz`,
        sql`NOT EXISTS (SELECT 1 FROM preschool_offer_reminder r WHERE r.offer_id = ${preschoolOffer.id})`,
      ),
    )
    .orderBy(asc(preschoolOffer.deadlineAt))
    .limit(JOB_BATCH);
  let sent = 0;
  for (const offer of due) {
    const done = await db.transaction(async (tx) => {
      const claimed = await tx.insert(preschoolOfferReminder).values({ offerId: offer.offerId, sentAt: now }).onConflictDoNothing().returning();
      if (claimed.length === 0) return false;
      const deadline = formatDateTime('ru', offer.deadlineAt);
      await notifyPerson(tx, {
        personId: offer.guardianId,
        subject: `Заявление № ${offer.number}: срок ответа на направление истекает ${deadline}`,
        body:
          `По заявлению в детский сад № ${offer.number} выдано направление. Примите его или откажитесь до ${deadline} (время московское). ` +
          'Если не ответить в срок, направление будет аннулировано, а место предложено следующему в очереди.',
        link: `/preschool/applications/${offer.applicationId}`,
      });
      return true;
    });
    if (done) sent += 1;
  }
  return sent;
}
