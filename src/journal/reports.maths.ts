/**
 * The numbers of the school's reports, pure: plain rows in, figures out.
 *
 * Definitions (as the schools of the Krai compute them in their «отчёт об успеваемости», the
 * formulas of the Ministry's monitoring of academic results; GLOSSARY: passRate, qualityRate):
 *
 * - A pupil's **result in a subject for a term** is the final mark the teacher decided; where no
 *   final is decided yet, the weighted average of the term's marks rounded half up
 *   (`suggestFinal`, the rule the gradebook suggests). A subject without marks gives no result.
 * - A pupil is **attested** (аттестован) for the term when they have a result in at least one
 *   subject. Pupils without any result are counted apart as «не аттестованы» and are not in the
 *   denominators below (a pupil who came last week should not sink the class's figures).
 * - **Pass rate** (успеваемость, %) = pupils whose results are all 3, 4 or 5 (no 2, no 1)
 *   ÷ attested pupils × 100.
 * - **Quality** (качество знаний, %) = pupils whose results are all 4 or 5 ÷ attested pupils × 100.
 * - **Average mark** (средний балл) of a subject = the mean of the pupils' results in it.
 *
 * Percentages and averages are rounded to one and two decimals for display only.
 */
import { suggestFinal, type WeightedMark } from './finals.average.ts';

export interface PupilSubjectRow {
  pupilId: string;
  /** The grouping the figures are reported by: a class id, a school id, a municipality id. */
  groupKey: string;
  subjectCode: string;
  /** The decided term final, if any. */
  final: number | null;
  marks: readonly WeightedMark[];
}

export interface AchievementFigures {
  groupKey: string;
  pupils: number;
  attested: number;
  notAttested: number;
  passing: number;
  quality: number;
  /** % of attested, one decimal; null when none is attested. */
  passRate: number | null;
  qualityRate: number | null;
  /** Pupils with only 5s (отличники) and with exactly one 3 (резерв качества), shown by schools. */
  excellent: number;
  oneThree: number;
}

export interface SubjectAverage {
  groupKey: string;
  subjectCode: string;
  pupils: number;
  average: number | null;
}

/** The result of one row: the decided final, else the suggested one; null without marks. */
export function subjectResult(row: Pick<PupilSubjectRow, 'final' | 'marks'>): number | null {
  return row.final ?? suggestFinal(row.marks).suggested;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Pass rate and quality per group. `enrolled` lists every pupil of each group (so pupils without
 * any row are counted as not attested).
 */
export function achievement(rows: readonly PupilSubjectRow[], enrolled: ReadonlyMap<string, readonly string[]>): AchievementFigures[] {
  // group → pupil → results
  const results = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    const result = subjectResult(row);
    if (result === null) continue;
    let group = results.get(row.groupKey);
    if (!group) results.set(row.groupKey, (group = new Map()));
    let list = group.get(row.pupilId);
    if (!list) group.set(row.pupilId, (list = []));
    list.push(result);
  }
  const keys = [...new Set([...enrolled.keys(), ...results.keys()])].sort();
  return keys.map((groupKey) => {
    const group = results.get(groupKey) ?? new Map<string, number[]>();
    const pupils = new Set([...(enrolled.get(groupKey) ?? []), ...group.keys()]);
    let attested = 0;
    let passing = 0;
    let quality = 0;
    let excellent = 0;
    let oneThree = 0;
    for (const pupilId of pupils) {
      const list = group.get(pupilId);
      if (!list || list.length === 0) continue;
      attested++;
      if (list.every((v) => v >= 3)) passing++;
      if (list.every((v) => v >= 4)) quality++;
      if (list.every((v) => v === 5)) excellent++;
      if (list.filter((v) => v === 3).length === 1 && list.every((v) => v >= 3)) oneThree++;
    }
    return {
      groupKey,
      pupils: pupils.size,
      attested,
      notAttested: pupils.size - attested,
      passing,
      quality,
      passRate: attested === 0 ? null : round1((passing / attested) * 100),
      qualityRate: attested === 0 ? null : round1((quality / attested) * 100),
      excellent,
      oneThree,
    };
  });
}

/** The average result per group and subject. */
export function subjectAverages(rows: readonly PupilSubjectRow[]): SubjectAverage[] {
  const sums = new Map<string, { groupKey: string; subjectCode: string; sum: number; n: number }>();
  for (const row of rows) {
    const result = subjectResult(row);
    const key = `${row.groupKey}\u0000${row.subjectCode}`;
    let entry = sums.get(key);
    if (!entry) sums.set(key, (entry = { groupKey: row.groupKey, subjectCode: row.subjectCode, sum: 0, n: 0 }));
    if (result === null) continue;
    entry.sum += result;
    entry.n++;
  }
  return [...sums.values()]
    .sort((a, b) => a.groupKey.localeCompare(b.groupKey) || a.subjectCode.localeCompare(b.subjectCode))
    .map((e) => ({ groupKey: e.groupKey, subjectCode: e.subjectCode, pupils: e.n, average: e.n === 0 ? null : round2(e.sum / e.n) }));
}

export const absenceCodes = ['absent', 'excused', 'ill', 'late'] as const;
export type AbsenceCode = (typeof absenceCodes)[number];

export interface AttendanceRow {
  groupKey: string;
  code: AbsenceCode;
  count: number;
}

export interface AttendanceFigures {
  groupKey: string;
  lessons: number;
  byCode: Record<AbsenceCode, number>;
  /** Lessons missed (absent + excused + ill; «late» is present) ÷ pupil-lessons × 100. */
  missedRate: number | null;
}

/**
 * Attendance per group: `pupilLessons` is how many (pupil, held lesson) pairs the group had —
 * the denominator of the missed share.
 */
export function attendanceFigures(rows: readonly AttendanceRow[], pupilLessons: ReadonlyMap<string, number>): AttendanceFigures[] {
  const keys = [...new Set([...pupilLessons.keys(), ...rows.map((r) => r.groupKey)])].sort();
  return keys.map((groupKey) => {
    const byCode: Record<AbsenceCode, number> = { absent: 0, excused: 0, ill: 0, late: 0 };
    for (const row of rows) if (row.groupKey === groupKey) byCode[row.code] += row.count;
    const lessons = pupilLessons.get(groupKey) ?? 0;
    const missed = byCode.absent + byCode.excused + byCode.ill;
    return { groupKey, lessons, byCode, missedRate: lessons === 0 ? null : round1((missed / lessons) * 100) };
  });
}
