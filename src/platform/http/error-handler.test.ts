import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggableError } from './error-handler.tsx';

test('a failed query is logged by its code and constraint, never with its parameters', () => {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "person_snils_key"'), {
    code: '23505',
    constraint: 'person_snils_key',
    table: 'person',
  });
  const wrapped = new Error('Failed query: insert into "person" ... params: Иванов,Иван,11223344595', { cause: driverError });
  const logged = JSON.stringify(loggableError(wrapped));
  assert.doesNotMatch(logged, /Иванов|11223344595/);
  assert.match(logged, /23505/);
  assert.match(logged, /person_snils_key/);
});
