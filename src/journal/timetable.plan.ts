/**
 * The pure part of the timetable: which dates of a term carry which lessons of a class's weekly
 * template, and how a regeneration reconciles that plan with the lessons already stored. No I/O:
 * timetable.service.ts reads the template, the term, the school holidays and the production
 * calendar and writes the result.
 *
 * The rule of a school day (SanPiN 1.2.3685-21 table 6.6 allows a 5- or 6-day week; the
 * production calendar follows Labour Code art. 112 and the Government's yearly transfer decree):
 * - a date inside the term, on a weekday 1..weekDays (Monday = 1), is a school day unless it is a
 *   public holiday or a day off transferred by the decree (`daysOff`) or falls in school holidays
 *   (каникулы);
 * - a weekend date the decree makes a working day (a transferred working Saturday) is a school
 *   day only if `workingAs` names the weekday whose timetable it follows (the school's order
 *   says so); otherwise a 5-day school rests on it as usual.
 */

export type IsoDate = string;

/** One cell of the weekly template: on this weekday, at this lesson number, this assignment. */
export interface TemplateSlot {
  id: string;
  assignmentId: string;
  /** 1 = Monday … 6 = Saturday. */
  weekday: number;
  lessonNumber: number;
  /** The slot applies from this date (inclusive); null = from the start of the term. */
  validFrom: IsoDate | null;
  /** … until this date (inclusive); null = to the end of the term. */
  validTo: IsoDate | null;
}

export interface PlanInput {
  from: IsoDate;
  to: IsoDate;
  weekDays: 5 | 6;
  slots: readonly TemplateSlot[];
  /** Public holidays and transferred days off that fall on a school weekday. */
  daysOff: ReadonlySet<IsoDate>;
  /** School holidays, inclusive ranges. */
  holidays: ReadonlyArray<{ startsOn: IsoDate; endsOn: IsoDate }>;
  /** Weekend dates made working days, and the weekday whose timetable they follow. */
  workingAs?: ReadonlyMap<IsoDate, number>;
}

export interface PlannedLesson {
  assignmentId: string;
  heldOn: IsoDate;
  lessonNumber: number;
}

const dayMs = 86_400_000;

export function parseIsoDate(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

export function isoDate(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return isoDate(parseIsoDate(date) + days * dayMs);
}

/** 1 = Monday … 7 = Sunday (ISO 8601). */
export function isoWeekday(date: IsoDate): number {
  const d = new Date(parseIsoDate(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Monday of the week holding the date. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - isoWeekday(date));
}

/** The timetable weekday a date follows, or null when no lessons are held on it. */
export function schoolWeekday(date: IsoDate, input: Omit<PlanInput, 'from' | 'to' | 'slots'>): number | null {
  if (input.holidays.some((h) => h.startsOn <= date && date <= h.endsOn)) return null;
  const transferred = input.workingAs?.get(date);
  if (transferred !== undefined) return transferred;
  const weekday = isoWeekday(date);
  if (weekday > input.weekDays) return null;
  if (input.daysOff.has(date)) return null;
  return weekday;
}

/**
 * The lessons the template puts into [from, to]: one per slot on each school day whose weekday
 * matches and that lies within the slot's validity. Ordered by date, lesson number, assignment.
 */
export function planLessons(input: PlanInput): PlannedLesson[] {
  const byWeekday = new Map<number, TemplateSlot[]>();
  for (const slot of input.slots) {
    const list = byWeekday.get(slot.weekday) ?? [];
    list.push(slot);
    byWeekday.set(slot.weekday, list);
  }
  const out: PlannedLesson[] = [];
  for (let ms = parseIsoDate(input.from), end = parseIsoDate(input.to); ms <= end; ms += dayMs) {
    const date = isoDate(ms);
    const weekday = schoolWeekday(date, input);
    if (weekday === null) continue;
    for (const slot of byWeekday.get(weekday) ?? []) {
      if (slot.validFrom && date < slot.validFrom) continue;
      if (slot.validTo && date > slot.validTo) continue;
      out.push({ assignmentId: slot.assignmentId, heldOn: date, lessonNumber: slot.lessonNumber });
    }
  }
  out.sort((a, b) => (a.heldOn < b.heldOn ? -1 : a.heldOn > b.heldOn ? 1 : a.lessonNumber - b.lessonNumber || (a.assignmentId < b.assignmentId ? -1 : 1)));
  return out;
}

/** A stored lesson as far as regeneration cares. */
export interface ExistingLesson {
  id: string;
  assignmentId: string;
  heldOn: IsoDate;
  lessonNumber: number;
  /** Where the template put it, if it was moved since (else null: it is where it was planned). */
  movedFromOn: IsoDate | null;
  movedFromNumber: number | null;
  /** Held, or has a topic, homework, marks, attendance, a substitute, or was moved/cancelled by hand. */
  touched: boolean;
}

export interface Reconciliation {
  insert: PlannedLesson[];
  /** Untouched lessons the template no longer produces. */
  remove: string[];
  /** Touched lessons the template no longer produces: kept, reported to the user. */
  keptOrphans: string[];
}

export const lessonKey = (l: { assignmentId: string; heldOn: IsoDate; lessonNumber: number }): string => `${l.assignmentId}|${l.heldOn}|${l.lessonNumber}`;

/**
 * Idempotent regeneration: lessons already there stay (with everything filled in them); missing
 * ones are added (a moved lesson counts at the place it was planned, so it is not planned
 * twice); untouched lessons the template no longer yields go; touched ones are never
 * destroyed. Running it twice changes nothing the second time.
 */
export function reconcileLessons(planned: readonly PlannedLesson[], existing: readonly ExistingLesson[]): Reconciliation {
  const planKey = (e: ExistingLesson) => lessonKey({ assignmentId: e.assignmentId, heldOn: e.movedFromOn ?? e.heldOn, lessonNumber: e.movedFromNumber ?? e.lessonNumber });
  const have = new Set(existing.map(planKey));
  const want = new Set(planned.map(lessonKey));
  const insert = planned.filter((p) => !have.has(lessonKey(p)));
  const remove: string[] = [];
  const keptOrphans: string[] = [];
  for (const e of existing) {
    if (want.has(planKey(e))) continue;
    (e.touched ? keptOrphans : remove).push(e.id);
  }
  return { insert, remove, keptOrphans };
}

/**
 * A first weekly template from the curriculum: each assignment gets its hours per week (rounded;
 * a half hour becomes a lesson every week), spread over the days so that a day has as few lessons
 * as possible and a subject appears at most once a day while it can. Deterministic: the same
 * input gives the same template. The head edits it afterwards.
 */
export function proposeTemplate(subjects: ReadonlyArray<{ assignmentId: string; hours: number }>, weekDays: 5 | 6): Array<{ assignmentId: string; weekday: number; lessonNumber: number }> {
  const days: string[][] = Array.from({ length: weekDays }, () => []);
  const units = [...subjects]
    .map((s) => ({ id: s.assignmentId, left: Math.max(0, Math.round(s.hours)) }))
    .sort((a, b) => b.left - a.left || (a.id < b.id ? -1 : 1));
  // The subjects with most hours first, while every day is still free for them; the light ones
  // then even out the days.
  let offset = 0;
  for (const u of units) {
    for (; u.left > 0; u.left--) {
      let best = -1;
      for (let k = 0; k < weekDays; k++) {
        const d = (k + offset) % weekDays;
        const free = !days[d]!.includes(u.id);
        const bestFree = best >= 0 && !days[best]!.includes(u.id);
        if (best < 0 || (free && !bestFree) || (free === bestFree && days[d]!.length < days[best]!.length)) best = d;
      }
      days[best]!.push(u.id);
      offset = (offset + 1) % weekDays;
    }
  }
  return days.flatMap((list, d) => list.map((assignmentId, i) => ({ assignmentId, weekday: d + 1, lessonNumber: i + 1 })));
}
