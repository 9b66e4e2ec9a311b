import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../test/support/database.ts';
import { ManualClock } from '../platform/context.ts';
import { createAdmissionArea, createFamily } from '../enrollment/admission/admission.fixtures.ts';
import { findCampaign, stageAt } from '../enrollment/admission/campaign.service.ts';
import { campaignCounters, listOwnApplications } from '../enrollment/admission/application.service.ts';
import { seedAdmissionDemo } from './admission-demo.ts';

test('the demo campaign opens in the future with a plan for every school and drafts ready to submit', async () => {
  const database = await createTestDatabase();
  try {
    const db = database.handle.db;
    const area = await createAdmissionArea({ db, clock: new ManualClock(new Date('2026-09-01T09:00:00Z')) }, { schools: 3 });
    const family = await createFamily(db, { year: 2027 });
    let n = 0;
    const newId = () => `00000000-0000-7000-8000-${(++n).toString(16).padStart(12, '0')}`;
    const report = await seedAdmissionDemo(db, { municipalityId: 1, schoolIds: area.schoolIds, newId });
    const campaign = (await findCampaign(db, report.campaignId!))!;
    assert.equal(stageAt(campaign, new Date('2026-11-29T12:00:00Z')), null, 'not open yet on the demo day');
    assert.equal(stageAt(campaign, new Date('2027-03-28T21:00:00Z')), 1, 'opens at 00:00 Moscow time on 29 March 2027');
    assert.equal(campaign.stage1DecisionDueOn, '2027-07-05');
    const counters = await campaignCounters(db, campaign);
    assert.deepEqual(counters.map((c) => c.plannedPlaces).sort((a, b) => a - b), [50, 75, 100]);
    const own = await listOwnApplications(db, family.guardianId, [family.childId]);
    assert.equal(own.length, 1);
    assert.equal(own[0]!.status, 'draft');
  } finally {
    await database.drop();
  }
});
