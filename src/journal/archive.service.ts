/**
 * The archive of a school year (issue 5 §8; letter АП-147/07: the journal of a finished year is
 * kept electronically with printouts possible; Rosarkhiv order No. 236: class journals 5 years).
 *
 * Closing a year (the head, confirmed) sets it closed — from then the database refuses changes to
 * its lessons, marks, attendance and finals (trigger journal_closed_year_guard, migration 0022)
 * except inside a correction the head makes with a reason, recorded and audited
 * (correction.service.ts) — and queues the 'journal.archive' job that renders each class's
 * journal as PDF and records its SHA-256. The job's progress is the count of the year's archive rows done.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { AppContext } from '../platform/context.ts';
import { arrayLiteral, queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import { errors } from '../platform/errors.ts';
import { enqueue, type JobHandler } from '../platform/jobs/jobs.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { renderJournalPdf, sha256Hex, type JournalPdf } from './archive.pdf.ts';
import { journalArchive } from './archive.schema.ts';

export const ARCHIVE_QUEUE = 'journal.archive';

export interface YearFacts {
  id: string;
  name: string;
  organizationId: string;
  municipalityId: number;
  status: 'open' | 'closed';
  closedAt: Date | null;
}

export async function findYear(db: Executor, yearId: string): Promise<YearFacts | null> {
  const [row] = await queryRows<{ id: string; name: string; organization_id: string; municipality_id: number; status: 'open' | 'closed'; closed_at: string | Date | null }>(
    db,
    sql`SELECT id, name, organization_id, municipality_id, status, closed_at FROM academic_year WHERE id = ${yearId}`,
  );
  if (!row) return null;
  return { id: row.id, name: row.name, organizationId: row.organization_id, municipalityId: Number(row.municipality_id), status: row.status, closedAt: row.closed_at ? new Date(row.closed_at) : null };
}

/** The years of some schools, newest first (the archive page). */
export async function yearsOfSchools(db: Executor, organizationIds: readonly string[]): Promise<YearFacts[]> {
  if (organizationIds.length === 0) return [];
  const rows = await queryRows<{ id: string; name: string; organization_id: string; municipality_id: number; status: 'open' | 'closed'; closed_at: string | Date | null }>(
    db,
    sql`SELECT id, name, organization_id, municipality_id, status, closed_at FROM academic_year
         WHERE organization_id = ANY(${`{${organizationIds.join(',')}}`}::uuid[]) ORDER BY starts_on DESC LIMIT 50`,
  );
  return rows.map((row) => ({ id: row.id, name: row.name, organizationId: row.organization_id, municipalityId: Number(row.municipality_id), status: row.status, closedAt: row.closed_at ? new Date(row.closed_at) : null }));
}

/** Closes the year and queues its archive: one row per class, rendered by the job. */
export async function closeYear(db: Database, origin: AuditOrigin, year: YearFacts, now: Date): Promise<number> {
  if (year.status === 'closed') throw errors.conflict('year-closed', { ru: 'Учебный год уже закрыт', en: 'The year is already closed' });
  const accountId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
  return db.transaction(async (tx) => {
    const updated = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE academic_year SET status = 'closed', closed_at = ${now.toISOString()}, closed_by = ${accountId}, version = version + 1
           WHERE id = ${year.id} AND status = 'open' RETURNING id`,
    );
    if (updated.length === 0) throw errors.conflict('year-closed', { ru: 'Учебный год уже закрыт', en: 'The year is already closed' });
    const classes = await queryRows<{ id: string; grade: number; letter: string }>(tx, sql`SELECT id, grade, letter FROM school_class WHERE year_id = ${year.id} ORDER BY grade, letter`);
    if (classes.length > 0) {
      await tx
        .insert(journalArchive)
        .values(classes.map((c) => ({ yearId: year.id, classId: c.id, fileName: `journal-${year.name.replace('/', '-')}-${c.grade}${c.letter}.pdf`, requestedAt: now })))
        .onConflictDoNothing();
    }
    await enqueue(tx, ARCHIVE_QUEUE, { yearId: year.id }, { maxAttempts: 3 });
    await recordAudit(tx, origin, { action: 'update', entityType: 'academic-year', entityId: year.id, organizationId: year.organizationId, municipalityId: year.municipalityId, details: { status: 'closed', classes: classes.length } });
    return classes.length;
  });
}

/**
 * Makes the class journals of a closed year again after corrections: the given classes' PDFs go
 * back to pending and the archive job renders them from the journal as it now is. The SHA-256
 * and size each replaced PDF had are kept in the audit event, so the earlier file — which may
 * have been handed out — stays verifiable. Returns how many; 409 when none of them had a PDF.
 */
export async function reissueArchives(db: Database, origin: AuditOrigin, year: YearFacts, classIds: readonly string[], now: Date): Promise<number> {
  const none = () => errors.conflict('nothing-to-reissue', { ru: 'Нет PDF, которые нужно сформировать заново', en: 'No PDFs to make again' });
  if (year.status !== 'closed' || classIds.length === 0) throw none();
  return db.transaction(async (tx) => {
    const replaced = await queryRows<{ class_id: string; file_name: string; sha256: string; size_bytes: number }>(
      tx,
      sql`UPDATE journal_archive SET status = 'pending', requested_at = ${now.toISOString()}, error = NULL
           WHERE year_id = ${year.id} AND class_id = ANY(${arrayLiteral([...classIds])}::uuid[]) AND status = 'done'
       RETURNING class_id, file_name, sha256, size_bytes`,
    );
    if (replaced.length === 0) throw none();
    await enqueue(tx, ARCHIVE_QUEUE, { yearId: year.id }, { maxAttempts: 3 });
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'journal-archive',
      entityId: year.id,
      organizationId: year.organizationId,
      municipalityId: year.municipalityId,
      details: { reissued: replaced.map((r) => ({ classId: r.class_id, fileName: r.file_name, previousSha256: r.sha256, previousSizeBytes: Number(r.size_bytes) })) },
    });
    return replaced.length;
  });
}

export interface ArchiveItem {
  id: string;
  classId: string;
  className: string;
  status: 'pending' | 'done' | 'failed';
  fileName: string;
  sizeBytes: number | null;
  sha256: string | null;
  finishedAt: Date | null;
}

export async function archiveItems(db: Executor, yearId: string): Promise<ArchiveItem[]> {
  const rows = await queryRows<{ id: string; class_id: string; grade: number; letter: string; status: ArchiveItem['status']; file_name: string; size_bytes: number | null; sha256: string | null; finished_at: string | Date | null }>(
    db,
    sql`SELECT a.id, a.class_id, c.grade, c.letter, a.status, a.file_name, a.size_bytes, a.sha256, a.finished_at
          FROM journal_archive a JOIN school_class c ON c.id = a.class_id WHERE a.year_id = ${yearId} ORDER BY c.grade, c.letter`,
  );
  return rows.map((r) => ({
    id: r.id,
    classId: r.class_id,
    className: `${r.grade} «${r.letter}»`,
    status: r.status,
    fileName: r.file_name,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    sha256: r.sha256,
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  }));
}

export async function archiveFile(db: Executor, id: string): Promise<{ yearId: string; fileName: string; content: Buffer; sha256: string } | null> {
  const [row] = await db
    .select({ yearId: journalArchive.yearId, fileName: journalArchive.fileName, content: journalArchive.content, sha256: journalArchive.sha256 })
    .from(journalArchive)
    .where(and(eq(journalArchive.id, id), eq(journalArchive.status, 'done')));
  if (!row || !row.content || !row.sha256) return null;
  return { yearId: row.yearId, fileName: row.fileName, content: row.content, sha256: row.sha256 };
}

const absenceLetters: Record<string, string> = { absent: 'Н', excused: 'УП', ill: 'Б', late: 'ОП' };

/** Everything the PDF of one class shows, read in six queries. */
export async function classJournalData(db: Executor, classId: string, generatedAt: Date): Promise<JournalPdf> {
  const [cls] = await queryRows<{ grade: number; letter: string; year_id: string; year_name: string; school: string }>(
    db,
    sql`SELECT c.grade, c.letter, c.year_id, y.name AS year_name, o.short_name AS school
          FROM school_class c JOIN academic_year y ON y.id = c.year_id JOIN organization o ON o.id = c.organization_id WHERE c.id = ${classId}`,
  );
  if (!cls) throw errors.notFound();
  const pupilRows = await queryRows<{ pupil_id: string }>(db, sql`SELECT DISTINCT pupil_id FROM class_enrolment WHERE class_id = ${classId}`);
  const names = await findPersonNames(db, pupilRows.map((p) => p.pupil_id));
  const pupils = pupilRows
    .map((p) => ({ id: p.pupil_id, name: names.get(p.pupil_id) ? personFullName(names.get(p.pupil_id)!) : p.pupil_id }))
    .sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  const assignments = await queryRows<{ id: string; name_ru: string; teacher_id: string }>(
    db,
    sql`SELECT ta.id, s.name_ru, ta.teacher_id FROM teaching_assignment ta JOIN subject s ON s.code = ta.subject_code WHERE ta.class_id = ${classId} ORDER BY s.sort, s.name_ru`,
  );
  const teachers = await findPersonNames(db, assignments.map((a) => a.teacher_id));
  const lessons = await queryRows<{ id: string; assignment_id: string; held_on: string; lesson_number: number; topic: string; homework: string; status: string }>(
    db,
    sql`SELECT id, assignment_id, held_on::text AS held_on, lesson_number, topic, homework, status FROM lesson WHERE class_id = ${classId} ORDER BY held_on, lesson_number`,
  );
  const facts = await queryRows<{ lesson_id: string; pupil_id: string; value: number | null; code: string | null }>(
    db,
    sql`SELECT m.lesson_id, m.pupil_id, m.value, NULL AS code FROM mark m JOIN lesson l ON l.id = m.lesson_id WHERE l.class_id = ${classId}
        UNION ALL
        SELECT a.lesson_id, a.pupil_id, NULL, a.code FROM attendance a JOIN lesson l ON l.id = a.lesson_id WHERE l.class_id = ${classId}`,
  );
  const finals = await queryRows<{ assignment_id: string; pupil_id: string; number: number | null; value: number }>(
    db,
    sql`SELECT f.assignment_id, f.pupil_id, t.number, f.value FROM final_mark f JOIN teaching_assignment ta ON ta.id = f.assignment_id
          LEFT JOIN academic_term t ON t.id = f.term_id WHERE ta.class_id = ${classId}`,
  );
  const terms = await queryRows<{ number: number }>(db, sql`SELECT number FROM academic_term WHERE year_id = ${cls.year_id} ORDER BY number`);
  const cell = new Map<string, string>();
  for (const f of facts) {
    const key = `${f.lesson_id}:${f.pupil_id}`;
    const text = f.value !== null ? String(f.value) : absenceLetters[f.code ?? ''] ?? '';
    cell.set(key, cell.has(key) ? `${cell.get(key)} ${text}` : text);
  }
  return {
    schoolName: cls.school,
    className: `${cls.grade} «${cls.letter}»`,
    yearName: cls.year_name,
    generatedAt,
    pupils: pupils.map((p) => p.name),
    subjects: assignments.map((a) => {
      const own = lessons.filter((l) => l.assignment_id === a.id);
      const teacher = teachers.get(a.teacher_id);
      return {
        subject: a.name_ru,
        teacher: teacher ? personFullName(teacher) : '',
        lessons: own.map((l) => ({ date: String(l.held_on).slice(0, 10), number: Number(l.lesson_number), topic: l.topic, homework: l.homework, status: l.status })),
        cells: pupils.map((p) => own.map((l) => cell.get(`${l.id}:${p.id}`) ?? '')),
        finalsHeader: [...terms.map((t) => String(t.number)), 'Год'],
        finals: pupils.map((p) => {
          const mine = finals.filter((f) => f.assignment_id === a.id && f.pupil_id === p.id);
          return [...terms.map((t) => String(mine.find((f) => f.number === Number(t.number))?.value ?? '')), String(mine.find((f) => f.number === null)?.value ?? '')];
        }),
      };
    }),
  };
}

/** Renders the year's pending class journals, one at a time, each committed on its own. */
export async function renderPendingArchives(db: Database, yearId: string, now: () => Date): Promise<number> {
  const pending = await db
    .select({ id: journalArchive.id, classId: journalArchive.classId })
    .from(journalArchive)
    .where(and(eq(journalArchive.yearId, yearId), eq(journalArchive.status, 'pending')))
    .orderBy(asc(journalArchive.fileName));
  for (const item of pending) {
    try {
      const pdf = await renderJournalPdf(await classJournalData(db, item.classId, now()));
      await db
        .update(journalArchive)
        .set({ status: 'done', content: pdf, sizeBytes: pdf.length, sha256: sha256Hex(pdf), finishedAt: now(), error: null })
        .where(eq(journalArchive.id, item.id));
    } catch (error) {
      await db.update(journalArchive).set({ status: 'failed', error: (error as Error).message.slice(0, 500), finishedAt: now() }).where(eq(journalArchive.id, item.id));
    }
  }
  return pending.length;
}

export const archiveJobHandlers: Record<string, JobHandler> = {
  [ARCHIVE_QUEUE]: async (run, context: AppContext) => {
    await renderPendingArchives(context.db, String(run.payload.yearId), () => context.clock.now());
  },
};
