/**
 * Reports from the journal (issue 5 §7; the 2016 letter of the Ministry and the teachers' union
 * on cutting excess reporting: nothing is typed by hand). Each report is a `ReportTable`, shown
 * as a page and downloaded as CSV or XLSX from the same function.
 *
 * A school's reports name classes, teachers and (attendance by pupil) pupils: for its head.
 * The municipality's and the region's are aggregates by school or municipality — no names.
 * The figures are computed school by school with the pure maths of reports.maths.ts, so every
 * scope uses the same, hand-checked definitions.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { achievement, attendanceFigures, subjectAverages, type AbsenceCode, type PupilSubjectRow } from './reports.maths.ts';
import type { ReportTable } from './reports.export.ts';
import { journalReportSetting } from './reports.schema.ts';
import { addGapCounts, emptyGapCounts, gapCountColumns, lessonGaps, toGapCounts, type GapCounts } from './completeness.service.ts';
import { addDays } from './timetable.plan.ts';

export const reportKinds = ['achievement', 'subjects', 'attendance', 'completeness'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportNames: Record<ReportKind, { ru: string; en: string }> = {
  achievement: { ru: 'Успеваемость и качество знаний', en: 'Pass rate and quality' },
  subjects: { ru: 'Средний балл по предметам', en: 'Average mark by subject' },
  attendance: { ru: 'Посещаемость', en: 'Attendance' },
  completeness: { ru: 'Полнота и своевременность заполнения журнала', en: 'Journal completeness and timeliness' },
};

export function isReportKind(value: unknown): value is ReportKind {
  return typeof value === 'string' && (reportKinds as readonly string[]).includes(value);
}

/** What a report is about: one school (with names), or schools of a municipality or region. */
export type ReportScope = { kind: 'school'; organizationId: string } | { kind: 'municipality'; municipalityId: number } | { kind: 'region' };

export interface ReportRequest {
  scope: ReportScope;
  /** The school year by the calendar year it starts in (2025 → 2025/2026). */
  startsYear: number;
  termNumber: number;
  kind: ReportKind;
  /** Today in the region (for completeness: lessons older than N days). */
  today: string;
}

interface SchoolTerm {
  organizationId: string;
  schoolName: string;
  municipalityId: number;
  municipalityName: string;
  termId: string;
  startsOn: string;
  endsOn: string;
}

/** The schools of the scope with the term asked for in their year. */
async function schoolTerms(db: Executor, request: ReportRequest): Promise<SchoolTerm[]> {
  const scope = request.scope;
  const filter =
    scope.kind === 'school' ? sql`AND y.organization_id = ${scope.organizationId}` : scope.kind === 'municipality' ? sql`AND y.municipality_id = ${scope.municipalityId}` : sql``;
  const rows = await queryRows<{ organization_id: string; short_name: string; municipality_id: number; municipality_name: string; term_id: string; starts_on: string; ends_on: string }>(
    db,
    sql`SELECT y.organization_id, o.short_name, y.municipality_id, m.name_ru AS municipality_name, t.id AS term_id, t.starts_on::text AS starts_on, t.ends_on::text AS ends_on
          FROM academic_year y JOIN academic_term t ON t.year_id = y.id AND t.number = ${request.termNumber}
          JOIN organization o ON o.id = y.organization_id JOIN municipality m ON m.id = y.municipality_id
         WHERE extract(year FROM y.starts_on) = ${request.startsYear} ${filter}
         ORDER BY m.name_ru, o.short_name`,
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    schoolName: r.short_name,
    municipalityId: Number(r.municipality_id),
    municipalityName: r.municipality_name,
    termId: r.term_id,
    startsOn: String(r.starts_on).slice(0, 10),
    endsOn: String(r.ends_on).slice(0, 10),
  }));
}

interface ClassInfo {
  id: string;
  name: string;
}

async function classesOf(db: Executor, school: SchoolTerm): Promise<ClassInfo[]> {
  const rows = await queryRows<{ id: string; grade: number; letter: string }>(
    db,
    sql`SELECT c.id, c.grade, c.letter FROM school_class c JOIN academic_term t ON t.year_id = c.year_id WHERE t.id = ${school.termId} ORDER BY c.grade, c.letter`,
  );
  return rows.map((r) => ({ id: r.id, name: `${r.grade} «${r.letter}»` }));
}

/** Pupils per class over the term, and each pupil's finals and marks of the term by subject. */
async function achievementRows(db: Executor, school: SchoolTerm): Promise<{ rows: PupilSubjectRow[]; enrolled: Map<string, string[]> }> {
  const stays = await queryRows<{ class_id: string; pupil_id: string }>(
    db,
    sql`SELECT DISTINCT e.class_id, e.pupil_id FROM class_enrolment e JOIN school_class c ON c.id = e.class_id JOIN academic_term t ON t.year_id = c.year_id
         WHERE t.id = ${school.termId} AND e.starts_on <= t.ends_on AND (e.ends_on IS NULL OR e.ends_on >= t.ends_on)`,
  );
  const enrolled = new Map<string, string[]>();
  for (const s of stays) enrolled.set(s.class_id, [...(enrolled.get(s.class_id) ?? []), s.pupil_id]);
  const marks = await queryRows<{ class_id: string; pupil_id: string; subject_code: string; value: number; weight: string }>(
    db,
    sql`SELECT l.class_id, m.pupil_id, ta.subject_code, m.value, m.weight::text AS weight
          FROM lesson l JOIN mark m ON m.lesson_id = l.id JOIN teaching_assignment ta ON ta.id = l.assignment_id
         WHERE l.organization_id = ${school.organizationId} AND l.term_id = ${school.termId}`,
  );
  const finals = await queryRows<{ class_id: string; pupil_id: string; subject_code: string; value: number }>(
    db,
    sql`SELECT ta.class_id, f.pupil_id, ta.subject_code, f.value FROM final_mark f JOIN teaching_assignment ta ON ta.id = f.assignment_id
         WHERE ta.organization_id = ${school.organizationId} AND f.term_id = ${school.termId}`,
  );
  const byKey = new Map<string, PupilSubjectRow & { marks: Array<{ value: number; weight: number }> }>();
  const rowOf = (classId: string, pupilId: string, subjectCode: string) => {
    const key = `${classId}|${pupilId}|${subjectCode}`;
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = { groupKey: classId, pupilId, subjectCode, final: null, marks: [] }));
    return row;
  };
  for (const m of marks) rowOf(m.class_id, m.pupil_id, m.subject_code).marks.push({ value: Number(m.value), weight: Number(m.weight) });
  for (const f of finals) rowOf(f.class_id, f.pupil_id, f.subject_code).final = Number(f.value);
  return { rows: [...byKey.values()], enrolled };
}

const percent = (x: number | null) => (x === null ? null : x);

interface Totals {
  pupils: number;
  attested: number;
  passing: number;
  quality: number;
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

async function subjectNames(db: Executor): Promise<Map<string, string>> {
  const rows = await queryRows<{ code: string; name_ru: string }>(db, sql`SELECT code, name_ru FROM subject`);
  return new Map(rows.map((r) => [r.code, r.name_ru]));
}

/** The late-after setting (days), regional reference data. */
export async function lateAfterDays(db: Executor): Promise<number> {
  const [row] = await db.select({ days: journalReportSetting.lateAfterDays }).from(journalReportSetting);
  return row?.days ?? 3;
}

export async function setLateAfterDays(db: Executor, days: number, accountId: string | null, now: Date): Promise<void> {
  await db
    .insert(journalReportSetting)
    .values({ id: 1, lateAfterDays: days, updatedAt: now, updatedBy: accountId })
    .onConflictDoUpdate({ target: journalReportSetting.id, set: { lateAfterDays: days, updatedAt: now, updatedBy: accountId } });
}

/** Builds the report. */
export async function buildReport(db: Executor, request: ReportRequest): Promise<ReportTable> {
  const schools = await schoolTerms(db, request);
  const perSchool = request.scope.kind === 'school';
  // the grouping of aggregates: classes of one school; schools of a municipality; municipalities of the region
  const groupLabel = perSchool ? 'Класс' : request.scope.kind === 'municipality' ? 'Организация' : 'Муниципалитет';
  const groupOf = (s: SchoolTerm) => (request.scope.kind === 'region' ? s.municipalityName : s.schoolName);
  const title = `${reportNames[request.kind].ru}, ${request.termNumber} период ${request.startsYear}/${request.startsYear + 1}`;

  if (request.kind === 'achievement') {
    const table: Array<[string, Totals & { excellent: number; oneThree: number; notAttested: number }]> = [];
    const merged = new Map<string, Totals & { excellent: number; oneThree: number; notAttested: number }>();
    const total = { pupils: 0, attested: 0, passing: 0, quality: 0, excellent: 0, oneThree: 0, notAttested: 0 };
    for (const school of schools) {
      const { rows, enrolled } = await achievementRows(db, school);
      const figures = achievement(rows, enrolled);
      const classes = perSchool ? new Map((await classesOf(db, school)).map((c) => [c.id, c.name])) : null;
      for (const f of figures) {
        const key = classes ? classes.get(f.groupKey) ?? f.groupKey : groupOf(school);
        const acc = merged.get(key) ?? { pupils: 0, attested: 0, passing: 0, quality: 0, excellent: 0, oneThree: 0, notAttested: 0 };
        for (const k of Object.keys(total) as Array<keyof typeof total>) {
          acc[k] += f[k];
          total[k] += f[k];
        }
        merged.set(key, acc);
      }
    }
    for (const [k, v] of merged) table.push([k, v]);
    const row = (label: string, v: typeof total) => [label, v.pupils, v.attested, v.notAttested, v.passing, percent(rate(v.passing, v.attested)), v.quality, percent(rate(v.quality, v.attested)), v.excellent, v.oneThree];
    return {
      title,
      columns: [groupLabel, 'Обучающихся', 'Аттестовано', 'Не аттестовано', 'Без «2»', 'Успеваемость, %', 'На «4» и «5»', 'Качество знаний, %', 'Отличников', 'С одной «3»'],
      rows: [...table.map(([label, v]) => row(label, v)), row('Итого', total)],
    };
  }

  if (request.kind === 'subjects') {
    const names = await subjectNames(db);
    const sums = new Map<string, { group: string; subject: string; sum: number; n: number }>();
    for (const school of schools) {
      const { rows } = await achievementRows(db, school);
      const classes = perSchool ? new Map((await classesOf(db, school)).map((c) => [c.id, c.name])) : null;
      for (const a of subjectAverages(rows)) {
        if (a.average === null) continue;
        const group = classes ? classes.get(a.groupKey) ?? a.groupKey : groupOf(school);
        const key = `${group}|${a.subjectCode}`;
        const acc = sums.get(key) ?? { group, subject: a.subjectCode, sum: 0, n: 0 };
        acc.sum += a.average * a.pupils;
        acc.n += a.pupils;
        sums.set(key, acc);
      }
    }
    return {
      title,
      columns: [groupLabel, 'Предмет', 'Обучающихся с отметкой', 'Средний балл'],
      rows: [...sums.values()].map((s) => [s.group, names.get(s.subject) ?? s.subject, s.n, Math.round((s.sum / s.n) * 100) / 100]),
    };
  }

  if (request.kind === 'attendance') {
    const rows: Array<Array<string | number | null>> = [];
    const merged = new Map<string, { lessons: number; byCode: Record<AbsenceCode, number> }>();
    const byPupil: Array<{ pupilId: string; className: string; byCode: Record<AbsenceCode, number> }> = [];
    for (const school of schools) {
      const classes = new Map((await classesOf(db, school)).map((c) => [c.id, c.name]));
      const counts = await queryRows<{ class_id: string; pupil_id: string; code: AbsenceCode; n: number }>(
        db,
        sql`SELECT l.class_id, a.pupil_id, a.code, count(*)::int AS n FROM lesson l JOIN attendance a ON a.lesson_id = l.id
             WHERE l.organization_id = ${school.organizationId} AND l.term_id = ${school.termId} GROUP BY 1, 2, 3`,
      );
      const pupilLessons = await queryRows<{ class_id: string; n: number }>(
        db,
        sql`SELECT l.class_id, count(*)::int AS n FROM lesson l
              JOIN class_enrolment e ON e.class_id = l.class_id AND e.starts_on <= l.held_on AND (e.ends_on IS NULL OR e.ends_on >= l.held_on)
             WHERE l.organization_id = ${school.organizationId} AND l.term_id = ${school.termId} AND l.status = 'held' GROUP BY 1`,
      );
      const figures = attendanceFigures(
        counts.map((c) => ({ groupKey: c.class_id, code: c.code, count: Number(c.n) })),
        new Map(pupilLessons.map((p) => [p.class_id, Number(p.n)])),
      );
      for (const f of figures) {
        const key = perSchool ? classes.get(f.groupKey) ?? f.groupKey : groupOf(school);
        const acc = merged.get(key) ?? { lessons: 0, byCode: { absent: 0, excused: 0, ill: 0, late: 0 } };
        acc.lessons += f.lessons;
        for (const code of Object.keys(acc.byCode) as AbsenceCode[]) acc.byCode[code] += f.byCode[code];
        merged.set(key, acc);
      }
      if (perSchool) {
        const pupils = new Map<string, { className: string; byCode: Record<AbsenceCode, number> }>();
        for (const c of counts) {
          const entry = pupils.get(c.pupil_id) ?? { className: classes.get(c.class_id) ?? '', byCode: { absent: 0, excused: 0, ill: 0, late: 0 } };
          entry.byCode[c.code] += Number(c.n);
          pupils.set(c.pupil_id, entry);
        }
        for (const [pupilId, v] of pupils) byPupil.push({ pupilId, ...v });
      }
    }
    for (const [key, v] of merged) {
      const missed = v.byCode.absent + v.byCode.excused + v.byCode.ill;
      rows.push([key, null, v.lessons, v.byCode.absent, v.byCode.excused, v.byCode.ill, v.byCode.late, rate(missed, v.lessons)]);
    }
    if (perSchool && byPupil.length > 0) {
      const names = await findPersonNames(db, byPupil.map((p) => p.pupilId));
      byPupil
        .map((p) => ({ ...p, name: names.get(p.pupilId) ? personFullName(names.get(p.pupilId)!) : '' }))
        .sort((a, b) => a.className.localeCompare(b.className, 'ru') || a.name.localeCompare(b.name, 'ru'))
        .forEach((p) => rows.push([p.className, p.name, null, p.byCode.absent, p.byCode.excused, p.byCode.ill, p.byCode.late, null]));
    }
    return {
      title,
      columns: [groupLabel, perSchool ? 'Обучающийся' : '', 'Ученико-уроков', 'Н (без причины)', 'УП (уважительная)', 'Б (болезнь)', 'ОП (опоздание)', 'Пропущено, %'],
      rows,
    };
  }

  // completeness: lessons older than N days, by the shared definitions of completeness.service.ts
  const days = await lateAfterDays(db);
  const before = addDays(request.today, -days);
  const rows: Array<Array<string | number | null>> = [];
  const merged = new Map<string, GapCounts>();
  const teacherIds = new Set<string>();
  const perTeacher: Array<{ school: string; teacherId: string; v: GapCounts }> = [];
  for (const school of schools) {
    const counts = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT ${lessonGaps.teacher} AS teacher_id, ${gapCountColumns}
            FROM lesson l JOIN teaching_assignment ta ON ta.id = l.assignment_id
           WHERE l.organization_id = ${school.organizationId} AND l.term_id = ${school.termId} AND ${lessonGaps.counted(before)}
           GROUP BY 1`,
    );
    for (const c of counts) {
      const v = toGapCounts(c);
      if (perSchool) {
        teacherIds.add(String(c.teacher_id));
        perTeacher.push({ school: school.schoolName, teacherId: String(c.teacher_id), v });
      } else {
        const key = groupOf(school);
        merged.set(key, addGapCounts(merged.get(key) ?? emptyGapCounts(), v));
      }
    }
  }
  if (perSchool) {
    const names = await findPersonNames(db, [...teacherIds]);
    for (const t of perTeacher) {
      const name = names.get(t.teacherId);
      merged.set(name ? personFullName(name) : t.teacherId, t.v);
    }
  }
  for (const [key, v] of [...merged].sort((a, b) => a[0].localeCompare(b[0], 'ru'))) {
    rows.push([key, v.lessons, v.noTopic, v.noAttendance, v.noMarks, rate(v.complete, v.lessons)]);
  }
  return {
    title: `${title} (уроки старше ${days} дн.)`,
    columns: [perSchool ? 'Педагог' : groupLabel, 'Уроков по расписанию', 'Без темы', 'Без отметки посещаемости', 'Без отметок', 'С темой и посещаемостью, %'],
    rows,
  };
}

/** Names of municipalities for the report index and headings. */
export async function municipalityNames(db: Executor, ids: readonly number[] | null): Promise<Map<number, string>> {
  const rows = await queryRows<{ id: number; name_ru: string }>(
    db,
    ids === null ? sql`SELECT id, name_ru FROM municipality ORDER BY name_ru` : sql`SELECT id, name_ru FROM municipality WHERE id = ANY(${`{${ids.join(',')}}`}::int[]) ORDER BY name_ru`,
  );
  return new Map(rows.map((r) => [Number(r.id), r.name_ru]));
}
