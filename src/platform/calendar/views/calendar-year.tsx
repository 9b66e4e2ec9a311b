/** The regional administrator's page of one year of the production calendar. */
import type { FieldErrors } from '../../errors.ts';
import type { Message } from '../../i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Table, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import { calendarKindNames, type CalendarYear } from '../calendar.service.ts';

export const calendarFieldLabels: Record<string, Message> = {
  source: { ru: 'Основание (постановление Правительства)', en: 'Source (Government decree)' },
  days: { ru: 'Исключения', en: 'Exceptions' },
};

export function CalendarYearView(props: { calendar: CalendarYear; years: number[]; values: { source: string; confirmed: boolean; days: string }; errors: FieldErrors; saved: boolean }) {
  const t = useT();
  const { calendar } = props;
  const year = calendar.year;
  return (
    <>
      <h1>{t({ ru: 'Производственный календарь {year}', en: 'Production calendar {year}' }, { year })}</h1>
      {props.saved && (
        <Notice kind="success">
          <p>{t({ ru: 'Календарь сохранён', en: 'Calendar saved' })}</p>
        </Notice>
      )}
      <nav aria-label={t({ ru: 'Годы', en: 'Years' })}>
        <ul>
          {[...new Set([...props.years, year - 1, year + 1])].sort().map((y) => (
            <li key={y}>{y === year ? <strong>{y}</strong> : <a href={`/settings/calendar?year=${y}`}>{y}</a>}</li>
          ))}
        </ul>
      </nav>
      <p>
        {calendar.entered
          ? calendar.entered.confirmed
            ? t({ ru: 'Год сверен с постановлением: {source}.', en: 'Checked against the decree: {source}.' }, { source: calendar.entered.source })
            : t({ ru: 'Год не сверен с постановлением ({source}). Проверьте и отметьте.', en: 'Not checked against a decree ({source}). Check and confirm.' }, { source: calendar.entered.source })
          : t({ ru: 'Год не внесён: рабочие дни считаются по ст. 112 ТК РФ без переносов.', en: 'Year not entered: working days follow Labour Code art. 112 without transfers.' })}{' '}
        {t({ ru: 'Рабочих дней в году: {n}.', en: 'Working days in the year: {n}.' }, { n: calendar.workingDays })}
      </p>
      <Table caption={t({ ru: 'Исключения из пятидневной недели', en: 'Exceptions to the five-day week' })} headers={[t({ ru: 'Дата', en: 'Date' }), t({ ru: 'Вид дня', en: 'Kind' }), t({ ru: 'Примечание', en: 'Note' })]}>
        {calendar.days.map((d) => (
          <tr key={d.day}>
            <td>{d.day}</td>
            <td>{t(calendarKindNames[d.kind])}</td>
            <td>{d.note}</td>
          </tr>
        ))}
      </Table>
      <h2>{t({ ru: 'Изменить год', en: 'Edit the year' })}</h2>
      <ErrorSummary errors={props.errors} labels={calendarFieldLabels} />
      <Form action={`/settings/calendar/${year}`} aria-label={t({ ru: 'Изменить год', en: 'Edit the year' })}>
        <TextField name="source" label={calendarFieldLabels.source!} value={props.values.source} error={props.errors.source} maxlength={500} />
        <div class="checkbox">
          <input type="checkbox" id="field-confirmed" name="confirmed" value="on" checked={props.values.confirmed} />
          <label for="field-confirmed">{t({ ru: 'Сверено с опубликованным постановлением', en: 'Checked against the published decree' })}</label>
        </div>
        <div class={props.errors.days ? 'field field--error' : 'field'}>
          <label for="field-days">{t(calendarFieldLabels.days!)}</label>
          <p class="hint" id="field-days-hint">
            {t({
              ru: 'По строке на день: дата, вид (holiday — праздник, dayOff — выходной по переносу, workingWeekend — рабочая суббота/воскресенье), примечание.',
              en: 'One day a line: date, kind (holiday, dayOff — transferred day off, workingWeekend — worked Saturday/Sunday), note.',
            })}
          </p>
          {props.errors.days && (
            <p class="field-error" id="field-days-error">
              {t(props.errors.days)}
            </p>
          )}
          <textarea id="field-days" name="days" rows={16} aria-describedby={props.errors.days ? 'field-days-hint field-days-error' : 'field-days-hint'} aria-invalid={props.errors.days ? 'true' : undefined}>
            {props.values.days}
          </textarea>
        </div>
        <Button>{t({ ru: 'Сохранить год', en: 'Save the year' })}</Button>
      </Form>
    </>
  );
}
