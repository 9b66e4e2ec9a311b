/**
 * People in the actor's scope: a search form and a keyset-paginated table. The search is posted,
 * never put in a URL (a name or a document number is personal data); browsing links carry only
 * the municipality filter and the opaque cursor.
 */
import { formatDate } from '../../platform/i18n/i18n.ts';
import { Button, Form, Notice, Pagination, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { PersonListItem } from '../person.service.ts';

export function fullName(p: { lastName: string; firstName: string; middleName: string | null }): string {
  return [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
}

export function PersonListView(props: {
  items: PersonListItem[];
  q: string;
  municipalityId: string;
  municipalities: SelectOption[];
  /** Browsing pages by links, or the results of a posted search paged by posting again. */
  paging: { kind: 'browse'; nextHref: string | null; firstHref: string | null } | { kind: 'search'; nextAfter: string | null };
  canCreate: boolean;
}) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Люди', en: 'People' })}</h1>
      {props.canCreate && (
        <p class="actions">
          <a class="button" href="/people/new">
            {t({ ru: 'Добавить человека', en: 'Add a person' })}
          </a>
        </p>
      )}
      <Form action="/people/search" class="search-form" aria-label={t({ ru: 'Поиск людей', en: 'Search people' })}>
        <TextField
          name="q"
          type="search"
          label={{ ru: 'Фамилия, имя или номер документа', en: 'Name or document number' }}
          value={props.q}
          autocomplete="off"
          maxlength={200}
        />
        <SelectField
          name="municipalityId"
          label={{ ru: 'Муниципальное образование', en: 'Municipality' }}
          value={props.municipalityId}
          emptyLabel={{ ru: 'Все доступные', en: 'All available' }}
          options={props.municipalities}
        />
        <Button kind="secondary">{t({ ru: 'Найти', en: 'Search' })}</Button>
      </Form>
      {props.paging.kind === 'search' && (
        <p>
          <a href="/people">{t({ ru: 'Сбросить поиск и показать всех', en: 'Clear the search and show everyone' })}</a>
        </p>
      )}
      {props.items.length === 0 ? (
        <Notice>{t({ ru: 'Никого не найдено.', en: 'Nobody found.' })}</Notice>
      ) : (
        <Table
          caption={t({ ru: 'Люди в вашей области доступа', en: 'People in your scope' })}
          headers={[t({ ru: 'ФИО', en: 'Name' }), t({ ru: 'Дата рождения', en: 'Date of birth' }), t({ ru: 'Муниципалитет', en: 'Municipality' }), t({ ru: 'Организация', en: 'Organisation' })]}
        >
          {props.items.map((p) => (
            <tr key={p.id}>
              <td>
                <a href={`/people/${p.id}`}>{fullName(p)}</a>
              </td>
              <td>{formatDate(locale, p.birthDate)}</td>
              <td>{t(p.municipalityName)}</td>
              <td>{p.organizationName ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
      {props.paging.kind === 'browse' ? (
        <Pagination previousHref={props.paging.firstHref} nextHref={props.paging.nextHref} />
      ) : (
        props.paging.nextAfter && <SearchNextPage q={props.q} municipalityId={props.municipalityId} after={props.paging.nextAfter} />
      )}
    </>
  );
}

/** The next page of search results: a small form posting the term and the cursor again. */
function SearchNextPage(props: { q: string; municipalityId: string; after: string }) {
  const t = useT();
  return (
    <nav class="pagination" aria-label={t({ ru: 'Страницы', en: 'Pages' })}>
      <Form action="/people/search">
        <input type="hidden" name="q" value={props.q} />
        {props.municipalityId && <input type="hidden" name="municipalityId" value={props.municipalityId} />}
        <input type="hidden" name="after" value={props.after} />
        <Button kind="secondary">
          {t({ ru: 'Следующая страница', en: 'Next page' })}
          <span aria-hidden="true"> →</span>
        </Button>
      </Form>
    </nav>
  );
}

export function OwnPeopleView(props: { self: PersonListItem | null; children: PersonListItem[]; linked: boolean }) {
  const t = useT();
  const { locale } = usePage();
  if (!props.linked) {
    return (
      <>
        <h1>{t({ ru: 'Мои данные и дети', en: 'My record and children' })}</h1>
        <Notice>
          {t({
            ru: 'Ваша учётная запись пока не связана с записью в реестре. Обратитесь в образовательную организацию или муниципальный орган управления образованием.',
            en: 'Your account is not yet linked to a registry record. Please contact your school or the municipal education office.',
          })}
        </Notice>
      </>
    );
  }
  return (
    <>
      <h1>{t({ ru: 'Мои данные и дети', en: 'My record and children' })}</h1>
      {props.self && (
        <p>
          {t({ ru: 'Моя запись', en: 'My record' })}: <a href={`/people/${props.self.id}`}>{fullName(props.self)}</a>
        </p>
      )}
      <h2>{t({ ru: 'Дети', en: 'Children' })}</h2>
      {props.children.length === 0 ? (
        <p>{t({ ru: 'Дети не привязаны.', en: 'No children are linked.' })}</p>
      ) : (
        <ul>
          {props.children.map((c) => (
            <li key={c.id}>
              <a href={`/people/${c.id}`}>{fullName(c)}</a>, {formatDate(locale, c.birthDate)}
              {c.organizationName ? ` — ${c.organizationName}` : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
