/**
 * HTML as escaped strings, for the few pages whose rendering is a measured hot path (the
 * diary's week on a parents' evening: docs/benchmarks.md). Building a Preact tree and rendering
 * it costs a few microseconds per element — about 1 ms for a week of thirty lessons, the largest
 * share of a diary page's CPU — where concatenating strings costs a tenth of that.
 *
 * The rule that keeps it safe is Preact's: every interpolated value is text and is escaped,
 * unless it is already `SafeHtml` (made by `html` itself). There is no way to pass a raw string
 * through, so markup cannot come from data. Everything else (the layout, forms, components)
 * stays in Preact; `RawHtml` puts such a fragment inside a Preact page.
 */

const maker = Symbol('html');

/** Markup made by `html` (or `attr`): its text parts are escaped. Nothing else can make one. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string, key: symbol) {
    if (key !== maker) throw new TypeError('SafeHtml is made by html`…` only');
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const special = /[&<>"']/;
const specials = /[&<>"']/g;
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return special.test(text) ? text.replace(specials, (c) => entities[c]!) : text;
}

function toHtml(value: HtmlValue): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (!Array.isArray(value)) return escapeHtml(String(value));
  let out = '';
  for (const v of value as readonly HtmlValue[]) out += toHtml(v);
  return out;
}

/**
 * A tagged template: html`<td>${text}</td>`. Strings and numbers are escaped; arrays are joined;
 * null, undefined and booleans render nothing (so `${cond && html`…`}` works as in JSX).
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += toHtml(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out, maker);
}

/** An attribute that is present only when the value is: ` name="value"` or nothing. */
export function attr(name: string, value: string | number | null | undefined | false): SafeHtml {
  return value === null || value === undefined || value === false ? new SafeHtml('', maker) : new SafeHtml(` ${name}="${escapeHtml(String(value))}"`, maker);
}

/** The design system's table (the same markup as `Table` in components.tsx), rows given as markup. */
export function tableHtml(props: { caption: string; headers: readonly string[]; rows: HtmlValue; captionHidden?: boolean }): SafeHtml {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${props.caption}"><table><caption${attr('class', props.captionHidden ? 'visually-hidden' : null)}>${props.caption}</caption><thead><tr>${props.headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${props.rows}</tbody></table></div>`;
}

/** A `SafeHtml` fragment inside a Preact page (in a `div`, the one element it needs). */
export function RawHtml(props: { html: SafeHtml; class?: string }) {
  return <div class={props.class} dangerouslySetInnerHTML={{ __html: props.html.value }} />;
}
