/** The finals screen of one class-subject and term (or year): the suggestion beside the teacher's decision. */
import type { FieldErrors } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export interface FinalsViewProps {
  title: string;
  action: string;
  periods: Array<{ label: string; href: string; current: boolean }>;
  termNumbers: number[] | null;
  rows: Array<{ pupilId: string; fullName: string; average: string; suggested: string; termFinals: Record<number, number>; value: string }>;
  allowMarkOne: boolean;
  editable: boolean;
  errors: FieldErrors;
  notice: string | null;
  gradebookHref: string;
}

export function FinalsView(props: FinalsViewProps) {
  const t = useT();
  const values = props.allowMarkOne ? ['1', '2', '3', '4', '5'] : ['2', '3', '4', '5'];
  const labels = Object.fromEntries(props.rows.map((r) => [`final-${r.pupilId}`, { ru: r.fullName, en: r.fullName }]));
  return (
    <>
      <h1>{props.title}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <p>
        <a href={props.gradebookHref}>{t({ ru: '← К журналу', en: '← Back to the gradebook' })}</a>
      </p>
      <nav aria-label={t({ ru: 'Периоды', en: 'Periods' })}>
        <ul class="inline-list">
          {props.periods.map((p) => (
            <li key={p.href}>{p.current ? <strong aria-current="page">{p.label}</strong> : <a href={p.href}>{p.label}</a>}</li>
          ))}
        </ul>
      </nav>
      <p class="hint">
        {t({
          ru: 'Предлагается средневзвешенная отметка, округлённая по правилу: от x,5 — вверх, ниже x,5 — вниз (3,5 → 4; 4,49 → 4). Итоговую отметку выставляет учитель.',
          en: 'The suggestion is the weighted average rounded half up (3.5 → 4; 4.49 → 4). The teacher decides the final mark.',
        })}
      </p>
      <ErrorSummary errors={props.errors} labels={labels} />
      <Form action={props.action} aria-label={t({ ru: 'Итоговые отметки', en: 'Final marks' })}>
        <div class="table-wrap" role="region" aria-label={props.title} tabindex={0}>
          <table>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t({ ru: 'Ученик', en: 'Pupil' })}</th>
                {props.termNumbers?.map((n) => (
                  <th scope="col" key={n}>
                    {t({ ru: `${n} период`, en: `Term ${n}` })}
                  </th>
                ))}
                <th scope="col">{t({ ru: 'Средний балл', en: 'Average' })}</th>
                <th scope="col">{t({ ru: 'Предлагается', en: 'Suggested' })}</th>
                <th scope="col">{t({ ru: 'Итоговая', en: 'Final' })}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.pupilId}>
                  <th scope="row">{r.fullName}</th>
                  {props.termNumbers?.map((n) => <td key={n}>{r.termFinals[n] ?? '—'}</td>)}
                  <td>{r.average}</td>
                  <td>{r.suggested}</td>
                  <td>
                    {props.editable ? (
                      <select id={`field-final-${r.pupilId}`} name={`final-${r.pupilId}`} aria-label={`${t({ ru: 'Итоговая отметка', en: 'Final mark' })}: ${r.fullName}`}>
                        <option value="">—</option>
                        {values.map((v) => (
                          <option key={v} value={v} selected={v === r.value}>
                            {v}
                          </option>
                        ))}
                      </select>
                    ) : (
                      r.value || '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {props.editable && <Button>{t({ ru: 'Сохранить итоговые', en: 'Save the finals' })}</Button>}
      </Form>
    </>
  );
}
