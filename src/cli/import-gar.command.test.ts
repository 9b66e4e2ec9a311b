import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'prostor-gar-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function prostor(args: string[]) {
  // an embedded database of its own, never the developer's ./data
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' };
  const result = spawnSync(process.execPath, [path.join(root, 'bin/prostor.mjs'), 'import-gar', ...args], { cwd: root, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('import-gar without a directory, or with one holding no GAR files, explains and exits 2', () => {
  const none = prostor([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage: prostor import-gar DIR/);
  const empty = prostor([dataDir]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /needs AS_ADDR_OBJ_\*, AS_HOUSES_\* and AS_ADM_HIERARCHY_\* files/);
  const missing = prostor([path.join(dataDir, 'nowhere')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read/);
});

test('import-gar imports the fixture and prints the rejected rows', () => {
  const result = prostor([path.join(root, 'test/fixtures/gar')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Imported: 2 settlements, 5 streets, 10 houses/);
  assert.match(result.stdout, /Rejected: 6/);
  assert.match(result.stdout, /OBJECTID=2010: no parent in AS_ADM_HIERARCHY/);
});
