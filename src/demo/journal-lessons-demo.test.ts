import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { queryRows } from '../platform/db/connect.ts';
import { pupilWeek } from '../journal/lesson.service.ts';
import { demoJournalToday } from './journal-lessons-demo.ts';
import { seedDemoRegion, type SeedReport } from './seed.ts';

describe('the demo school’s lessons', () => {
  let database: TestDatabase;
  let report: SeedReport;
  const db = () => database.handle.db;

  before(async () => {
    database = await createTestDatabase();
    report = await seedDemoRegion(db(), { scale: 0.002, seed: 5 });
  });
  after(async () => {
    await database.drop();
  });

  test('the second quarter is generated without holidays and filled up to the demo today', async () => {
    const [row] = await queryRows<{ lessons: number; filled: number; late_filled: number; on_holiday: number; weekend: number; slots: number; marks: number; pupil_lessons: number; absences: number; before_term: number }>(
      db(),
      sql`SELECT (SELECT count(*)::int FROM lesson) AS lessons,
                 (SELECT count(*)::int FROM lesson WHERE status = 'held' AND topic <> '') AS filled,
                 (SELECT count(*)::int FROM lesson WHERE status = 'held' AND held_on > ${demoJournalToday}) AS late_filled,
                 (SELECT count(*)::int FROM lesson WHERE held_on = '2026-11-04') AS on_holiday,
                 (SELECT count(*)::int FROM lesson WHERE extract(isodow FROM held_on) > 5) AS weekend,
                 (SELECT count(*)::int FROM timetable_slot) AS slots,
                 (SELECT count(*)::int FROM mark) AS marks,
                 (SELECT count(*)::int FROM lesson l JOIN class_enrolment e ON e.class_id = l.class_id WHERE l.status = 'held') AS pupil_lessons,
                 (SELECT count(*)::int FROM attendance) AS absences,
                 (SELECT count(*)::int FROM lesson WHERE held_on < '2026-11-05') AS before_term`,
    );
    const r = row!;
    assert.ok(r.lessons > 100 && r.slots > 20, JSON.stringify(r));
    assert.ok(r.filled > 0 && r.filled < r.lessons, JSON.stringify(r));
    assert.equal(r.late_filled, 0);
    assert.equal(r.on_holiday, 0);
    assert.equal(r.weekend, 0);
    assert.equal(r.before_term, 0, 'the current term starts after the autumn holidays');
    const markRate = r.marks / r.pupil_lessons;
    const absenceRate = r.absences / r.pupil_lessons;
    assert.ok(markRate > 0.28 && markRate < 0.5, `marks per pupil-lesson ${markRate}`);
    assert.ok(absenceRate > 0.03 && absenceRate < 0.07, `absences ${absenceRate}`);
    const dist = await queryRows<{ value: number; n: number }>(db(), sql`SELECT value, count(*)::int AS n FROM mark GROUP BY value ORDER BY value`);
    const share = (v: number) => (dist.find((d) => d.value === v)?.n ?? 0) / r.marks;
    assert.ok(share(4) > share(2) && share(5) > share(2) && share(3) > share(2), JSON.stringify(dist));
  });

  test('the demo pupil’s week shows lessons with topics, homework and marks', async () => {
    const week = await pupilWeek(db(), report.anchors.pupilPersonId, '2026-11-16');
    assert.ok(week.length >= 20, `${week.length} lessons`);
    assert.ok(week.every((l) => l.topic !== ''));
    assert.ok(week.some((l) => l.homework !== ''));
    assert.ok(week.some((l) => l.marks.length > 0));
  });
});
