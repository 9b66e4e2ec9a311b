import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stageAt, stageWindowMessage, parseCampaignInput, type CampaignWindow } from './campaign.service.ts';
import { regionInstant } from './region-time.ts';

const campaign: CampaignWindow = {
  status: 'published',
  stage1OpensAt: regionInstant('2027-03-29', 0),
  stage1ClosesAt: regionInstant('2027-07-01'),
  stage2OpensAt: regionInstant('2027-07-06'),
  stage2ClosesAt: regionInstant('2027-09-06'),
};

test('stage 1 opens at its minute (Moscow time) and closes at the end of 30 June', () => {
  assert.equal(stageAt(campaign, new Date('2027-03-28T20:59:59Z')), null, 'one second before 00:00 MSK on 29 March');
  assert.equal(stageAt(campaign, new Date('2027-03-28T21:00:00Z')), 1);
  assert.equal(stageAt(campaign, new Date('2027-06-30T20:59:59Z')), 1, '23:59:59 MSK on 30 June');
  assert.equal(stageAt(campaign, new Date('2027-06-30T21:00:00Z')), null);
});

test('nothing is accepted from 1 to 5 July; stage 2 runs 6 July – 5 September', () => {
  assert.equal(stageAt(campaign, new Date('2027-07-03T09:00:00Z')), null);
  assert.equal(stageAt(campaign, new Date('2027-07-05T21:00:00Z')), 2);
  assert.equal(stageAt(campaign, new Date('2027-09-05T20:59:59Z')), 2);
  assert.equal(stageAt(campaign, new Date('2027-09-05T21:00:00Z')), null);
});

test('a campaign that is not published accepts nothing', () => {
  assert.equal(stageAt({ ...campaign, status: 'draft' }, new Date('2027-04-02T09:00:00Z')), null);
});

test('the refusal gives the dates of both stages', () => {
  const before = stageWindowMessage(campaign, new Date('2027-03-01T09:00:00Z'));
  assert.match(before.ru, /ещё не начался/);
  assert.match(before.ru, /с 29\.03\.2027 00:00 по 30\.06\.2027/);
  assert.match(before.ru, /2 этап — с 06\.07\.2027 00:00 по 05\.09\.2027/);
  assert.match(stageWindowMessage(campaign, new Date('2027-07-02T09:00:00Z')).ru, /Между этапами/);
  assert.match(stageWindowMessage(campaign, new Date('2027-09-10T09:00:00Z')).en, /closed/);
});

test('stage 1 may open earlier than 1 April but not later; stage 2 ends by 5 September', () => {
  const base = { stage1OpensOn: '2027-03-29', stage1OpensTime: '00:00', stage1LastDay: '2027-06-30', stage2OpensOn: '2027-07-06', stage2LastDay: '2027-09-05', territoryActDueOn: '2027-03-15', placesDueOn: '2027-03-25', freePlacesDueOn: '2027-07-05' };
  assert.ok(parseCampaignInput(base, 2027).ok);
  const late = parseCampaignInput({ ...base, stage1OpensOn: '2027-04-02' }, 2027);
  assert.ok(!late.ok && late.errors.stage1OpensOn);
  const long = parseCampaignInput({ ...base, stage2LastDay: '2027-09-10' }, 2027);
  assert.ok(!long.ok && long.errors.stage2LastDay);
  const lottery = parseCampaignInput({ ...base, ordering: 'lottery', lotteryWindowHours: '0' }, 2027);
  assert.ok(!lottery.ok && lottery.errors.lotteryWindowHours);
});
