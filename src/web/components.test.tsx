import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderToString } from 'preact-render-to-string';
import { componentExamples, hostileText } from './components.examples.tsx';
import { PageContext, type PageContextValue } from './page-context.ts';

const context: PageContextValue = {
  locale: 'ru',
  theme: 'standard',
  csrfToken: 'token-123',
  actor: { kind: 'anonymous' },
  path: '/',
  demoMode: false,
  canReadAudit: false,
};

function render(example: (typeof componentExamples)[number]): string {
  return renderToString(<PageContext.Provider value={context}>{example.render()}</PageContext.Provider>);
}

for (const example of componentExamples) {
  test(`${example.name} renders without raw markup from its text`, () => {
    const html = render(example);
    assert.ok(html.length > 0);
    assert.doesNotMatch(html, /<script>/);
  });
}

test('text is escaped, not interpreted as HTML', () => {
  const html = render(componentExamples.find((e) => e.name === 'TextField')!);
  assert.ok(!html.includes(hostileText));
  assert.match(html, /&lt;script>/);
});

test('a field in error is marked invalid and described by its message', () => {
  const html = render(componentExamples.find((e) => e.name === 'TextField with hint and error')!);
  assert.match(html, /aria-invalid="true"/);
  assert.match(html, /aria-describedby="field-inn-hint field-inn-error"/);
  assert.match(html, /id="field-inn-error"/);
});

test('a form carries the CSRF token', () => {
  const html = render(componentExamples.find((e) => e.name === 'Form with button')!);
  assert.match(html, /name="_csrf" value="token-123"/);
});

test('the error summary links to the field in error', () => {
  const html = render(componentExamples.find((e) => e.name === 'ErrorSummary')!);
  assert.match(html, /href="#field-inn"/);
  assert.match(html, /role="alert"/);
});
