/**
 * "Find your school by address": a GET form (works without JavaScript; an address is not a
 * person's data), the houses matching what was typed, and for the chosen house the school or
 * schools whose territory includes it. With JavaScript, suggestions while typing come from the
 * JSON search, paid for with one proof-of-work solution per allowance (static/pow.js); the form
 * needs none and stays the fallback.
 */
import type { HouseSummary } from '../address.service.ts';
import { Button, Form, Notice, TextField } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export interface SchoolCard {
  id: string;
  shortName: string;
  address: string;
  website: string | null;
  phone: string | null;
}

export interface FindSchoolViewProps {
  query: string;
  /** Houses found for the query (empty when none was typed). */
  houses: HouseSummary[];
  /** The chosen house and its schools. */
  chosen: { house: HouseSummary; schools: SchoolCard[]; onDate: string } | null;
}

export function FindSchoolView(props: FindSchoolViewProps) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Найти школу по адресу', en: 'Find your school by address' })}</h1>
      <p>
        {t({
          ru: 'Каждый дом закреплён за школой постановлением муниципалитета. Дети, живущие на закреплённой территории, имеют право на место в этой школе.',
          en: 'Every house is assigned to a school by the municipality. Children living in the school’s territory have the right to a place there.',
        })}
      </p>
      <div data-address-search>
        <Form action="/schools/find" method="get" aria-label={t({ ru: 'Поиск адреса', en: 'Address search' })}>
          <TextField
            name="q"
            type="search"
            label={{ ru: 'Адрес: населённый пункт, улица и дом', en: 'Address: settlement, street and house' }}
            hint={{ ru: 'Например: Краснодар, Красная 12 или ст-ца Динская, ул. Ленина, д. 5', en: 'For example: Краснодар, Красная 12' }}
            value={props.query}
            maxlength={200}
            autocomplete="street-address"
          />
          <Button>{t({ ru: 'Найти', en: 'Search' })}</Button>
        </Form>
      </div>
      <ul id="address-suggestions" class="address-results" aria-live="polite" aria-label={t({ ru: 'Подсказки адресов', en: 'Address suggestions' })}></ul>
      <p class="muted">
        {t({
          ru: 'Если в браузере включён JavaScript, дома появляются под полем по мере набора. Без JavaScript всё работает так же: нажмите «Найти» и выберите дом из списка.',
          en: 'With JavaScript on, the houses appear under the field as you type. Without JavaScript everything works the same: press “Search” and choose the house from the list.',
        })}
      </p>
      {/* pow.js first: the suggestions ask the JSON search, which wants proof of work (platform/http/proof-of-work.ts). */}
      <script src="/static/pow.js" defer></script>
      <script type="module" src="/static/address-find.js"></script>
      {props.chosen ? (
        <ChosenHouse {...props.chosen} />
      ) : props.query ? (
        props.houses.length > 0 ? (
          <section aria-labelledby="found-houses">
            <h2 id="found-houses">{t({ ru: 'Выберите дом', en: 'Choose the house' })}</h2>
            <ul class="address-results">
              {props.houses.map((h) => (
                <li key={h.id}>
                  <a href={`/schools/find?${new URLSearchParams({ q: props.query, house: h.id }).toString()}`}>{h.label}</a>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <Notice>
            {t({
              ru: 'Адрес не найден. Проверьте написание или введите только улицу и номер дома.',
              en: 'No such address. Check the spelling or type only the street and the house number.',
            })}
          </Notice>
        )
      ) : null}
    </>
  );
}

function ChosenHouse(props: { house: HouseSummary; schools: SchoolCard[]; onDate: string }) {
  const t = useT();
  return (
    <section aria-labelledby="chosen-house">
      <h2 id="chosen-house">{props.house.label}</h2>
      {props.schools.length === 0 ? (
        <Notice>
          {t({
            ru: 'Этот дом не закреплён ни за одной школой. Обратитесь в управление образования муниципалитета.',
            en: 'This house is assigned to no school. Please contact the municipality’s education department.',
          })}
        </Notice>
      ) : (
        <>
          <p>
            {props.schools.length === 1
              ? t({ ru: 'Дом закреплён за школой:', en: 'The house is assigned to the school:' })
              : t({ ru: 'Дом закреплён за несколькими школами:', en: 'The house is assigned to several schools:' })}
          </p>
          <ul class="school-cards">
            {props.schools.map((s) => (
              <li key={s.id}>
                <h3>
                  <a href={`/organizations/${s.id}`}>{s.shortName}</a>
                </h3>
                <p>{s.address}</p>
                {s.phone && <p>{s.phone}</p>}
                <p>
                  <a href={`/organizations/${s.id}/territory`}>{t({ ru: 'Все адреса, закреплённые за школой', en: 'All addresses assigned to the school' })}</a>
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      {!props.house.residential && (
        <p>{t({ ru: 'По данным ГАР это нежилое здание.', en: 'According to the state address register this is not a residential building.' })}</p>
      )}
    </section>
  );
}
