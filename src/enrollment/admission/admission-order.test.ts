import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate } from '../allocation/allocate.ts';
import { PROPERTY_RUNS } from '../../../test/support/allocation.ts';
import {
  admissionOrder,
  buildAdmissionInstance,
  levelRank,
  lotteryRank,
  priorityLevels,
  seedMatches,
  tieBreakOrder,
  type OrderApplication,
  type OrderingRule,
  type PriorityLevel,
} from './admission-order.ts';

const opensAt = new Date('2026-03-29T05:00:00Z');
const receipt: OrderingRule = { ordering: 'receipt', opensAt, windowHours: null, seed: null };
const lottery = (seed: string, windowHours = 1): OrderingRule => ({ ordering: 'lottery', opensAt, windowHours, seed });

/** Applications received one after the other, `stepMs` apart from the opening. */
function received(levels: Array<PriorityLevel | null>, options: { stepMs?: number; school?: (i: number) => string } = {}): OrderApplication[] {
  return levels.map((level, i) => ({
    receiptNumber: i + 1,
    receivedAt: new Date(opensAt.getTime() + i * (options.stepMs ?? 1000)),
    organizationId: options.school ? options.school(i) : 'S1',
    level,
  }));
}

const levelArb = fc.constantFrom<PriorityLevel | null>(...priorityLevels, null);

describe('order of admission', () => {
  test('an out-of-turn child outranks first priority, which outranks a sibling, which outranks the territory, which outranks the rest', () => {
    const apps = received(['territory', null, 'sibling', 'first', 'outOfTurn', 'territory']);
    assert.deepEqual(admissionOrder(apps, receipt).get('S1'), [5, 4, 3, 1, 6, 2]);
  });

  test('within a level the earlier receipt comes first (Order 458: the order of receipt decides)', () => {
    fc.assert(
      fc.property(fc.array(levelArb, { minLength: 1, maxLength: 40 }), (levels) => {
        const order = admissionOrder(received(levels), receipt).get('S1')!;
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [levels[order[i - 1]! - 1]!, levels[order[i]! - 1]!];
          assert.ok(levelRank(a) < levelRank(b) || (levelRank(a) === levelRank(b) && order[i - 1]! < order[i]!), 'sorted by level, then receipt');
        }
        assert.equal(order.length, levels.length);
      }),
      PROPERTY_RUNS,
    );
  });

  test('the order does not depend on how the applications are listed, and each school orders only its own', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(levelArb, fc.constantFrom('S1', 'S2', 'S3')), { minLength: 1, maxLength: 30 }), fc.string({ minLength: 1 }), (rows, seed) => {
        const apps = received(rows.map((r) => r[0]), { school: (i) => rows[i]![1], stepMs: 600_000 });
        const rule = lottery(seed, 2);
        const once = admissionOrder(apps, rule);
        assert.deepEqual(admissionOrder([...apps].reverse(), rule), once);
        for (const [school, numbers] of once) for (const n of numbers) assert.equal(apps[n - 1]!.organizationId, school);
      }),
      PROPERTY_RUNS,
    );
  });

  test('the lottery rank is SHA-256 of "seed:receiptNumber", as sha256sum prints it', () => {
    assert.equal(lotteryRank('s33d', 17), createHash('sha256').update('s33d:17').digest('hex'));
    assert.ok(seedMatches('s33d', createHash('sha256').update('s33d').digest('hex').toUpperCase()));
    assert.ok(!seedMatches('other', createHash('sha256').update('s33d').digest('hex')));
  });

  test('a lottery is reproducible from the seed: the same seed draws the same order, another seed another', () => {
    const apps = received(Array(40).fill('territory'), { stepMs: 10_000 });
    assert.deepEqual(tieBreakOrder(apps, lottery('2026-a')), tieBreakOrder([...apps].reverse(), lottery('2026-a')));
    assert.notDeepEqual(tieBreakOrder(apps, lottery('2026-a')), tieBreakOrder(apps, lottery('2026-b')));
  });

  test('the lottery draws everyone received in the first N hours, then later applications follow by receipt', () => {
    // 10 in the first hour, 5 after it
    const apps = received(Array(15).fill('territory'), { stepMs: 400_000 });
    const order = tieBreakOrder(apps, lottery('seed', 1));
    const windowCount = apps.filter((a) => a.receivedAt.getTime() < opensAt.getTime() + 3_600_000).length;
    assert.equal(windowCount, 9);
    assert.deepEqual(new Set(order.slice(0, windowCount)), new Set(apps.slice(0, windowCount).map((a) => a.receiptNumber)));
    assert.deepEqual(order.slice(windowCount), [10, 11, 12, 13, 14, 15]);
    const ranks = order.slice(0, windowCount).map((n) => lotteryRank('seed', n));
    assert.deepEqual(ranks, [...ranks].sort(), 'by rank ascending');
  });

  test('the first second is worth no more than the first hour: when in the window an application came does not change its draw', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_599_999 }), { minLength: 2, maxLength: 30 }), fc.string({ minLength: 1 }), (offsets, seed) => {
        const sorted = [...offsets].sort((a, b) => a - b);
        const apps = sorted.map((ms, i) => ({ receiptNumber: i + 1, receivedAt: new Date(opensAt.getTime() + ms), organizationId: 'S1', level: 'territory' as const }));
        // Everyone arriving within the first second instead, keeping the receipt numbers: the same draw.
        const rushed = apps.map((a, i) => ({ ...a, receivedAt: new Date(opensAt.getTime() + Math.floor((i * 1000) / apps.length)) }));
        assert.deepEqual(tieBreakOrder(apps, lottery(seed)), tieBreakOrder(rushed, lottery(seed)));
      }),
      PROPERTY_RUNS,
    );
    // And over many seeds the first receipt lands anywhere: its mean position is the middle.
    const apps = received(Array(20).fill('territory'), { stepMs: 1000 });
    let sum = 0;
    const draws = 2000;
    for (let s = 0; s < draws; s++) sum += tieBreakOrder(apps, lottery(`seed-${s}`)).indexOf(1);
    const mean = sum / draws;
    assert.ok(mean > 8.5 && mean < 10.5, `receipt no. 1 sits at ${mean.toFixed(2)} on average (the middle is 9.5)`);
  });

  test('a lottery whose seed is not revealed cannot be drawn', () => {
    assert.throws(() => tieBreakOrder(received(['territory']), { ...lottery('x'), seed: null }), /not been revealed/);
  });

  test('the engine admits each school’s first places in the order of admission, and the rest are left without a place', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(levelArb, fc.constantFrom('S1', 'S2')), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.boolean(),
        (rows, c1, c2, useLottery) => {
          const apps = received(rows.map((r) => r[0]), { school: (i) => rows[i]![1], stepMs: 300_000 });
          const rule = useLottery ? lottery('prop', 1) : receipt;
          const capacities = new Map([['S1', c1], ['S2', c2]]);
          const instance = buildAdmissionInstance(apps, capacities, rule, { campaignId: 'c', municipalityId: 1, year: 2026, stage: 1, seedSha256: null });
          const result = allocate(instance);
          for (const [school, order] of admissionOrder(apps, rule)) {
            const admitted = order.slice(0, capacities.get(school));
            for (const n of order) assert.equal(result.assignment[String(n)], admitted.includes(n) ? school : null);
          }
        },
      ),
      PROPERTY_RUNS,
    );
  });

  test('the instance names applicants by receipt number only and survives a JSON round trip with the same hash', () => {
    const apps = received(['territory', 'first', null]);
    const instance = buildAdmissionInstance(apps, new Map([['S1', 2]]), lottery('z', 1), { campaignId: 'c', municipalityId: 3, year: 2026, stage: 1, seedSha256: 'h' });
    assert.deepEqual(instance.applicants.map((a) => a.id), ['1', '2', '3']);
    assert.deepEqual(instance.places, [{ id: 'S1', capacity: 2, priority: [['2'], ['1']] }]);
    assert.equal(allocate(JSON.parse(JSON.stringify(instance))).instanceSha256, allocate(instance).instanceSha256);
  });
});
