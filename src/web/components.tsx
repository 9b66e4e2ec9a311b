/**
 * Design-system components. Each has typed props, escapes text (Preact does), works without
 * JavaScript, and has examples in components.examples.tsx that the render and accessibility
 * tests loop over.
 */
import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { usePage, useT } from './page-context.ts';

export function CsrfField() {
  return <input type="hidden" name="_csrf" value={usePage().csrfToken} />;
}

/** A form that posts and carries the CSRF token. */
export function Form(props: { action: string; method?: 'post' | 'get'; children: ComponentChildren; class?: string; 'aria-label'?: string }) {
  const method = props.method ?? 'post';
  return (
    <form action={props.action} method={method} class={props.class} aria-label={props['aria-label']} novalidate>
      {method === 'post' && <CsrfField />}
      {props.children}
    </form>
  );
}

/** GOV.UK-style summary at the top of a form, linking to each field in error. */
export function ErrorSummary(props: { errors: FieldErrors; labels: Record<string, Message> }) {
  const t = useT();
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{t({ ru: 'Исправьте ошибки', en: 'There is a problem' })}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#field-${field}`}>
              {props.labels[field] ? `${t(props.labels[field])}: ` : ''}
              {t(message)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: Message;
  value?: string | number | null;
  error?: Message;
  hint?: Message;
  type?: 'text' | 'email' | 'tel' | 'url' | 'number' | 'password' | 'date' | 'search';
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'tel' | 'email' | 'url';
  maxlength?: number;
}

export function TextField(props: FieldProps) {
  const t = useT();
  const id = `field-${props.name}`;
  const describedBy = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field field--error' : 'field'}>
      <label for={id}>
        {t(props.label)}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {t(props.hint)}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${id}-error`}>
          {t(props.error)}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        autocomplete={props.autocomplete}
        inputMode={props.inputmode}
        maxLength={props.maxlength}
      />
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export function SelectField(props: {
  name: string;
  label: Message;
  options: SelectOption[];
  value?: string | null;
  error?: Message;
  required?: boolean;
  emptyLabel?: Message;
}) {
  const t = useT();
  const id = `field-${props.name}`;
  return (
    <div class={props.error ? 'field field--error' : 'field'}>
      <label for={id}>
        {t(props.label)}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.error && (
        <p class="field-error" id={`${id}-error`}>
          {t(props.error)}
        </p>
      )}
      <select id={id} name={props.name} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-error` : undefined}>
        {props.emptyLabel && <option value="">{t(props.emptyLabel)}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === (props.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Button(props: { children: ComponentChildren; kind?: 'primary' | 'secondary' | 'warning'; name?: string; value?: string }) {
  return (
    <button type="submit" class={`button button--${props.kind ?? 'primary'}`} name={props.name} value={props.value}>
      {props.children}
    </button>
  );
}

/** "Next page" / "Previous page" links of a keyset-paginated list. */
export function Pagination(props: { previousHref?: string | null; nextHref?: string | null }) {
  const t = useT();
  if (!props.previousHref && !props.nextHref) return null;
  return (
    <nav class="pagination" aria-label={t({ ru: 'Страницы', en: 'Pages' })}>
      {props.previousHref && (
        <a href={props.previousHref} rel="prev">
          ← {t({ ru: 'Предыдущая страница', en: 'Previous page' })}
        </a>
      )}
      {props.nextHref && (
        <a href={props.nextHref} rel="next">
          {t({ ru: 'Следующая страница', en: 'Next page' })} →
        </a>
      )}
    </nav>
  );
}

export function Notice(props: { children: ComponentChildren; kind?: 'info' | 'success' }) {
  return (
    <div class={`notice notice--${props.kind ?? 'info'}`} role="status">
      {props.children}
    </div>
  );
}

/** A table with a caption (required, for screen readers) and scoped header cells. */
export function Table(props: { caption: string; headers: string[]; children: ComponentChildren; captionHidden?: boolean }) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={props.caption}>
      <table>
        <caption class={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A definition list of a record's fields. */
export function SummaryList(props: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="summary-list">
      {props.rows.map(([label, value]) => (
        <div class="summary-list__row" key={label}>
          <dt>{label}</dt>
          <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The box shown when a form was saved by someone else first (optimistic concurrency, 409): why the
 * changes were not saved and, field by field, what is stored now. The form below keeps the input.
 */
export function ConflictSummary(props: { message: Message; differences: Array<[string, string]>; nowLabel?: Message }) {
  const t = useT();
  return (
    <div class="error-summary" role="alert">
      <h2>{t({ ru: 'Изменения не сохранены', en: 'Changes not saved' })}</h2>
      <p>{t(props.message)}</p>
      {props.differences.length > 0 && (
        <>
          <p>{t(props.nowLabel ?? { ru: 'Сейчас сохранено:', en: 'Now saved:' })}</p>
          <SummaryList rows={props.differences} />
        </>
      )}
    </div>
  );
}
