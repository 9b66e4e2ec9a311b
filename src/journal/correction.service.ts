/**
 * Corrections of a closed year's journal (issue 5 §8: closing a year locks its journal; corrections
 * only by an authorised person with a reason, audited; letter АП-147/07 — the archived journal
 * must stay trustworthy). One pupil's mark or attendance in one lesson, or a term or year final,
 * set or cleared: each in one transaction that lifts the database lock (journal_closed_year_guard,
 * migration 0022) for that one write only, records the correction with its reason and the value
 * before and after (journal_correction, migration 0027), keeps the change in the journal's history
 * (journal_change) and writes an audit event. Authorisation is the caller's (journal.policy.ts
 * `isHeadOf`, as for closing the year).
 */
import { sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import { queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import { errors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { journalCorrection, type CorrectionEntity } from './archive.schema.ts';
import type { YearFacts } from './archive.service.ts';
import { journalChange, type AttendanceCode } from './lesson.schema.ts';
import { isAttendanceCode, markError, pupilsOfClass } from './lesson.service.ts';

/** The shortest reason accepted (the table's CHECK says the same). */
export const REASON_MIN_LENGTH = 5;
export const REASON_MAX_LENGTH = 1000;

export const reasonMissing: Message = {
  ru: `Укажите причину исправления — не короче ${REASON_MIN_LENGTH} символов (например, номер приказа или заявления)`,
  en: `Give the reason for the correction, at least ${REASON_MIN_LENGTH} characters (e.g. the number of the order or the request)`,
};

/** What is corrected: one cell of a lesson, or a final (termId null: the year's final). */
export type CorrectionTarget =
  | { kind: 'mark'; lessonId: string; pupilId: string; value: number | null }
  | { kind: 'attendance'; lessonId: string; pupilId: string; code: AttendanceCode | null }
  | { kind: 'final'; assignmentId: string; termId: string | null; pupilId: string; value: number | null };

export type CorrectionInput = CorrectionTarget & { reason: string };

/** Where a target lives: its class, the assignment, and the dates the pupil must be in the class. */
interface TargetFacts {
  yearId: string;
  classId: string;
  subgroupId: string | null;
  assignmentId: string;
  organizationId: string;
  municipalityId: number;
  allowMarkOne: boolean;
  from: string;
  to: string;
  lesson: { id: string; workKind: string; weight: string; status: string } | null;
}

function actorIdOf(origin: AuditOrigin): string | null {
  return origin.actor.kind === 'account' ? origin.actor.accountId : null;
}

async function targetFacts(db: Executor, target: CorrectionTarget): Promise<TargetFacts | null> {
  if (!isUuid(target.pupilId)) return null;
  if (target.kind === 'final') {
    if (!isUuid(target.assignmentId) || (target.termId !== null && !isUuid(target.termId))) return null;
    const [row] = await queryRows<{ year_id: string; class_id: string; subgroup_id: string | null; organization_id: string; municipality_id: number; allow_one: boolean | null; from_on: string | null; to_on: string | null }>(
      db,
      sql`SELECT c.year_id, ta.class_id, ta.subgroup_id, ta.organization_id, ta.municipality_id, s.allow_mark_one AS allow_one,
                 coalesce(t.starts_on, y.starts_on)::text AS from_on, coalesce(t.ends_on, y.ends_on)::text AS to_on
            FROM teaching_assignment ta JOIN school_class c ON c.id = ta.class_id JOIN academic_year y ON y.id = c.year_id
            LEFT JOIN journal_year_setting s ON s.year_id = c.year_id
            LEFT JOIN academic_term t ON t.id = ${target.termId} AND t.year_id = c.year_id
           WHERE ta.id = ${target.assignmentId} AND (${target.termId}::uuid IS NULL OR t.id IS NOT NULL)`,
    );
    if (!row || !row.from_on || !row.to_on) return null;
    return { yearId: row.year_id, classId: row.class_id, subgroupId: row.subgroup_id, assignmentId: target.assignmentId, organizationId: row.organization_id, municipalityId: Number(row.municipality_id), allowMarkOne: row.allow_one ?? false, from: row.from_on, to: row.to_on, lesson: null };
  }
  if (!isUuid(target.lessonId)) return null;
  const [row] = await queryRows<{ year_id: string; class_id: string; subgroup_id: string | null; assignment_id: string; organization_id: string; municipality_id: number; allow_one: boolean | null; held_on: string; work_kind: string; weight: string; status: string }>(
    db,
    sql`SELECT c.year_id, l.class_id, ta.subgroup_id, l.assignment_id, l.organization_id, l.municipality_id, s.allow_mark_one AS allow_one,
               l.held_on::text AS held_on, l.work_kind, w.weight::text AS weight, l.status
          FROM lesson l JOIN school_class c ON c.id = l.class_id JOIN teaching_assignment ta ON ta.id = l.assignment_id
          JOIN work_kind w ON w.code = l.work_kind LEFT JOIN journal_year_setting s ON s.year_id = c.year_id
         WHERE l.id = ${target.lessonId}`,
  );
  if (!row) return null;
  const day = String(row.held_on).slice(0, 10);
  return {
    yearId: row.year_id,
    classId: row.class_id,
    subgroupId: row.subgroup_id,
    assignmentId: row.assignment_id,
    organizationId: row.organization_id,
    municipalityId: Number(row.municipality_id),
    allowMarkOne: row.allow_one ?? false,
    from: day,
    to: day,
    lesson: { id: target.lessonId, workKind: row.work_kind, weight: row.weight, status: row.status },
  };
}

/** The stored value of a target: { value } of a mark or final, { code } of attendance, or null. */
export async function currentValue(db: Executor, target: CorrectionTarget, lock = false): Promise<Record<string, unknown> | null> {
  const forUpdate = lock ? sql` FOR UPDATE` : sql``;
  if (target.kind === 'final') {
    const [row] = await queryRows<{ value: number }>(
      db,
      sql`SELECT value FROM final_mark WHERE assignment_id = ${target.assignmentId} AND pupil_id = ${target.pupilId}
           AND ${target.termId === null ? sql`term_id IS NULL` : sql`term_id = ${target.termId}`}${forUpdate}`,
    );
    return row ? { value: Number(row.value) } : null;
  }
  const t = target;
  if (target.kind === 'attendance') {
    const [row] = await queryRows<{ code: string }>(db, sql`SELECT code FROM attendance WHERE lesson_id = ${t.lessonId} AND pupil_id = ${t.pupilId}${forUpdate}`);
    return row ? { code: row.code } : null;
  }
  const [row] = await queryRows<{ value: number }>(
    db,
    sql`SELECT m.value FROM mark m JOIN lesson l ON l.id = m.lesson_id AND l.work_kind = m.work_kind WHERE m.lesson_id = ${t.lessonId} AND m.pupil_id = ${t.pupilId}${forUpdate}`,
  );
  return row ? { value: Number(row.value) } : null;
}

function entityIdOf(target: CorrectionTarget): string {
  return target.kind === 'final' ? `${target.assignmentId}:${target.termId ?? 'year'}:${target.pupilId}` : `${target.lessonId}:${target.pupilId}`;
}

function newValueOf(target: CorrectionTarget): Record<string, unknown> | null {
  if (target.kind === 'attendance') return target.code === null ? null : { code: target.code };
  return target.value === null ? null : { value: target.value };
}

/** The one write of a correction, run with the lock lifted. */
async function applyCorrection(tx: Executor, target: CorrectionTarget, facts: TargetFacts, actorId: string | null, now: Date): Promise<void> {
  const at = now.toISOString();
  if (target.kind === 'final') {
    const term = target.termId === null ? sql`term_id IS NULL` : sql`term_id = ${target.termId}`;
    if (target.value === null) {
      await tx.execute(sql`DELETE FROM final_mark WHERE assignment_id = ${target.assignmentId} AND pupil_id = ${target.pupilId} AND ${term}`);
      return;
    }
    const updated = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE final_mark SET value = ${target.value}, decided_by = ${actorId}, decided_at = ${at}
           WHERE assignment_id = ${target.assignmentId} AND pupil_id = ${target.pupilId} AND ${term} RETURNING id`,
    );
    if (updated.length === 0) {
      await tx.execute(sql`INSERT INTO final_mark (pupil_id, assignment_id, term_id, value, decided_by, decided_at)
                           VALUES (${target.pupilId}, ${target.assignmentId}, ${target.termId}, ${target.value}, ${actorId}, ${at})`);
    }
    return;
  }
  const l = facts.lesson!;
  if (target.kind === 'attendance') {
    if (target.code === null) await tx.execute(sql`DELETE FROM attendance WHERE lesson_id = ${l.id} AND pupil_id = ${target.pupilId}`);
    else {
      await tx.execute(sql`INSERT INTO attendance (lesson_id, pupil_id, code, entered_by, updated_at) VALUES (${l.id}, ${target.pupilId}, ${target.code}, ${actorId}, ${at})
                           ON CONFLICT (lesson_id, pupil_id) DO UPDATE SET code = EXCLUDED.code, entered_by = EXCLUDED.entered_by, updated_at = EXCLUDED.updated_at`);
    }
    return;
  }
  if (target.value === null) await tx.execute(sql`DELETE FROM mark WHERE lesson_id = ${l.id} AND pupil_id = ${target.pupilId} AND work_kind = ${l.workKind}`);
  else {
    await tx.execute(sql`INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight, entered_by, entered_at, updated_at)
                         VALUES (${l.id}, ${target.pupilId}, ${target.value}, ${l.workKind}, ${l.weight}::numeric, ${actorId}, ${at}, ${at})
                         ON CONFLICT (pupil_id, lesson_id, work_kind) DO UPDATE SET value = EXCLUDED.value, entered_by = EXCLUDED.entered_by, updated_at = EXCLUDED.updated_at`);
  }
}

/**
 * Corrects one mark, attendance code or final in a closed year: the reason (5–1000 characters)
 * is required, the value must fit the school's scale, the pupil must be in the class on the
 * lesson's day (in the term, the year). Throws 422 by field (reason, value, code, pupilId), 404 for
 * a target outside the year, 409 when the year is open. Returns the correction's id.
 */
export async function correctJournal(db: Database, origin: AuditOrigin, year: YearFacts, input: CorrectionInput, now: Date): Promise<number> {
  const { reason: rawReason, ...target } = input;
  const reason = rawReason.trim();
  if (year.status !== 'closed') throw errors.conflict('year-open', { ru: 'Учебный год не закрыт: исправляйте в журнале', en: 'The year is open: correct in the journal' });
  const fieldErrors: Record<string, Message> = {};
  if (reason.length < REASON_MIN_LENGTH) fieldErrors.reason = reasonMissing;
  else if (reason.length > REASON_MAX_LENGTH) fieldErrors.reason = { ru: `Причина — не длиннее ${REASON_MAX_LENGTH} символов`, en: `The reason is at most ${REASON_MAX_LENGTH} characters` };
  if (target.kind === 'attendance' && target.code !== null && !isAttendanceCode(target.code)) fieldErrors.code = { ru: 'Неизвестная отметка посещаемости', en: 'Unknown attendance code' };
  const facts = await targetFacts(db, target);
  if (!facts || facts.yearId !== year.id) throw errors.notFound();
  if (target.kind !== 'attendance' && target.value !== null) {
    const e = markError(target.value, facts.allowMarkOne);
    if (e) fieldErrors.value = e;
  }
  if (facts.lesson?.status === 'cancelled' && (target.kind === 'mark' || (target.kind === 'attendance' && target.code !== null))) {
    fieldErrors[target.kind === 'mark' ? 'value' : 'code'] = { ru: 'Урок отменён: отметки и посещаемость не ставятся', en: 'The lesson is cancelled: no marks or attendance' };
  }
  const pupils = await pupilsOfClass(db, facts.classId, facts.subgroupId, facts.from, facts.to);
  if (!pupils.some((p) => p.id === target.pupilId)) fieldErrors.pupilId = { ru: 'Ученик не учился в этом классе в день урока (в этом периоде)', en: 'The pupil was not in this class on the day (in the period)' };
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);

  const actorId = actorIdOf(origin);
  const actorLabel = origin.actor.kind === 'account' ? origin.actor.displayName : '';
  const entityId = entityIdOf(target);
  const after = newValueOf(target);
  return db.transaction(async (tx) => {
    const before = await currentValue(tx, target, true);
    if (JSON.stringify(before) === JSON.stringify(after)) {
      throw errors.validation({ [target.kind === 'attendance' ? 'code' : 'value']: { ru: 'Новое значение совпадает с текущим', en: 'The new value is the same as the current one' } });
    }
    // The lock is lifted for this one write only (the setting is local to the transaction and
    // switched off again before anything else is written).
    await tx.execute(sql`SELECT set_config('prostor.journal_correction', 'on', true)`);
    await applyCorrection(tx, target, facts, actorId, now);
    await tx.execute(sql`SELECT set_config('prostor.journal_correction', 'off', true)`);
    await tx.insert(journalChange).values({ entity: target.kind, entityId, pupilId: target.pupilId, lessonId: facts.lesson?.id ?? null, before, after, at: now, actor: actorId, actorLabel });
    const [row] = await tx
      .insert(journalCorrection)
      .values({ yearId: year.id, entity: target.kind, entityId, reason, actor: actorId, actorLabel, at: now, classId: facts.classId, pupilId: target.pupilId, before, after })
      .returning({ id: journalCorrection.id });
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: `journal-correction:${target.kind}`,
      entityId,
      organizationId: year.organizationId,
      municipalityId: year.municipalityId,
      details: { correction: row!.id, reason, before, after },
    });
    return row!.id;
  });
}

// The list of a year's corrections -------------------------------------------------------------------

export interface CorrectionListItem {
  id: number;
  entity: CorrectionEntity;
  at: Date;
  actorLabel: string;
  reason: string;
  className: string;
  /** Whose value it was (for the audit of who read it). */
  pupilId: string | null;
  pupilName: string;
  subjectName: string;
  /** The lesson's day and number (mark, attendance). */
  lesson: { heldOn: string; number: number } | null;
  /** The term's number (final); null with entity 'final': the year. */
  termNumber: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * One page of the year's corrections, newest first, keyset-paginated by id (`before`: the last id
 * of the previous page). Pupils' names come from the registry in one batch.
 */
export async function correctionsPage(db: Executor, yearId: string, page: { before?: number | null; limit?: number }): Promise<{ items: CorrectionListItem[]; nextBefore: number | null }> {
  const limit = page.limit ?? 20;
  const rows = await queryRows<{
    id: number | string; entity: CorrectionEntity; at: string | Date; actor_label: string; reason: string; grade: number | null; letter: string | null; pupil_id: string | null;
    subject: string | null; held_on: string | null; lesson_number: number | null; term_number: number | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null;
  }>(
    db,
    sql`SELECT c.id, c.entity, c.at, c.actor_label, c.reason, sc.grade, sc.letter, c.pupil_id, s.name_ru AS subject,
               l.held_on::text AS held_on, l.lesson_number, t.number AS term_number, c.before, c.after
          FROM journal_correction c
          LEFT JOIN school_class sc ON sc.id = c.class_id
          LEFT JOIN lesson l ON l.id = CASE WHEN c.entity IN ('mark', 'attendance') THEN split_part(c.entity_id, ':', 1)::uuid END
          LEFT JOIN teaching_assignment ta ON ta.id = CASE WHEN c.entity = 'final' THEN split_part(c.entity_id, ':', 1)::uuid ELSE l.assignment_id END
          LEFT JOIN subject s ON s.code = ta.subject_code
          LEFT JOIN academic_term t ON t.id = CASE WHEN c.entity = 'final' AND split_part(c.entity_id, ':', 2) <> 'year' THEN split_part(c.entity_id, ':', 2)::uuid END
         WHERE c.year_id = ${yearId} ${page.before ? sql`AND c.id < ${page.before}` : sql``}
         ORDER BY c.id DESC LIMIT ${limit + 1}`,
  );
  const names = await findPersonNames(db, [...new Set(rows.map((r) => r.pupil_id).filter((id): id is string => id !== null))]);
  const items = rows.slice(0, limit).map((r) => {
    const name = r.pupil_id ? names.get(r.pupil_id) : undefined;
    return {
      id: Number(r.id),
      entity: r.entity,
      at: new Date(r.at),
      actorLabel: r.actor_label,
      reason: r.reason,
      className: r.grade === null ? '—' : `${r.grade} «${r.letter}»`,
      pupilId: r.pupil_id,
      pupilName: name ? personFullName(name) : '—',
      subjectName: r.subject ?? '—',
      lesson: r.held_on ? { heldOn: String(r.held_on).slice(0, 10), number: Number(r.lesson_number) } : null,
      termNumber: r.term_number === null ? null : Number(r.term_number),
      before: r.before,
      after: r.after,
    };
  });
  return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
}

/**
 * The classes whose archived PDF was made before a later correction: its SHA-256 no longer
 * matches the journal. Nothing is regenerated here — the page says so.
 */
export async function staleArchives(db: Executor, yearId: string): Promise<Array<{ classId: string; className: string; corrections: number }>> {
  const rows = await queryRows<{ class_id: string; grade: number; letter: string; n: number | string }>(
    db,
    sql`SELECT a.class_id, sc.grade, sc.letter, count(c.id) AS n
          FROM journal_archive a JOIN school_class sc ON sc.id = a.class_id
          JOIN journal_correction c ON c.class_id = a.class_id AND c.at > a.finished_at
         WHERE a.year_id = ${yearId} AND a.status = 'done'
         GROUP BY a.class_id, sc.grade, sc.letter ORDER BY sc.grade, sc.letter`,
  );
  return rows.map((r) => ({ classId: r.class_id, className: `${r.grade} «${r.letter}»`, corrections: Number(r.n) }));
}

// What the page offers to choose -----------------------------------------------------------------------

/** The year's first and last day. */
export async function yearDates(db: Executor, yearId: string): Promise<{ startsOn: string; endsOn: string }> {
  const [row] = await queryRows<{ starts_on: string; ends_on: string }>(db, sql`SELECT starts_on::text AS starts_on, ends_on::text AS ends_on FROM academic_year WHERE id = ${yearId}`);
  if (!row) throw errors.notFound();
  return { startsOn: String(row.starts_on).slice(0, 10), endsOn: String(row.ends_on).slice(0, 10) };
}

/** The year's classes, by grade and letter. */
export async function classesOfYear(db: Executor, yearId: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await queryRows<{ id: string; grade: number; letter: string }>(db, sql`SELECT id, grade, letter FROM school_class WHERE year_id = ${yearId} ORDER BY grade, letter`);
  return rows.map((r) => ({ id: r.id, name: `${r.grade} «${r.letter}»` }));
}
