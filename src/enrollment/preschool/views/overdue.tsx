import { Notice, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { formatDateTime, pluralRu } from '../../../platform/i18n/i18n.ts';
import type { OverdueLists } from '../deadlines.service.ts';

function Days(props: { n: number }) {
  const { locale } = usePage();
  return <>{locale === 'ru' ? `${props.n} ${pluralRu(props.n, 'день', 'дня', 'дней')}` : `${props.n} ${props.n === 1 ? 'day' : 'days'}`}</>;
}

export function OverdueView(props: { lists: OverdueLists; municipalityNames: Map<number, string> | null; limit: number }) {
  const t = useT();
  const { locale } = usePage();
  const { decisions, offers } = props.lists;
  const showMunicipality = props.municipalityNames !== null;
  const municipality = (id: number) => props.municipalityNames?.get(id) ?? String(id);
  return (
    <>
      <h1>{t({ ru: 'Просроченные сроки', en: 'Overdue deadlines' })}</h1>
      <p>
        {t({
          ru: 'Сроки административного регламента: решение о постановке на учёт (не позднее срока со дня регистрации заявления) и ответ на направление. Список обновляется при каждом открытии страницы.',
          en: 'Deadlines of the service regulation: the registration decision (within the period from registration) and the answer to an offer. The list is current each time the page opens.',
        })}
      </p>
      {props.lists.truncated && (
        <Notice>{t({ ru: 'Показаны первые {n} записей каждого списка — самые просроченные.', en: 'The first {n} rows of each list are shown: the most overdue.' }, { n: props.limit })}</Notice>
      )}

      <h2 id="overdue-decisions">{t({ ru: 'Не принято решение о постановке на учёт', en: 'Registration decision overdue' })}</h2>
      {decisions.length === 0 ? (
        <p>{t({ ru: 'Просроченных решений нет.', en: 'No overdue decisions.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Заявления в статусе «Новое» после срока решения: {n}', en: 'Applications still new after the decision deadline: {n}' }, { n: decisions.length })}
          headers={[
            t({ ru: 'Заявление', en: 'Application' }),
            ...(showMunicipality ? [t({ ru: 'Муниципалитет', en: 'Municipality' })] : []),
            t({ ru: 'Зарегистрировано', en: 'Registered' }),
            t({ ru: 'Срок решения', en: 'Decision due' }),
            t({ ru: 'Просрочено на', en: 'Overdue by' }),
          ]}
        >
          {decisions.map((d) => (
            <tr key={d.applicationId}>
              <td>
                <a href={`/preschool/desk/applications/${d.applicationId}`}>{d.number}</a>
              </td>
              {showMunicipality && <td>{municipality(d.municipalityId)}</td>}
              <td>{formatDateTime(locale, d.registeredAt)}</td>
              <td>{formatDateTime(locale, d.decisionDueAt)}</td>
              <td>
                <Days n={d.daysOverdue} />
              </td>
            </tr>
          ))}
        </Table>
      )}

      <h2 id="overdue-offers">{t({ ru: 'Направления без ответа после срока', en: 'Offers unanswered past their deadline' })}</h2>
      <p class="hint">
        {t({
          ru: 'Такие направления аннулируются автоматически (проверка каждые 15 минут); здесь видны те, что ещё не обработаны.',
          en: 'Such offers are expired automatically (checked every 15 minutes); those not yet processed are shown here.',
        })}
      </p>
      {offers.length === 0 ? (
        <p>{t({ ru: 'Просроченных направлений нет.', en: 'No overdue offers.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Направления, ожидающие ответа после срока: {n}', en: 'Offers still pending after the deadline: {n}' }, { n: offers.length })}
          headers={[
            t({ ru: 'Заявление', en: 'Application' }),
            ...(showMunicipality ? [t({ ru: 'Муниципалитет', en: 'Municipality' })] : []),
            t({ ru: 'Выдано', en: 'Issued' }),
            t({ ru: 'Срок ответа', en: 'Answer due' }),
            t({ ru: 'Просрочено на', en: 'Overdue by' }),
          ]}
        >
          {offers.map((o) => (
            <tr key={o.offerId}>
              <td>
                <a href={`/preschool/desk/applications/${o.applicationId}`}>{o.number}</a>
              </td>
              {showMunicipality && <td>{municipality(o.municipalityId)}</td>}
              <td>{formatDateTime(locale, o.issuedAt)}</td>
              <td>{formatDateTime(locale, o.deadlineAt)}</td>
              <td>
                <Days n={o.daysOverdue} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
