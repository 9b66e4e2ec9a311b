/** The municipality's campaigns: the list with the create form, and one campaign's form and plan. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatDate } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, Table, TextField, type SelectOption } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { campaignFieldLabels, type CampaignRow, type SchoolPlanView } from '../campaign.service.ts';

const statusNames = {
  draft: { ru: 'черновик', en: 'draft' },
  published: { ru: 'опубликована', en: 'published' },
  closed: { ru: 'завершена', en: 'closed' },
};

export function CampaignListView(props: { campaigns: Array<CampaignRow & { municipalityName: string }>; municipalities: SelectOption[]; values: Record<string, string>; errors: FieldErrors }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Приёмные кампании в 1 класс', en: 'First-grade admission campaigns' })}</h1>
      <Table caption={t({ ru: 'Кампании', en: 'Campaigns' })} captionHidden headers={[t({ ru: 'Муниципалитет', en: 'Municipality' }), t({ ru: 'Год', en: 'Year' }), t({ ru: 'Состояние', en: 'State' })]}>
        {props.campaigns.map((c) => (
          <tr key={c.id}>
            <td>
              <a href={`/admission/campaigns/${c.id}`}>{c.municipalityName}</a>
            </td>
            <td>{c.year}</td>
            <td>{t(statusNames[c.status])}</td>
          </tr>
        ))}
      </Table>
      <h2>{t({ ru: 'Новая кампания', en: 'New campaign' })}</h2>
      <p>{t({ ru: 'Даты подставляются из настроек региона (приказ Минпросвещения № 458): их можно изменить.', en: 'Dates default from the region’s settings (Order 458); they can be changed.' })}</p>
      <ErrorSummary errors={props.errors} labels={campaignFieldLabels} />
      <Form action="/admission/campaigns" aria-label={t({ ru: 'Новая кампания', en: 'New campaign' })}>
        <SelectField name="municipalityId" label={campaignFieldLabels.municipalityId} options={props.municipalities} value={props.values.municipalityId ?? ''} error={props.errors.municipalityId} required />
        <TextField name="year" label={campaignFieldLabels.year} value={props.values.year ?? ''} error={props.errors.year} inputmode="numeric" maxlength={4} required />
        <Button>{t({ ru: 'Создать кампанию', en: 'Create the campaign' })}</Button>
      </Form>
    </>
  );
}

export function CampaignView(props: {
  campaign: CampaignRow;
  municipalityName: string;
  values: Record<string, string>;
  errors: FieldErrors;
  plans: SchoolPlanView[];
  planValues: Record<string, string>;
  planErrors: FieldErrors;
  notice: string | null;
  liveHref: string;
  /** Published and stage 2 has ended: the operator may close the campaign. */
  closable?: boolean;
}) {
  const t = useT();
  const { locale } = usePage();
  const c = props.campaign;
  const v = props.values;
  const total = props.plans.reduce((sum, p) => sum + p.plannedPlaces, 0);
  return (
    <>
      <h1>
        {t({ ru: 'Кампания {year}: ', en: 'Campaign {year}: ' }, { year: c.year })}
        {props.municipalityName}
      </h1>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <p>
        {t({ ru: 'Состояние: ', en: 'State: ' })}
        <strong>{t(statusNames[c.status])}</strong>. {t({ ru: 'Приказы по 1 этапу — не позднее ', en: 'Stage 1 orders due by ' })}
        {c.stage1DecisionDueOn ? formatDate(locale, c.stage1DecisionDueOn) : '—'}.{' '}
        <a href={props.liveHref}>{t({ ru: 'Публичная страница мест', en: 'Public page of places' })}</a>
      </p>
      {c.lotterySeedSha256 && (
        <p>
          {t({ ru: 'SHA-256 зерна лотереи: ', en: 'Lottery seed SHA-256: ' })}
          <code>{c.lotterySeedSha256}</code>
        </p>
      )}
      <h2>{t({ ru: 'Даты и порядок', en: 'Dates and ordering' })}</h2>
      <ErrorSummary errors={props.errors} labels={campaignFieldLabels} />
      <Form action={`/admission/campaigns/${c.id}`} aria-label={t({ ru: 'Даты и порядок', en: 'Dates and ordering' })}>
        <input type="hidden" name="version" value={String(c.version)} />
        <TextField name="stage1OpensOn" type="date" label={campaignFieldLabels.stage1OpensOn} value={v.stage1OpensOn} error={props.errors.stage1OpensOn} hint={{ ru: 'Не позднее 1 апреля; регион может открыть раньше', en: 'No later than 1 April; the region may open earlier' }} required />
        <TextField name="stage1OpensTime" label={campaignFieldLabels.stage1OpensTime} value={v.stage1OpensTime} error={props.errors.stage1OpensTime} maxlength={5} required />
        <TextField name="stage1LastDay" type="date" label={campaignFieldLabels.stage1LastDay} value={v.stage1LastDay} error={props.errors.stage1LastDay} required />
        <TextField name="stage2OpensOn" type="date" label={campaignFieldLabels.stage2OpensOn} value={v.stage2OpensOn} error={props.errors.stage2OpensOn} required />
        <TextField name="stage2LastDay" type="date" label={campaignFieldLabels.stage2LastDay} value={v.stage2LastDay} error={props.errors.stage2LastDay} required />
        <TextField name="territoryActDueOn" type="date" label={campaignFieldLabels.territoryActDueOn} value={v.territoryActDueOn} error={props.errors.territoryActDueOn} required />
        <TextField name="placesDueOn" type="date" label={campaignFieldLabels.placesDueOn} value={v.placesDueOn} error={props.errors.placesDueOn} required />
        <TextField name="freePlacesDueOn" type="date" label={campaignFieldLabels.freePlacesDueOn} value={v.freePlacesDueOn} error={props.errors.freePlacesDueOn} required />
        <SelectField
          name="ordering"
          label={campaignFieldLabels.ordering}
          value={v.ordering}
          error={props.errors.ordering}
          options={[
            { value: 'receipt', label: t({ ru: 'по времени подачи', en: 'by time of receipt' }) },
            { value: 'lottery', label: t({ ru: 'лотерея среди поданных в первые N часов', en: 'lottery among those received in the first N hours' }) },
          ]}
        />
        <TextField name="lotteryWindowHours" label={campaignFieldLabels.lotteryWindowHours} value={v.lotteryWindowHours} error={props.errors.lotteryWindowHours} inputmode="numeric" maxlength={3} />
        <TextField name="lotterySeedSha256" label={campaignFieldLabels.lotterySeedSha256} value={v.lotterySeedSha256} error={props.errors.lotterySeedSha256} maxlength={64} hint={{ ru: 'Публикуется до открытия приёма; само зерно раскрывается после окна', en: 'Published before opening; the seed is revealed after the window' }} />
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
      <h2>{t({ ru: 'План мест в 1 классах', en: 'Plan of first-grade places' })}</h2>
      <p>{t({ ru: 'Всего мест: {n}', en: 'Places in total: {n}' }, { n: total })}</p>
      <ErrorSummary errors={props.planErrors} labels={{}} />
      <Form action={`/admission/campaigns/${c.id}/plans`} aria-label={t({ ru: 'План мест', en: 'Plan of places' })}>
        <Table caption={t({ ru: 'План мест по школам', en: 'Plan of places by school' })} captionHidden headers={[t({ ru: 'Школа', en: 'School' }), t({ ru: 'Классов', en: 'Classes' }), t({ ru: 'Наполняемость', en: 'Class size' }), t({ ru: 'Мест', en: 'Places' })]}>
          {props.plans.map((p) => (
            <tr key={p.organizationId}>
              <td id={`school-${p.organizationId}`}>{p.schoolName}</td>
              <td>
                <input
                  id={`field-classes.${p.organizationId}`}
                  name={`classes.${p.organizationId}`}
                  value={props.planValues[`classes.${p.organizationId}`] ?? String(p.classes)}
                  inputMode="numeric"
                  maxLength={2}
                  size={3}
                  aria-label={`${p.schoolName}: ${t({ ru: 'классов', en: 'classes' })}`}
                  aria-invalid={props.planErrors[`classes.${p.organizationId}`] ? 'true' : undefined}
                />
              </td>
              <td>
                <input
                  id={`field-classSize.${p.organizationId}`}
                  name={`classSize.${p.organizationId}`}
                  value={props.planValues[`classSize.${p.organizationId}`] ?? String(p.classSize)}
                  inputMode="numeric"
                  maxLength={2}
                  size={3}
                  aria-label={`${p.schoolName}: ${t({ ru: 'наполняемость', en: 'class size' })}`}
                  aria-invalid={props.planErrors[`classSize.${p.organizationId}`] ? 'true' : undefined}
                />
              </td>
              <td>{p.plannedPlaces}</td>
            </tr>
          ))}
        </Table>
        <Button>{t({ ru: 'Сохранить план', en: 'Save the plan' })}</Button>
      </Form>
      {c.status === 'draft' && (
        <Form action={`/admission/campaigns/${c.id}/publish`} aria-label={t({ ru: 'Опубликовать', en: 'Publish' })}>
          <h2>{t({ ru: 'Публикация', en: 'Publication' })}</h2>
          <p>{t({ ru: 'После публикации даты, план мест и хеш зерна видны всем; черновики заявлений можно готовить.', en: 'Once published, dates, plans and the seed hash are public; families can prepare drafts.' })}</p>
          <Button>{t({ ru: 'Опубликовать кампанию', en: 'Publish the campaign' })}</Button>
        </Form>
      )}
      {props.closable && (
        <section id="field-close" aria-labelledby="close-title">
          <Form action={`/admission/campaigns/${c.id}/close`} aria-label={t({ ru: 'Закрыть кампанию', en: 'Close the campaign' })}>
            <h2 id="close-title">{t({ ru: 'Закрытие кампании', en: 'Closing the campaign' })}</h2>
            <p>{t({ ru: '2 этап окончен. После закрытия черновики и заявления не принимаются, даты не меняются; решения, приказы и протоколы остаются доступны.', en: 'Stage 2 has ended. Once closed, no drafts or applications are accepted and the dates are fixed; decisions, orders and protocols stay available.' })}</p>
            <Button kind="secondary">{t({ ru: 'Закрыть кампанию', en: 'Close the campaign' })}</Button>
          </Form>
        </section>
      )}
    </>
  );
}
