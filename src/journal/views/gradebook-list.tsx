/** The teacher's start page of the journal: their classes and subjects, each with its gradebook. */
import { useT } from '../../web/page-context.ts';

export interface TeachingRow {
  label: string;
  gradebookHref: string;
  finalsHref: string;
  own: boolean;
}

export function TeachingView(props: { rows: TeachingRow[]; weekHref: string; /** Past lessons without topic or attendance. */ unfilled: number }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Мои классы и предметы', en: 'My classes and subjects' })}</h1>
      <p>
        <a href={props.weekHref}>{t({ ru: 'Моё расписание на неделю', en: 'My timetable for the week' })}</a>
        {' · '}
        <a href="/journal/teaching/missing">
          {props.unfilled > 0
            ? t({ ru: 'Что не заполнено: {n} ур.', en: 'What is missing: {n} lessons' }, { n: props.unfilled })
            : t({ ru: 'Что не заполнено: всё заполнено', en: 'What is missing: everything is filled in' })}
        </a>
      </p>
      {props.rows.length === 0 ? (
        <p>{t({ ru: 'У вас нет учебной нагрузки в открытом учебном году.', en: 'You have no teaching load in an open school year.' })}</p>
      ) : (
        <ul>
          {props.rows.map((r) => (
            <li key={r.gradebookHref}>
              <a href={r.gradebookHref}>{r.label}</a>
              {r.own ? (
                <>
                  {' · '}
                  <a href={r.finalsHref}>{t({ ru: 'итоговые', en: 'finals' })}</a>
                </>
              ) : (
                <span class="hint"> ({t({ ru: 'классное руководство, только чтение', en: 'class teacher, read only' })})</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
