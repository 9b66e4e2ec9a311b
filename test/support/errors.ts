/** Assertions on the errors services throw. */
import assert from 'node:assert/strict';
import { AppError } from '../../src/platform/errors.ts';

/** The work fails with an AppError of this HTTP status (and stable code, when given). */
export async function rejectsWith(work: Promise<unknown>, status: number, code?: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.status, status);
    if (code) assert.equal(error.code, code);
    return true;
  });
}
