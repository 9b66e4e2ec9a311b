import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderToString } from 'preact-render-to-string';
import { Table } from './components.tsx';
import { attr, escapeHtml, html, RawHtml, SafeHtml, tableHtml } from './html.tsx';

const hostile = `<script>alert("x")</script> & 'quotes'`;

test('interpolated text is escaped, in content and in attributes', () => {
  const out = html`<p title="${hostile}">${hostile}</p>`.value;
  assert.ok(!out.includes('<script>'));
  assert.equal(out, `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>`);
});

test('escaping is the same for every call (no state left between strings)', () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(escapeHtml('a<b'), 'a&lt;b');
    assert.equal(escapeHtml('plain'), 'plain');
  }
});

test('markup made by html passes through once; arrays join; null, undefined and booleans render nothing', () => {
  const inner = html`<b>${'x<y'}</b>`;
  assert.equal(html`<i>${inner}</i>`.value, '<i><b>x&lt;y</b></i>');
  assert.equal(html`${[1, html`<br>`, 'a&b', [null, 'c']]}`.value, '1<br>a&amp;bc');
  assert.equal(html`[${null}${undefined}${false}${true}]`.value, '[]');
  assert.equal(html`${0}`.value, '0');
});

test('a plain string can never pass as markup', () => {
  // Only `html` makes SafeHtml from text it escaped; an object that merely looks like it is text.
  const fake = { value: '<script>' } as unknown as string;
  assert.equal(html`${fake}`.value, '[object Object]');
  assert.throws(() => new SafeHtml('<script>', Symbol('html')), TypeError);
});

test('attr renders a present attribute escaped, and nothing for an absent one', () => {
  assert.equal(html`<td${attr('class', 'a"b')}>`.value, '<td class="a&quot;b">');
  assert.equal(html`<td${attr('class', null)}${attr('id', false)}>`.value, '<td>');
});

test('tableHtml is the same markup as the design system’s Table', () => {
  const headers = ['№', 'Предмет <b>'];
  const preact = renderToString(
    <Table caption="Понедельник & вторник" headers={headers} captionHidden>
      <tr>
        <td>1</td>
      </tr>
    </Table>,
  );
  const strings = tableHtml({ caption: 'Понедельник & вторник', headers, captionHidden: true, rows: html`<tr><td>1</td></tr>` }).value;
  // Preact leaves ">" unescaped in text; both are valid and mean the same
  assert.equal(strings.replaceAll('&gt;', '>'), preact);
});

test('RawHtml puts the fragment inside a Preact page as it is', () => {
  assert.equal(renderToString(<RawHtml class="x" html={html`<p>${'a<b'}</p>`} />), '<div class="x"><p>a&lt;b</p></div>');
});
