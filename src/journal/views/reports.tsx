/** The journal's report pages: the index of reports the actor may open, and one report as a table. */
import { Button, Form, Table, TextField } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import type { ReportTable } from '../reports.export.ts';
import { reportKinds, reportNames } from '../reports.service.ts';

export interface ReportTargetLink {
  label: string;
  /** e.g. /journal/reports/school/<id> */
  base: string;
}

export function ReportIndexView(props: { targets: ReportTargetLink[]; startsYear: number; term: number; lateAfterDays: number; canEditSettings: boolean }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Отчёты по журналу', en: 'Journal reports' })}</h1>
      <p>{t({ ru: 'Все отчёты строятся из данных журнала; их можно скачать в XLSX и CSV.', en: 'Every report is built from the journal and downloads as XLSX and CSV.' })}</p>
      {props.targets.length === 0 && <p>{t({ ru: 'Нет доступных отчётов.', en: 'No reports available.' })}</p>}
      {props.targets.map((target) => (
        <section key={target.base} aria-label={target.label}>
          <h2>{target.label}</h2>
          <ul>
            {reportKinds.map((kind) => (
              <li key={kind}>
                <a href={`${target.base}?kind=${kind}&year=${props.startsYear}&term=${props.term}`}>{t(reportNames[kind])}</a>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {props.canEditSettings && (
        <section aria-labelledby="settings-title">
          <h2 id="settings-title">{t({ ru: 'Настройка своевременности', en: 'Timeliness setting' })}</h2>
          <Form action="/journal/reports/settings">
            <TextField name="lateAfterDays" type="number" inputmode="numeric" value={props.lateAfterDays} label={{ ru: 'Урок считается незаполненным через, дней', en: 'A lesson counts as unfilled after, days' }} />
            <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
          </Form>
        </section>
      )}
    </>
  );
}

export function ReportView(props: { table: ReportTable; scopeLabel: string; base: string; query: string }) {
  const t = useT();
  return (
    <>
      <h1>{props.table.title}</h1>
      <p>{props.scopeLabel}</p>
      <form method="get" action={props.base} class="inline-form" aria-label={t({ ru: 'Период', en: 'Period' })}>
        {props.query.split('&').filter((p) => p.startsWith('kind=')).map((p) => <input type="hidden" name="kind" value={p.slice(5)} key="kind" />)}
        <TextField name="year" type="number" inputmode="numeric" label={{ ru: 'Учебный год начинается в', en: 'School year starting in' }} value={/year=(\d+)/.exec(props.query)?.[1] ?? ''} />
        <TextField name="term" type="number" inputmode="numeric" label={{ ru: 'Период (четверть, триместр)', en: 'Term' }} value={/term=(\d+)/.exec(props.query)?.[1] ?? ''} />
        <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
      </form>
      <p>
        <a href={`${props.base}?${props.query}&format=xlsx`}>{t({ ru: 'Скачать XLSX', en: 'Download XLSX' })}</a> ·{' '}
        <a href={`${props.base}?${props.query}&format=csv`}>{t({ ru: 'Скачать CSV', en: 'Download CSV' })}</a>
      </p>
      <Table caption={props.table.title} captionHidden headers={[...props.table.columns]}>
        {props.table.rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) => (
              <td key={j}>{cell === null ? '—' : String(cell)}</td>
            ))}
          </tr>
        ))}
      </Table>
    </>
  );
}
