/** The archive page of a school's years: close a year (confirmed), follow the PDFs, download them. */
import { formatDateTime } from '../../platform/i18n/i18n.ts';
import { Button, Form, Notice, Table } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { ArchiveItem, YearFacts } from '../archive.service.ts';

export function ArchiveView(props: { years: Array<{ year: YearFacts; items: ArchiveItem[]; canClose: boolean }>; notice: string | null }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Архив журналов', en: 'Journal archive' })}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      {props.years.length === 0 && <p>{t({ ru: 'Учебных лет нет.', en: 'No school years.' })}</p>}
      {props.years.map(({ year, items, canClose }) => {
        const done = items.filter((i) => i.status === 'done').length;
        return (
          <section key={year.id} aria-labelledby={`year-${year.id}`}>
            <h2 id={`year-${year.id}`}>
              {year.name}: {year.status === 'closed' ? t({ ru: 'закрыт', en: 'closed' }) : t({ ru: 'открыт', en: 'open' })}
            </h2>
            {year.status === 'open' && canClose && (
              <Form action="/journal/archive/close" aria-label={t({ ru: 'Закрыть учебный год', en: 'Close the school year' })}>
                <input type="hidden" name="yearId" value={year.id} />
                <div class="checkbox">
                  <input type="checkbox" id={`field-confirm-${year.id}`} name="confirm" value="on" />
                  <label for={`field-confirm-${year.id}`}>
                    {t({
                      ru: 'Я подтверждаю: после закрытия журнал года нельзя менять; исправления — только руководителем с указанием причины.',
                      en: 'I confirm: after closing, the year’s journal cannot change; corrections only by the head with a reason.',
                    })}
                  </label>
                </div>
                <Button kind="warning">{t({ ru: 'Закрыть учебный год', en: 'Close the school year' })}</Button>
              </Form>
            )}
            {year.status === 'closed' && (
              <>
                <p>
                  {year.closedAt ? `${t({ ru: 'Закрыт', en: 'Closed' })} ${formatDateTime(locale, year.closedAt)}. ` : ''}
                  <span role="status">
                    {t({ ru: 'Готово PDF', en: 'PDFs ready' })}: {done} / {items.length}
                  </span>
                </p>
                {items.length > 0 && (
                  <progress max={items.length} value={done} aria-label={t({ ru: 'Готовность архива', en: 'Archive progress' })}>
                    {done}/{items.length}
                  </progress>
                )}
                <Table caption={t({ ru: `Журналы ${year.name}`, en: `Journals ${year.name}` })} headers={[t({ ru: 'Класс', en: 'Class' }), t({ ru: 'Состояние', en: 'Status' }), 'SHA-256', t({ ru: 'Файл', en: 'File' })]}>
                  {items.map((i) => (
                    <tr key={i.id}>
                      <td>{i.className}</td>
                      <td>{i.status === 'done' ? t({ ru: 'готов', en: 'ready' }) : i.status === 'failed' ? t({ ru: 'ошибка', en: 'failed' }) : t({ ru: 'формируется', en: 'in progress' })}</td>
                      <td>
                        <code class="hash">{i.sha256 ?? '—'}</code>
                      </td>
                      <td>{i.status === 'done' ? <a href={`/journal/archive/files/${i.id}`}>PDF{i.sizeBytes ? `, ${Math.ceil(i.sizeBytes / 1024)} КБ` : ''}</a> : '—'}</td>
                    </tr>
                  ))}
                </Table>
                {canClose && (
                  <p>
                    <a href={`/journal/archive/years/${year.id}/corrections`}>{t({ ru: `Исправления журнала ${year.name}`, en: `Corrections of the ${year.name} journal` })}</a>
                  </p>
                )}
              </>
            )}
          </section>
        );
      })}
    </>
  );
}
