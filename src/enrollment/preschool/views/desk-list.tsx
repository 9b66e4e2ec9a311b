/** /preschool/desk: the municipality's applications — find by number, filter by status, register. */
import { formatDate, formatDateTime } from '../../../platform/i18n/i18n.ts';
import { Button, Form, Pagination, SelectField, Table, TextField, type SelectOption } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { ApplicationListItem } from '../application.service.ts';
import { applicationStatuses } from '../preschool.schema.ts';
import { statusNames } from '../status.ts';
import { benefitStatusNames } from './application-detail.tsx';

export function DeskListView(props: {
  items: ApplicationListItem[];
  status: string;
  number: string;
  nextHref: string | null;
  firstHref: string | null;
  municipalityNames: Map<number, string>;
  searched: boolean;
}) {
  const t = useT();
  const { locale } = usePage();
  const statusOptions: SelectOption[] = applicationStatuses.map((s) => ({ value: s, label: t(statusNames[s]) }));
  return (
    <>
      <h1>{t({ ru: 'Заявления в детские сады', en: 'Kindergarten applications' })}</h1>
      <p>
        <a class="button button--primary" href="/preschool/desk/new">
          {t({ ru: 'Зарегистрировать заявление при личном обращении', en: 'Register an application in person' })}
        </a>
      </p>
      <div class="filters-row">
        <Form action="/preschool/desk/search" class="filters" aria-label={t({ ru: 'Поиск по номеру', en: 'Search by number' })}>
          <TextField name="number" label={{ ru: 'Номер заявления', en: 'Application number' }} hint={{ ru: 'Например, 23-01-2026-000001', en: 'E.g. 23-01-2026-000001' }} value={props.number} maxlength={40} />
          <Button kind="secondary">{t({ ru: 'Найти', en: 'Find' })}</Button>
        </Form>
        <Form action="/preschool/desk" method="get" class="filters" aria-label={t({ ru: 'Фильтр по статусу', en: 'Filter by status' })}>
          <SelectField name="status" label={{ ru: 'Статус', en: 'Status' }} options={statusOptions} value={props.status} emptyLabel={{ ru: 'Все статусы', en: 'All statuses' }} />
          <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
        </Form>
      </div>
      {props.items.length === 0 ? (
        <p>{t(props.searched ? { ru: 'Заявление с таким номером не найдено.', en: 'No application with this number.' } : { ru: 'Заявлений нет.', en: 'No applications.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Заявления, новые сверху', en: 'Applications, newest first' })}
          headers={[
            t({ ru: 'Номер', en: 'Number' }),
            t({ ru: 'Ребёнок', en: 'Child' }),
            t({ ru: 'Статус', en: 'Status' }),
            t({ ru: 'Льгота', en: 'Benefit' }),
            t({ ru: 'Зарегистрировано', en: 'Registered' }),
            t({ ru: 'Решение до', en: 'Decision due' }),
            t({ ru: 'Муниципалитет', en: 'Municipality' }),
          ]}
        >
          {props.items.map((i) => (
            <tr key={i.id}>
              <td>
                <a href={`/preschool/desk/applications/${i.id}`}>{i.number}</a>
              </td>
              <td>
                {i.childName}
                {i.childBirthDate && `, ${formatDate(locale, i.childBirthDate)}`}
              </td>
              <td>{t(statusNames[i.status])}</td>
              <td>{t(benefitStatusNames[i.benefitStatus] ?? benefitStatusNames.none!)}</td>
              <td>{formatDateTime(locale, i.registeredAt)}</td>
              <td>{formatDateTime(locale, i.decisionDueAt)}</td>
              <td>{props.municipalityNames.get(i.municipalityId) ?? i.municipalityId}</td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination previousHref={props.firstHref} nextHref={props.nextHref} />
    </>
  );
}
