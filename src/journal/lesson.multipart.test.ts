import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundaryOf, parseMultipart } from './lesson.multipart.ts';

const form = (boundary: string, parts: string[]) => Buffer.from(parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`);

test('reads the fields and one file of a multipart form', () => {
  const b = 'xyz';
  const body = form(b, ['Content-Disposition: form-data; name="_csrf"\r\n\r\ntoken', 'Content-Disposition: form-data; name="file"; filename="a\\b\\дз.txt"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2']);
  const parsed = parseMultipart(body, boundaryOf(`multipart/form-data; boundary=${b}`)!);
  assert.equal(parsed?.fields._csrf, 'token');
  assert.equal(parsed?.file?.fileName, 'дз.txt');
  assert.equal(parsed?.file?.content.toString(), 'line 1\r\nline 2');
});

test('refuses two files, a missing end and a foreign boundary; an empty file input is no file', () => {
  const b = 'q';
  const file = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nx';
  assert.equal(parseMultipart(form(b, [file, file]), b), null);
  assert.equal(parseMultipart(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx`), b), null);
  assert.equal(parseMultipart(form(b, [file]), 'other'), null);
  assert.equal(parseMultipart(form(b, ['Content-Disposition: form-data; name="file"; filename=""\r\n\r\n']), b)?.file, null);
  assert.equal(boundaryOf('application/json'), null);
});
