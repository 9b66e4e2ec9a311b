import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../../test/support/database.ts';
import { addWorkingDays, getCalendarYear, isWorkingDay, nonWorkingDays, parseCalendarYearInput, saveCalendarYear } from './calendar.service.ts';

const origin = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

test('the production calendar: seeded exceptions, weekends, and the working-day count of each year', async () => {
  const database = await createTestDatabase();
  const db = database.handle.db;
  try {
    assert.equal(await isWorkingDay(db, '2026-05-11'), false, '9 May 2026 (Saturday) moves to Monday 11 May');
    assert.equal(await isWorkingDay(db, '2026-05-12'), true);
    assert.equal(await isWorkingDay(db, '2026-05-16'), false, 'a plain Saturday');
    assert.equal(await isWorkingDay(db, '2025-11-01'), true, 'Saturday 1 November 2025 was worked');
    assert.equal(await isWorkingDay(db, '2025-11-03'), false);
    // Decree No. 1335: 2025 has 247 working days; 2026 has 247 as well.
    assert.equal((await getCalendarYear(db, 2025)).workingDays, 247);
    assert.equal((await getCalendarYear(db, 2026)).workingDays, 247);
    assert.deepEqual(await nonWorkingDays(db, '2026-05-01', '2026-05-11'), ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-09', '2026-05-10', '2026-05-11']);
  } finally {
    await database.drop();
  }
});

test('working-day deadlines skip the May holidays', async () => {
  const database = await createTestDatabase();
  const db = database.handle.db;
  try {
    // Received on Thursday 30 April 2026: 5 working days are 4, 5, 6, 7, 8 May (1–3 May off).
    assert.equal(await addWorkingDays(db, '2026-04-30', 5), '2026-05-08');
    // Received on Friday 8 May 2026: 9–11 May off, so 12, 13, 14 May for 3 working days.
    assert.equal(await addWorkingDays(db, '2026-05-08', 3), '2026-05-14');
    // Stage 1 ends on Tuesday 30 June 2026: 3 working days → 1, 2, 3 July.
    assert.equal(await addWorkingDays(db, '2026-06-30', 3), '2026-07-03');
    // 2027: 30 June is a Wednesday → 1, 2, 5 July.
    assert.equal(await addWorkingDays(db, '2027-06-30', 3), '2027-07-05');
    // 2025: 30 April (Wednesday) + 2 working days: 1–4 May off → 5, 6 May.
    assert.equal(await addWorkingDays(db, '2025-04-30', 2), '2025-05-06');
    assert.equal(await addWorkingDays(db, '2026-05-09', 0), '2026-05-12', 'n = 0 on a day off gives the next working day');
  } finally {
    await database.drop();
  }
});

test('a year not entered falls back to the Labour Code holidays; an edit replaces the year and is audited', async () => {
  const database = await createTestDatabase();
  const db = database.handle.db;
  try {
    // 2030: no row; 1 May 2030 is a Wednesday, a public holiday under art. 112.
    assert.equal(await isWorkingDay(db, '2030-05-01'), false);
    assert.equal(await isWorkingDay(db, '2030-05-02'), true);
    const parsed = parseCalendarYearInput(2030, { source: 'Постановление (тест)', confirmed: 'on', days: '2030-05-01 holiday Праздник\n2030-05-02 dayOff Перенос\n2030-05-04 workingWeekend' });
    assert.ok(parsed.ok);
    await saveCalendarYear(db, origin, 2030, parsed.value, new Date('2029-10-01T00:00:00Z'));
    assert.equal(await isWorkingDay(db, '2030-05-02'), false);
    assert.equal(await isWorkingDay(db, '2030-05-04'), true);
    // Entered years use only their own list: 8 March 2030 (Friday) is not listed, so it is worked.
    assert.equal(await isWorkingDay(db, '2030-03-08'), true);
    const bad = parseCalendarYearInput(2030, { days: '2030-05-06 workingWeekend' });
    assert.equal(bad.ok, false, 'a Monday cannot be a worked weekend day');
    const wrongYear = parseCalendarYearInput(2030, { days: '2031-01-01 holiday' });
    assert.equal(wrongYear.ok, false);
  } finally {
    await database.drop();
  }
});
