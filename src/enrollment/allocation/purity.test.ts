import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const folder = path.dirname(fileURLToPath(import.meta.url));

test('the allocation engine is pure: its code imports only its own folder and node:crypto', () => {
  const engineFiles = readdirSync(folder).filter((name) => name.endsWith('.ts') && !/\.test\.tsx?$/.test(name));
  assert.ok(engineFiles.length > 0);
  for (const name of engineFiles) {
    const source = readFileSync(path.join(folder, name), 'utf8');
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
    for (const specifier of specifiers) {
      assert.ok(/^\.\/[\w.-]+\.ts$/.test(specifier) || specifier === 'node:crypto', `${name} imports ${specifier}`);
    }
    assert.doesNotMatch(source, /\bprocess\.|Math\.random|new Date\(|Date\.now/, `${name} reads the environment, randomness or the clock`);
  }
});
