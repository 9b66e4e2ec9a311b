import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computedPlan, isSchoolDay, schoolDays, validateBells, validateCalendar, type YearCalendar } from './school-year.service.ts';

const year = { startsOn: '2026-09-01', endsOn: '2027-05-25', termKind: 'quarter' as const };
const terms = [
  { startsOn: '2026-09-01', endsOn: '2026-10-24' },
  { startsOn: '2026-11-05', endsOn: '2026-12-27' },
  { startsOn: '2027-01-11', endsOn: '2027-03-20' },
  { startsOn: '2027-03-29', endsOn: '2027-05-25' },
];

test('a valid quarter calendar passes', () => {
  assert.deepEqual(validateCalendar(year, terms, [{ name: 'Осенние', startsOn: '2026-10-25', endsOn: '2026-11-04' }]), {});
});

test('terms must be counted for the kind, in order, inside the year and not overlapping', () => {
  assert.ok(validateCalendar(year, terms.slice(0, 3), [])['terms']);
  assert.ok(validateCalendar({ ...year, termKind: 'trimester' }, terms, [])['terms']);
  const overlapping = [...terms];
  overlapping[1] = { startsOn: '2026-10-20', endsOn: '2026-12-27' };
  assert.ok(validateCalendar(year, overlapping, [])['terms.2.startsOn']);
  const outside = [...terms];
  outside[3] = { startsOn: '2027-03-29', endsOn: '2027-06-30' };
  assert.ok(validateCalendar(year, outside, [])['terms.4.startsOn']);
  const reversed = [...terms];
  reversed[0] = { startsOn: '2026-10-24', endsOn: '2026-09-01' };
  assert.ok(validateCalendar(year, reversed, [])['terms.1.endsOn']);
  assert.ok(validateCalendar(year, [{ startsOn: '2026-02-30', endsOn: '2026-10-24' }, ...terms.slice(1)], [])['terms.1.startsOn']);
});

test('holidays must be named, inside the year, and not swallow a term', () => {
  const errors = validateCalendar(year, terms, [
    { name: ' ', startsOn: '2026-10-25', endsOn: '2026-11-04' },
    { name: 'Летом', startsOn: '2027-06-01', endsOn: '2027-06-10' },
    { name: 'Всю четверть', startsOn: '2026-11-01', endsOn: '2026-12-31' },
  ]);
  assert.ok(errors['holidays.0.name']);
  assert.ok(errors['holidays.1.startsOn']);
  assert.ok(errors['holidays.2.startsOn']);
  // A week of extra holidays for first-graders inside the third quarter is allowed.
  assert.deepEqual(validateCalendar(year, terms, [{ name: 'Доп. каникулы 1 класс', startsOn: '2027-02-15', endsOn: '2027-02-21' }]), {});
});

test('the year lasts 30 to 52 weeks', () => {
  assert.ok(validateCalendar({ ...year, endsOn: '2026-12-31' }, terms, [])['endsOn']);
});

test('computed trimesters and half-years validate and break for the New Year', () => {
  for (const kind of ['trimester', 'halfYear'] as const) {
    const plan = computedPlan(2026, kind);
    assert.deepEqual(validateCalendar({ ...plan, termKind: kind }, plan.terms, plan.holidays), {}, kind);
  }
  assert.equal(computedPlan(2026, 'halfYear').terms[0]!.endsOn, '2026-12-28');
});

test('bells: HH:MM, each lesson ends after it starts and after the previous one', () => {
  assert.deepEqual(validateBells([{ lessonNumber: 1, startsAt: '08:00', endsAt: '08:45' }, { lessonNumber: 2, startsAt: '08:55', endsAt: '09:40' }]), {});
  assert.ok(validateBells([{ lessonNumber: 1, startsAt: '8:00', endsAt: '08:45' }])['bells.1.startsAt']);
  assert.ok(validateBells([{ lessonNumber: 1, startsAt: '08:00', endsAt: '08:45' }, { lessonNumber: 2, startsAt: '08:30', endsAt: '09:40' }])['bells.2.endsAt']);
});

test('school days: weekdays of the week inside terms, outside holidays and public days off', () => {
  const calendar = {
    year: { weekDays: 5 },
    terms: terms.map((t, i) => ({ ...t, id: String(i), yearId: 'y', number: i + 1 })),
    holidays: [{ id: 'h', yearId: 'y', name: 'Осенние', startsOn: '2026-10-25', endsOn: '2026-11-04' }],
  } as unknown as YearCalendar;
  assert.equal(isSchoolDay(calendar, '2026-09-05'), false, 'Saturday on a five-day week');
  assert.equal(isSchoolDay({ ...calendar, year: { ...calendar.year, weekDays: 6 } }, '2026-09-05'), true);
  assert.equal(isSchoolDay(calendar, '2026-11-02'), false, 'holidays');
  assert.equal(isSchoolDay(calendar, '2026-11-04'), false);
  assert.equal(isSchoolDay(calendar, '2027-02-23', new Set(['2027-02-23'])), false, 'public holiday');
  assert.equal(schoolDays(calendar, { startsOn: '2026-09-01', endsOn: '2026-09-07' }).length, 5);
});
