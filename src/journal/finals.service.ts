/**
 * Term and year finals of one assignment: the suggestion (finals.average.ts — the weighted
 * average of the term's marks rounded half up; for the year, the average of the term finals)
 * and the teacher's decision. A decision changed later keeps its history in journal_change.
 * Authorisation is the caller's (journal.policy.ts assignmentPolicy: write).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { assertYearOpen, guardClosedYear } from './closed-year.ts';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Database, Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import { suggestFinal, suggestYearFinal } from './finals.average.ts';
import { finalMark } from './finals.schema.ts';
import type { AssignmentContext } from './gradebook.service.ts';
import { journalChange } from './lesson.schema.ts';
import { markError, pupilsOfClass, weightedMarks } from './lesson.service.ts';
import type { TermRow } from './timetable.service.ts';

export interface FinalRow {
  pupilId: string;
  fullName: string;
  /** The weighted average (term) or the average of the term finals (year), two decimals. */
  average: number | null;
  suggested: number | null;
  /** Term finals (year screen only), by term number. */
  termFinals: Record<number, number>;
  decided: number | null;
}

/**
 * The finals screen of an assignment: for a term (term given) or the year (term null; terms =
 * the year's terms). One query per kind of fact, whatever the class size.
 */
export async function finalsOf(db: Executor, a: AssignmentContext, term: TermRow | null, terms: readonly TermRow[]): Promise<FinalRow[]> {
  const from = term?.startsOn ?? terms[0]?.startsOn;
  const to = term?.endsOn ?? terms[terms.length - 1]?.endsOn;
  if (!from || !to) return [];
  const pupils = await pupilsOfClass(db, a.access.classId, a.subgroupId, from, to);
  const stored = await db.select().from(finalMark).where(eq(finalMark.assignmentId, a.access.assignmentId));
  const termNumber = new Map(terms.map((t) => [t.id, t.number]));
  const decided = new Map(stored.filter((f) => (term ? f.termId === term.id : f.termId === null)).map((f) => [f.pupilId, f.value]));
  const byTerm = new Map<string, Record<number, number>>();
  for (const f of stored) {
    if (f.termId === null) continue;
    const n = termNumber.get(f.termId);
    if (n === undefined) continue;
    const rec = byTerm.get(f.pupilId) ?? {};
    rec[n] = f.value;
    byTerm.set(f.pupilId, rec);
  }
  const marks = term ? await weightedMarks(db, a.access.assignmentId, term.startsOn, term.endsOn) : new Map();
  return pupils.map((p) => {
    const s = term ? suggestFinal(marks.get(p.id) ?? []) : suggestYearFinal(Object.values(byTerm.get(p.id) ?? {}));
    return { pupilId: p.id, fullName: p.fullName, average: s.average, suggested: s.suggested, termFinals: byTerm.get(p.id) ?? {}, decided: decided.get(p.id) ?? null };
  });
}

export interface FinalDecision {
  pupilId: string;
  /** null removes the decision. */
  value: number | null;
}

/** Stores the teacher's finals (one transaction); changed decisions keep their history. Audited. */
export async function decideFinals(db: Database, origin: AuditOrigin, a: AssignmentContext, term: TermRow | null, rows: readonly FinalRow[], decisions: readonly FinalDecision[], now: Date): Promise<number> {
  assertYearOpen(a);
  const fieldErrors: FieldErrors = {};
  const known = new Map(rows.map((r) => [r.pupilId, r]));
  for (const d of decisions) {
    if (!known.has(d.pupilId)) fieldErrors[`final-${d.pupilId}`] = { ru: 'Ученик не учится в классе в этом периоде', en: 'The pupil is not in the class in this term' };
    else if (d.value !== null) {
      const e = markError(d.value, a.allowMarkOne);
      if (e) fieldErrors[`final-${d.pupilId}`] = e;
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
  const actorId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
  const actorLabel = origin.actor.kind === 'account' ? origin.actor.displayName : '';
  const changes = decisions.filter((d) => known.get(d.pupilId)!.decided !== d.value);
  if (changes.length === 0) return 0;
  await guardClosedYear(() => db.transaction(async (tx) => {
    for (const d of changes) {
      const row = known.get(d.pupilId)!;
      const where = and(eq(finalMark.assignmentId, a.access.assignmentId), eq(finalMark.pupilId, d.pupilId), term ? eq(finalMark.termId, term.id) : isNull(finalMark.termId));
      if (d.value === null) await tx.delete(finalMark).where(where);
      else if (row.decided === null) {
        await tx.insert(finalMark).values({ pupilId: d.pupilId, assignmentId: a.access.assignmentId, termId: term?.id ?? null, value: d.value, suggested: row.average === null ? null : row.average.toFixed(2), decidedBy: actorId, decidedAt: now });
      } else {
        await tx.update(finalMark).set({ value: d.value, suggested: row.average === null ? null : row.average.toFixed(2), decidedBy: actorId, decidedAt: now }).where(where);
      }
      if (row.decided !== null) {
        await tx.insert(journalChange).values({
          entity: 'final',
          entityId: `${a.access.assignmentId}:${term?.id ?? 'year'}:${d.pupilId}`,
          pupilId: d.pupilId,
          lessonId: null,
          before: { value: row.decided },
          after: d.value === null ? null : { value: d.value },
          at: now,
          actor: actorId,
          actorLabel,
        });
      }
    }
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'journal-finals',
      entityId: a.access.assignmentId,
      municipalityId: a.access.municipalityId,
      organizationId: a.access.organizationId,
      details: { termId: term?.id ?? null, pupils: changes.length },
    });
  }));
  return changes.length;
}

/** Final marks of pupils, for the diary and reports: by assignment and term (null = year). */
export async function finalsOfPupils(db: Executor, pupilIds: readonly string[]) {
  if (pupilIds.length === 0) return [];
  return db
    .select({ pupilId: finalMark.pupilId, assignmentId: finalMark.assignmentId, termId: finalMark.termId, value: finalMark.value })
    .from(finalMark)
    .where(sql`${finalMark.pupilId} = ANY(${`{${pupilIds.join(',')}}`}::uuid[])`);
}
