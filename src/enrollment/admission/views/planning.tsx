/** Planning first-grade classes: campaigns, the shortage report, the forecast, a school's plan, the births import. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatNumber } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Pagination, SummaryList, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { CampaignRow } from '../campaign.service.ts';
import type { BirthsImportReport, SchoolForecast, ShortageReport, ShortageRow } from '../planning.service.ts';
import type { ForecastYear } from '../planning.ts';

export function PlanningIndexView(props: { campaigns: CampaignRow[]; municipalityNames: ReadonlyMap<number, string> }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Планирование первых классов', en: 'Planning first-grade classes' })}</h1>
      <p>
        <a href="/admission/planning/births">{t({ ru: 'Загрузить сведения о рождениях (ЗАГС)', en: 'Import births (civil registry)' })}</a>
      </p>
      {props.campaigns.length === 0 ? (
        <p>{t({ ru: 'Кампаний пока нет.', en: 'No campaigns yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Кампании', en: 'Campaigns' })} headers={[t({ ru: 'Кампания', en: 'Campaign' }), t({ ru: 'Прогноз', en: 'Forecast' })]}>
          {props.campaigns.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/admission/planning/campaigns/${c.id}`}>
                  {t({ ru: 'Нехватка мест', en: 'Shortage' })}: {props.municipalityNames.get(c.municipalityId) ?? c.municipalityId}, {c.year}
                </a>
              </td>
              <td>
                <a href={`/admission/planning/campaigns/${c.id}/forecast`}>
                  {c.year + 1}–{c.year + 6}
                </a>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export interface ReportPageProps {
  report: ShortageReport;
  title: string;
  rows: ShortageRow[];
  query: string;
  onlyShort: boolean;
  matched: number;
  previousHref: string | null;
  nextHref: string | null;
  canChange: boolean;
  notice: string | null;
}

export function ShortageReportView(props: ReportPageProps) {
  const t = useT();
  const { locale } = usePage();
  const { report } = props;
  const n = (v: number) => formatNumber(locale, v);
  const base = `/admission/planning/campaigns/${report.campaign.id}`;
  return (
    <>
      <h1>{props.title}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <p>
        {t({
          ru: `Заявления — действующие (приняты, документы проверены, зачислены). Прогноз — дети, родившиеся в ${report.campaign.year - 7} году в домах территории школы, × ${report.percent} % (доля, поступающая в школу своей территории; задаёт администратор региона). Нехватка — большее из заявлений и прогноза минус плановые места.`,
          en: `Applications are the active ones (received, documents checked, enrolled). The forecast is children born in ${report.campaign.year - 7} in the houses of the school's territory × ${report.percent} % (the share entering the school of its territory; set by the regional admin). The shortage is the larger of applications and forecast minus planned places.`,
        })}
      </p>
      <SummaryList
        rows={[
          [t({ ru: 'Плановых мест в муниципалитете', en: 'Planned places in the municipality' }), n(report.total.plannedPlaces)],
          [t({ ru: 'Заявлений', en: 'Applications' }), n(report.total.applications.total)],
          [t({ ru: 'Прогноз', en: 'Forecast' }), n(report.total.forecast)],
          [t({ ru: 'Нехватка мест (сумма по школам)', en: 'Shortage (sum over schools)' }), n(report.total.shortage)],
        ]}
      />
      <p>
        <a href={`${base}/shortage.csv`} download>
          {t({ ru: 'Скачать отчёт (CSV)', en: 'Download the report (CSV)' })}
        </a>{' '}
        · <a href={`${base}/forecast`}>{t({ ru: 'Прогноз на шесть лет', en: 'Six-year forecast' })}</a>
      </p>
      <Form action={base} method="get" aria-label={t({ ru: 'Поиск школы', en: 'Find a school' })}>
        <TextField name="q" type="search" label={{ ru: 'Название школы', en: 'School name' }} value={props.query} />
        <div class="checkbox">
          <input type="checkbox" id="field-short" name="short" value="1" checked={props.onlyShort} />
          <label for="field-short">{t({ ru: 'Только школы с нехваткой мест', en: 'Only schools short of places' })}</label>
        </div>
        <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
      </Form>
      <p>{t({ ru: `Найдено школ: ${props.matched}`, en: `Schools found: ${props.matched}` })}</p>
      <Table
        caption={t({ ru: 'Школы, сначала с наибольшей нехваткой', en: 'Schools, the largest shortage first' })}
        headers={[
          t({ ru: 'Школа', en: 'School' }),
          t({ ru: 'Плановых мест (классы × наполняемость)', en: 'Planned places (classes × size)' }),
          t({ ru: 'Заявления: внеоч. / первооч. / брат-сестра / территория / прочие', en: 'Applications: out of turn / first / sibling / territory / other' }),
          t({ ru: 'Всего заявлений', en: 'Applications' }),
          t({ ru: 'Прогноз', en: 'Forecast' }),
          t({ ru: 'Нехватка', en: 'Shortage' }),
          t({ ru: 'Нужно классов', en: 'Classes needed' }),
        ]}
      >
        {props.rows.map((r) => (
          <tr key={r.organizationId}>
            <td>{props.canChange ? <a href={`${base}/schools/${r.organizationId}`}>{r.name}</a> : r.name}</td>
            <td>
              {n(r.plannedPlaces)} ({r.classes} × {r.classSize})
            </td>
            <td>
              {[r.applications.outOfTurn, r.applications.first, r.applications.sibling, r.applications.territory, r.applications.none].map(n).join(' / ')}
            </td>
            <td>{n(r.applications.total)}</td>
            <td>{n(r.forecast)}</td>
            <td>{r.shortage > 0 ? <strong>{n(r.shortage)}</strong> : '0'}</td>
            <td>{r.classesNeeded}</td>
          </tr>
        ))}
      </Table>
      <Pagination previousHref={props.previousHref} nextHref={props.nextHref} />
    </>
  );
}

function ForecastCells(props: { years: ForecastYear[] }) {
  const { locale } = usePage();
  return (
    <>
      {props.years.map((y) => (
        <td key={y.schoolYear}>{formatNumber(locale, y.forecast)}</td>
      ))}
    </>
  );
}

export function ForecastView(props: { title: string; percent: number; observed: { year: number; applications: number; births: number; percent: number } | null; schools: SchoolForecast[]; total: ForecastYear[]; previousHref: string | null; nextHref: string | null }) {
  const t = useT();
  const { locale } = usePage();
  const years = props.total.map((y) => y.schoolYear);
  return (
    <>
      <h1>{props.title}</h1>
      <p>
        {t({
          ru: `Дети, родившиеся в году Y, идут в 1 класс в году Y + 7 (в 6,5–8 лет на 1 сентября). Прогноз = рождения в домах территории школы × ${props.percent} %. Территории — по акту, действующему на начало приёма этого года.`,
          en: `Children born in year Y start school in Y + 7 (aged 6.5–8 on 1 September). Forecast = births in the houses of the school's territory × ${props.percent} %. Territories as in the act in force when this year's admission opens.`,
        })}
      </p>
      {props.observed && (
        <p>
          {t({
            ru: `Кампания ${props.observed.year} года: заявлений детей с территорий ${formatNumber(locale, props.observed.applications)} при ${formatNumber(locale, props.observed.births)} рождениях ${props.observed.year - 7} года — ${props.observed.percent} %. Значение для прогноза меняет администратор региона.`,
            en: `The ${props.observed.year} campaign: ${formatNumber(locale, props.observed.applications)} territory applications for ${formatNumber(locale, props.observed.births)} births of ${props.observed.year - 7} — ${props.observed.percent} %. The regional admin sets the value the forecast uses.`,
          })}
        </p>
      )}
      <Table caption={t({ ru: 'Прогноз первоклассников по школам', en: 'First-graders forecast by school' })} headers={[t({ ru: 'Школа', en: 'School' }), ...years.map(String)]}>
        {props.schools.map((s) => (
          <tr key={s.organizationId}>
            <td>{s.name}</td>
            <ForecastCells years={s.years} />
          </tr>
        ))}
      </Table>
      <Pagination previousHref={props.previousHref} nextHref={props.nextHref} />
      <h2>{t({ ru: 'Муниципалитет в целом', en: 'The municipality as a whole' })}</h2>
      <Table caption={t({ ru: 'Рождения и прогноз по муниципалитету', en: 'Births and forecast for the municipality' })} headers={[t({ ru: 'Год', en: 'Year' }), t({ ru: 'Год рождения', en: 'Birth year' }), t({ ru: 'Рождений', en: 'Births' }), t({ ru: 'Прогноз', en: 'Forecast' })]}>
        {props.total.map((y) => (
          <tr key={y.schoolYear}>
            <td>{y.schoolYear}</td>
            <td>{y.birthYear}</td>
            <td>{formatNumber(locale, y.births)}</td>
            <td>{formatNumber(locale, y.forecast)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export const planLabels = { classes: { ru: 'Число первых классов', en: 'First-grade classes' }, classSize: { ru: 'Наполняемость класса', en: 'Class size' } };

export function SchoolPlanView(props: { title: string; row: ShortageRow; campaignId: string; values: { classes: string; classSize: string }; errors: FieldErrors }) {
  const t = useT();
  const { locale } = usePage();
  const { row } = props;
  const action = `/admission/planning/campaigns/${props.campaignId}/schools/${row.organizationId}`;
  return (
    <>
      <h1>{props.title}</h1>
      <ErrorSummary errors={props.errors} labels={planLabels} />
      <SummaryList
        rows={[
          [t({ ru: 'Плановых мест', en: 'Planned places' }), `${formatNumber(locale, row.plannedPlaces)} (${row.classes} × ${row.classSize})`],
          [t({ ru: 'Заявлений', en: 'Applications' }), formatNumber(locale, row.applications.total)],
          [t({ ru: 'Зачислено', en: 'Enrolled' }), formatNumber(locale, row.enrolled)],
          [t({ ru: 'Прогноз', en: 'Forecast' }), formatNumber(locale, row.forecast)],
          [t({ ru: 'Нехватка мест', en: 'Shortage' }), formatNumber(locale, row.shortage)],
        ]}
      />
      <Form action={action} aria-label={t({ ru: 'Открыть ещё один класс', en: 'Open one more class' })}>
        <input type="hidden" name="classes" value={String(row.classes + 1)} />
        <input type="hidden" name="classSize" value={String(row.classSize)} />
        <Button>{t({ ru: `Открыть ещё один класс (+${row.classSize} мест)`, en: `Open one more class (+${row.classSize} places)` })}</Button>
      </Form>
      <h2>{t({ ru: 'Изменить план', en: 'Change the plan' })}</h2>
      <Form action={action} aria-label={t({ ru: 'План мест', en: 'Plan of places' })}>
        <TextField name="classes" label={planLabels.classes} value={props.values.classes} error={props.errors.classes} inputmode="numeric" required />
        <TextField name="classSize" label={planLabels.classSize} value={props.values.classSize} error={props.errors.classSize} inputmode="numeric" required hint={{ ru: 'Не более 25 по СП 2.4.3648-20, если помещение не позволяет больше', en: 'Normally at most 25 (SP 2.4.3648-20)' }} />
        <Button kind="secondary">{t({ ru: 'Сохранить план', en: 'Save the plan' })}</Button>
      </Form>
      <p>
        <a href={`/admission/planning/campaigns/${props.campaignId}`}>{t({ ru: 'К отчёту о нехватке мест', en: 'Back to the shortage report' })}</a>
      </p>
    </>
  );
}

export function BirthsImportView(props: { csv: string; errors: FieldErrors; report: BirthsImportReport | null }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Сведения о рождениях по домам', en: 'Births by house' })}</h1>
      <p>
        {t({
          ru: 'Файл ЗАГС в формате CSV (UTF-8, разделитель «;» или «,»): первая строка — заголовок с тремя столбцами house_guid (GUID дома по ГАР), birth_year (год рождения), count (число детей). Повторная загрузка заменяет числа для тех же домов и лет. Большие файлы загружайте через API: POST /api/v1/admission/births с типом text/csv.',
          en: 'A civil-registry CSV (UTF-8, separated by ";" or ","): the first line is a header naming house_guid (the house GUID in GAR), birth_year, count. Importing again replaces the counts of the same houses and years. Send large files to the API: POST /api/v1/admission/births as text/csv.',
        })}
      </p>
      {props.report && (
        <>
          <Notice kind="success">
            {t({ ru: `Загружено строк: ${formatNumber(locale, props.report.accepted)}; отклонено: ${formatNumber(locale, props.report.rejectedCount)}`, en: `Rows imported: ${formatNumber(locale, props.report.accepted)}; rejected: ${formatNumber(locale, props.report.rejectedCount)}` })}
          </Notice>
          {props.report.rejected.length > 0 && (
            <Table caption={t({ ru: 'Отклонённые строки', en: 'Rejected rows' })} headers={[t({ ru: 'Строка', en: 'Line' }), t({ ru: 'Причина', en: 'Reason' })]}>
              {props.report.rejected.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  <td>{t(r.reason)}</td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}
      <ErrorSummary errors={props.errors} labels={{ file: { ru: 'Содержимое файла', en: 'File contents' } }} />
      <Form action="/admission/planning/births" aria-label={t({ ru: 'Загрузка сведений о рождениях', en: 'Births import' })}>
        <div class={props.errors.file ? 'field field--error' : 'field'}>
          <label for="field-file">{t({ ru: 'Содержимое файла', en: 'File contents' })}</label>
          {props.errors.file && (
            <p class="field-error" id="field-file-error">
              {t(props.errors.file)}
            </p>
          )}
          <textarea id="field-file" name="file" rows={10} aria-invalid={props.errors.file ? 'true' : undefined} aria-describedby={props.errors.file ? 'field-file-error' : undefined}>
            {props.csv}
          </textarea>
        </div>
        <Button>{t({ ru: 'Загрузить', en: 'Import' })}</Button>
      </Form>
    </>
  );
}
