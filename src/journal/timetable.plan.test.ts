import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoWeekday, mondayOf, planLessons, proposeTemplate, reconcileLessons, type ExistingLesson, type TemplateSlot } from './timetable.plan.ts';

const slot = (weekday: number, lessonNumber: number, assignmentId = 'math', extra: Partial<TemplateSlot> = {}): TemplateSlot => ({
  id: `${assignmentId}-${weekday}-${lessonNumber}`,
  assignmentId,
  weekday,
  lessonNumber,
  validFrom: null,
  validTo: null,
  ...extra,
});

// The 2026 production calendar (Government decree of 2025 on transfers): May 1 (Fri) and May 9
// (Sat) are holidays, the day off of May 9 moves to Monday May 11.
const may2026 = new Set(['2026-05-01', '2026-05-11']);

describe('timetable generation', () => {
  it('knows weekdays and the Monday of a week', () => {
    assert.equal(isoWeekday('2026-05-04'), 1);
    assert.equal(isoWeekday('2026-05-10'), 7);
    assert.equal(mondayOf('2026-05-10'), '2026-05-04');
    assert.equal(mondayOf('2026-05-04'), '2026-05-04');
  });

  it('skips the May holidays and the transferred Monday in a 5-day week', () => {
    const lessons = planLessons({
      from: '2026-04-27',
      to: '2026-05-15',
      weekDays: 5,
      slots: [slot(1, 2), slot(5, 1), slot(6, 3)],
      daysOff: may2026,
      holidays: [],
    });
    assert.deepEqual(
      lessons.map((l) => l.heldOn),
      // Mondays 27 Apr and 4 May; Friday 1 May is a holiday; Monday 11 May is the transferred day off;
      // Saturdays are not school days in a 5-day week.
      ['2026-04-27', '2026-05-04', '2026-05-08', '2026-05-15'],
    );
  });

  it('holds Saturday lessons in a 6-day week except on a public holiday', () => {
    const lessons = planLessons({
      from: '2026-05-02',
      to: '2026-05-16',
      weekDays: 6,
      slots: [slot(6, 3)],
      daysOff: new Set([...may2026, '2026-05-09']),
      holidays: [],
    });
    assert.deepEqual(lessons.map((l) => l.heldOn), ['2026-05-02', '2026-05-16']);
  });

  it('follows the named weekday on a transferred working Saturday', () => {
    // 2025: Saturday 1 November was a working day instead of Monday 3 November.
    const lessons = planLessons({
      from: '2025-10-27',
      to: '2025-11-07',
      weekDays: 5,
      slots: [slot(1, 1)],
      daysOff: new Set(['2025-11-03', '2025-11-04']),
      holidays: [],
      workingAs: new Map([['2025-11-01', 1]]),
    });
    assert.deepEqual(lessons.map((l) => l.heldOn), ['2025-10-27', '2025-11-01']);
  });

  it('skips school holidays inclusive of both ends', () => {
    const lessons = planLessons({
      from: '2026-03-16',
      to: '2026-04-03',
      weekDays: 5,
      slots: [slot(1, 1), slot(5, 1)],
      daysOff: new Set(),
      holidays: [{ startsOn: '2026-03-20', endsOn: '2026-03-29' }],
    });
    assert.deepEqual(lessons.map((l) => l.heldOn), ['2026-03-16', '2026-03-30', '2026-04-03']);
  });

  it('respects a slot valid from and to, and orders by date then lesson number', () => {
    const lessons = planLessons({
      from: '2026-01-12',
      to: '2026-01-30',
      weekDays: 5,
      slots: [slot(2, 3, 'a', { validTo: '2026-01-20' }), slot(2, 3, 'b', { validFrom: '2026-01-21' }), slot(2, 1, 'c')],
      daysOff: new Set(),
      holidays: [],
    });
    assert.deepEqual(
      lessons.map((l) => `${l.heldOn}#${l.lessonNumber}${l.assignmentId}`),
      ['2026-01-13#1c', '2026-01-13#3a', '2026-01-20#1c', '2026-01-20#3a', '2026-01-27#1c', '2026-01-27#3b'],
    );
  });
});

describe('regeneration', () => {
  const planned = planLessons({ from: '2026-01-12', to: '2026-01-23', weekDays: 5, slots: [slot(1, 1), slot(3, 2)], daysOff: new Set(), holidays: [] });
  const stored = (id: string, heldOn: string, lessonNumber: number, touched: boolean, moved?: [string, number]): ExistingLesson => ({
    id,
    assignmentId: 'math',
    heldOn,
    lessonNumber,
    touched,
    movedFromOn: moved?.[0] ?? null,
    movedFromNumber: moved?.[1] ?? null,
  });

  it('adds what is missing and changes nothing on a second run', () => {
    const first = reconcileLessons(planned, []);
    assert.equal(first.insert.length, 4);
    const after = first.insert.map((p, i) => stored(`l${i}`, p.heldOn, p.lessonNumber, false));
    assert.deepEqual(reconcileLessons(planned, after), { insert: [], remove: [], keptOrphans: [] });
  });

  it('removes untouched lessons the template dropped but never a filled one', () => {
    const existing = [stored('keep', '2026-01-12', 1, false), stored('gone', '2026-01-13', 4, false), stored('filled', '2026-01-13', 5, true)];
    const result = reconcileLessons(planned, existing);
    assert.deepEqual(result.remove, ['gone']);
    assert.deepEqual(result.keptOrphans, ['filled']);
    assert.equal(result.insert.length, 3);
  });

  it('does not plan a moved lesson again at its original place', () => {
    const existing = [stored('moved', '2026-01-16', 6, true, ['2026-01-12', 1])];
    const result = reconcileLessons(planned, existing);
    assert.ok(!result.insert.some((p) => p.heldOn === '2026-01-12'));
    assert.deepEqual(result.remove, []);
    assert.deepEqual(result.keptOrphans, []);
  });
});

describe('a first template from the curriculum', () => {
  it('gives each subject its hours, spreads the days evenly and avoids a subject twice a day', () => {
    const subjects = [
      { assignmentId: 'math', hours: 5 },
      { assignmentId: 'russian', hours: 5 },
      { assignmentId: 'literature', hours: 3 },
      { assignmentId: 'english', hours: 3 },
      { assignmentId: 'history', hours: 2 },
      { assignmentId: 'pe', hours: 2 },
      { assignmentId: 'music', hours: 1 },
      { assignmentId: 'art', hours: 0.5 },
    ];
    const template = proposeTemplate(subjects, 5);
    const count = (id: string) => template.filter((s) => s.assignmentId === id).length;
    assert.deepEqual(subjects.map((s) => count(s.assignmentId)), [5, 5, 3, 3, 2, 2, 1, 1]);
    const perDay = [1, 2, 3, 4, 5].map((d) => template.filter((s) => s.weekday === d).length);
    assert.ok(Math.max(...perDay) - Math.min(...perDay) <= 1, `days ${perDay}`);
    for (let d = 1; d <= 5; d++) {
      const ids = template.filter((s) => s.weekday === d).map((s) => s.assignmentId);
      assert.equal(new Set(ids).size, ids.length, `day ${d}: ${ids}`);
      assert.deepEqual(template.filter((s) => s.weekday === d).map((s) => s.lessonNumber), ids.map((_, i) => i + 1));
    }
    assert.deepEqual(proposeTemplate(subjects, 5), template);
  });
});
