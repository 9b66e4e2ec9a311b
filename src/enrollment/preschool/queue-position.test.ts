import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { benefitTier, compareQueueEntries, generalTier, queuePosition, type QueueEntry, type Tier } from './queue-position.ts';

const base = Date.parse('2026-01-01T00:00:00Z');
const entry = fc.record({
  id: fc.uuid(),
  tier: fc.constantFrom<Tier>(0, 1, 2, 3),
  registeredAt: fc.integer({ min: 0, max: 10_000_000 }).map((ms) => new Date(base + ms * 1000)),
});
const queueOf = fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 40 });

test('only a verified benefit lifts the tier; claimed and rejected count as the general queue', () => {
  assert.equal(benefitTier('outOfTurn', 'verified'), 0);
  assert.equal(benefitTier('firstPriority', 'verified'), 1);
  assert.equal(benefitTier('preferential', 'verified'), 2);
  assert.equal(benefitTier('outOfTurn', 'claimed'), generalTier);
  assert.equal(benefitTier('outOfTurn', 'rejected'), generalTier);
  assert.equal(benefitTier(null, 'none'), generalTier);
});

test('the first applicant alone is first, and the subject itself in the list is not counted', () => {
  const me: QueueEntry = { id: 'a', tier: 3, registeredAt: new Date(base) };
  assert.equal(queuePosition(me, []), 1);
  assert.equal(queuePosition(me, [me]), 1);
});

test('adding an applicant of the same tier registered earlier moves you back by exactly one', () => {
  fc.assert(
    fc.property(queueOf, entry, fc.integer({ min: 1, max: 1000 }), (queue, me, earlierBy) => {
      const others = queue.filter((e) => e.id !== me.id);
      const before = queuePosition(me, others);
      const earlier: QueueEntry = { id: `${me.id}-earlier`, tier: me.tier, registeredAt: new Date(me.registeredAt.getTime() - earlierBy) };
      assert.equal(queuePosition(me, [...others, earlier]), before + 1);
    }),
  );
});

test('adding an applicant of the same tier registered later does not move you', () => {
  fc.assert(
    fc.property(queueOf, entry, fc.integer({ min: 1, max: 1000 }), (queue, me, laterBy) => {
      const others = queue.filter((e) => e.id !== me.id);
      const later: QueueEntry = { id: `${me.id}-later`, tier: me.tier, registeredAt: new Date(me.registeredAt.getTime() + laterBy) };
      assert.equal(queuePosition(me, [...others, later]), queuePosition(me, others));
    }),
  );
});

test('a higher tier goes ahead even when registered later; a lower tier never does', () => {
  fc.assert(
    fc.property(queueOf, entry, fc.integer({ min: 0, max: 1_000_000 }), (queue, me, laterBy) => {
      const others = queue.filter((e) => e.id !== me.id);
      const before = queuePosition(me, others);
      const at = new Date(me.registeredAt.getTime() + laterBy);
      if (me.tier > 0) {
        const higher: QueueEntry = { id: `${me.id}-higher`, tier: (me.tier - 1) as Tier, registeredAt: at };
        assert.equal(queuePosition(me, [...others, higher]), before + 1);
      }
      if (me.tier < 3) {
        const lower: QueueEntry = { id: `${me.id}-lower`, tier: (me.tier + 1) as Tier, registeredAt: new Date(me.registeredAt.getTime() - laterBy - 1) };
        assert.equal(queuePosition(me, [...others, lower]), before);
      }
    }),
  );
});

test('positions in one queue are 1..n, each once: the order is total', () => {
  fc.assert(
    fc.property(queueOf, (queue) => {
      const positions = queue.map((e) => queuePosition(e, queue)).sort((a, b) => a - b);
      assert.deepEqual(positions, queue.map((_, i) => i + 1));
      const sorted = [...queue].sort(compareQueueEntries);
      sorted.forEach((e, i) => assert.equal(queuePosition(e, queue), i + 1));
    }),
  );
});
