import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { changeApplicationStatus } from './application-status.service.ts';
import { createApplication, decideBenefit, findQueuePosition, loadReference } from './application.service.ts';
import { benefitTier, queuePosition, type QueueEntry } from './queue-position.ts';
import type { BenefitLevel } from './preschool.schema.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'test' };

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test('the one-query queue position agrees with the pure definition at every preferred kindergarten', async () => {
  const municipalityId = 11;
  const reference = await loadReference(t.context.db);
  const gardens = [];
  for (let i = 0; i < 3; i++) gardens.push(await createOrganization(t.context.db, { kind: 'kindergarten', municipalityId }));
  const benefits: Array<{ code: string | null; level: BenefitLevel | null }> = [
    { code: null, level: null },
    { code: 'prosecutor', level: 'outOfTurn' },
    { code: 'police', level: 'firstPriority' },
    { code: 'sibling', level: 'preferential' },
  ];
  const next = random(20260302);
  const apps: Array<{ id: string; ageGroupCode: string; prefs: string[]; entry: QueueEntry; inQueue: boolean }> = [];
  const start = t.clock.now().getTime();
  for (let i = 0; i < 24; i++) {
    // registration times may repeat: the id settles equal times
    t.clock.set(new Date(start + Math.floor(next() * 6) * 60_000));
    const birthDate = next() < 0.5 ? '2023-05-10' : '2022-05-10';
    const child = await createPerson(t.context.db, { birthDate, municipalityId });
    const guardian = await createPerson(t.context.db, { birthDate: '1990-01-01', municipalityId });
    const prefs = gardens.filter(() => next() < 0.6).map((g) => g.id);
    if (prefs.length === 0) prefs.push(gardens[0]!.id);
    const benefit = benefits[Math.floor(next() * benefits.length)]!;
    const ageGroupCode = birthDate === '2023-05-10' ? '3-4' : '4-5';
    const row = await createApplication(t.context, origin, reference, {
      childId: child.id,
      guardianId: guardian.id,
      submittedVia: 'online',
      submittedByAccountId: null,
      ageGroupCode,
      input: {
        municipalityId,
        preferences: prefs,
        desiredStartDate: '2026-09-01',
        orientationCode: 'general',
        stayModeCode: 'fullDay',
        benefitCode: benefit.code,
        benefitDocument: benefit.code ? 'Справка № 1' : null,
        consentAlternative: false,
      },
    });
    const verified = benefit.code !== null && next() < 0.7;
    if (verified) await decideBenefit(t.context, origin, row.id, { verdict: 'verified', reason: '' });
    const inQueue = next() < 0.75;
    if (inQueue) {
      await t.context.db.transaction(async (tx) => {
        await changeApplicationStatus(tx, origin, t.clock.now(), row.id, { to: 'documentsChecked', reason: 'test' });
        await changeApplicationStatus(tx, origin, t.clock.now(), row.id, { to: 'inQueue', reason: 'test' });
      });
    }
    apps.push({ id: row.id, ageGroupCode, prefs, inQueue, entry: { id: row.id, tier: benefitTier(benefit.level, verified ? 'verified' : 'claimed'), registeredAt: row.registeredAt } });
  }
  for (const me of apps) {
    const result = await findQueuePosition(t.context.db, me.id);
    assert.ok(result);
    assert.equal(result.tier, me.entry.tier);
    assert.deepEqual(result.places.map((p) => p.organizationId), me.prefs);
    for (const place of result.places) {
      const queue = apps.filter((o) => o.inQueue && o.ageGroupCode === me.ageGroupCode && o.prefs.includes(place.organizationId));
      assert.equal(place.position, queuePosition(me.entry, queue.map((o) => o.entry)), `${me.id} at ${place.organizationId}`);
      assert.equal(place.total, queue.length);
    }
  }
});
