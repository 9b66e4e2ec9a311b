import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applicationStatuses } from './preschool.schema.ts';
import { activeStatuses, canTransition, statusNames, transitions } from './status.ts';

test('enrolled and removed are final: nothing leaves them', () => {
  assert.deepEqual(transitions.enrolled, []);
  assert.deepEqual(transitions.removed, []);
});

test('a place can only be offered to a child in the queue', () => {
  for (const from of applicationStatuses) assert.equal(canTransition(from, 'offered'), from === 'inQueue', from);
});

test('only an offered child can be enrolled', () => {
  for (const from of applicationStatuses) assert.equal(canTransition(from, 'enrolled'), from === 'offered', from);
});

test('every status has a name and its transitions lead to known statuses', () => {
  for (const status of applicationStatuses) {
    assert.ok(statusNames[status].ru && statusNames[status].en);
    for (const to of transitions[status]) assert.ok(applicationStatuses.includes(to));
  }
});

test('active statuses are exactly those that are not final', () => {
  for (const status of applicationStatuses) assert.equal(activeStatuses.includes(status), transitions[status].length > 0, status);
});
