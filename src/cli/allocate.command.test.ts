import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const directory = mkdtempSync(path.join(tmpdir(), 'prostor-allocate-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function prostor(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [path.join(root, 'bin/prostor.mjs'), ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function instanceFile(name: string, content: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, content);
  return file;
}

const documented = {
  mechanism: 'deferred-acceptance',
  applicants: [
    { id: 'A1', preferences: ['K1', 'K2'] },
    { id: 'A2', preferences: ['K1'] },
    { id: 'A3', preferences: ['K1'] },
  ],
  places: [
    { id: 'K1', capacity: 2, priority: ['A3', ['A1', 'A2']] },
    { id: 'K2', capacity: 1 },
  ],
  tieBreak: { order: ['A2', 'A1', 'A3'] },
};

describe('prostor allocate', () => {
  test('a valid instance file prints the assignment as JSON and exits 0', () => {
    const { code, stdout, stderr } = prostor(['allocate', instanceFile('valid.json', JSON.stringify(documented))]);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    // A3 has the top priority at K1; A1 and A2 tie, and the tie-break puts A2 first: A1 falls back to K2.
    assert.deepEqual(result.assignment, { A1: 'K2', A2: 'K1', A3: 'K1' });
    assert.deepEqual(result.placesLeft, { K1: 0, K2: 0 });
    assert.equal(result.mechanism, 'deferred-acceptance');
    assert.match(result.instanceSha256, /^[0-9a-f]{64}$/);
    assert.match(result.engineVersion, /^prostor-allocation\//);
  });

  test('"-" reads the instance from standard input, and the same instance gives the same hash whatever its layout', () => {
    const fromFile = JSON.parse(prostor(['allocate', instanceFile('pretty.json', JSON.stringify(documented, null, 2))]).stdout);
    const { code, stdout } = prostor(['allocate', '-'], JSON.stringify(documented));
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).instanceSha256, fromFile.instanceSha256);
  });

  test('a malformed instance exits 2 with every problem and its JSON path, and no stack trace', () => {
    const broken = { ...documented, places: [{ id: 'K1', capacity: -1 }], tieBreak: { order: ['A1'] } };
    const { code, stdout, stderr } = prostor(['allocate', instanceFile('broken.json', JSON.stringify(broken))]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /\$\.places\[0\]\.capacity: must be a non-negative integer/);
    assert.match(stderr, /\$\.applicants\[0\]\.preferences\[1\]: unknown place "K2"/);
    assert.match(stderr, /\$\.tieBreak\.order: not a permutation/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  test('a file that is not JSON, or cannot be read, exits 2 with a clear message', () => {
    const notJson = prostor(['allocate', instanceFile('not.json', '{"applicants": [')]);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /is not valid JSON/);
    assert.doesNotMatch(notJson.stderr, /\n\s+at /);
    const missing = prostor(['allocate', path.join(directory, 'missing.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*missing\.json \(ENOENT\)/);
    const usage = prostor(['allocate']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: prostor allocate FILE/);
  });
});
