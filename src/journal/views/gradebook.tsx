/**
 * The gradebook of one assignment over a term: pupils × lessons. Without JavaScript it is a
 * table whose column headers open each lesson's form; gradebook.js turns it into a keyboard grid
 * (role="grid", roving tabindex) that saves each cell as it is typed.
 */
import { Notice } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { AttendanceCode } from '../lesson.schema.ts';

export const attendanceLetters: Record<AttendanceCode, string> = { absent: 'н', excused: 'у', ill: 'б', late: 'о' };
export const attendanceNames: Record<AttendanceCode, { ru: string; en: string }> = {
  absent: { ru: 'н — отсутствовал(а)', en: 'н — absent' },
  excused: { ru: 'у — по уважительной причине', en: 'у — excused' },
  ill: { ru: 'б — болезнь', en: 'б — ill' },
  late: { ru: 'о — опоздание', en: 'о — late' },
};

export function dayMonth(date: string): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}`;
}

export interface GradebookViewProps {
  title: string;
  terms: Array<{ number: number; href: string; current: boolean }>;
  lessons: Array<{ id: string; heldOn: string; lessonNumber: number; topic: string; workKindName: string; editable: boolean }>;
  pupils: Array<{ id: string; fullName: string; average: string | null; cells: Array<{ mark: number | null; attendance: AttendanceCode | null; inClass: boolean }> }>;
  allowMarkOne: boolean;
  finalsHref: string | null;
  timetableHref: string | null;
  notice: string | null;
}

export function GradebookView(props: GradebookViewProps) {
  const t = useT();
  const page = usePage();
  const text = {
    saving: t({ ru: 'сохраняется', en: 'saving' }),
    saved: t({ ru: 'Сохранено', en: 'Saved' }),
    failed: t({ ru: 'Не сохранено', en: 'Not saved' }),
    empty: t({ ru: 'пусто', en: 'empty' }),
    readonly: t({ ru: 'Эта клетка не редактируется', en: 'This cell cannot be edited' }),
  };
  return (
    <>
      <link rel="stylesheet" href="/static/gradebook.css" />
      <h1>{props.title}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <nav aria-label={t({ ru: 'Учебные периоды', en: 'Terms' })}>
        <ul class="inline-list">
          {props.terms.map((term) => (
            <li key={term.number}>
              {term.current ? (
                <strong aria-current="page">{t({ ru: `${term.number} период`, en: `Term ${term.number}` })}</strong>
              ) : (
                <a href={term.href}>{t({ ru: `${term.number} период`, en: `Term ${term.number}` })}</a>
              )}
            </li>
          ))}
          {props.finalsHref && (
            <li>
              <a href={props.finalsHref}>{t({ ru: 'Итоговые отметки', en: 'Final marks' })}</a>
            </li>
          )}
          {props.timetableHref && (
            <li>
              <a href={props.timetableHref}>{t({ ru: 'Расписание класса', en: 'Class timetable' })}</a>
            </li>
          )}
        </ul>
      </nav>
      <p id="gradebook-help" class="hint">
        {t({
          ru: 'Откройте урок по ссылке в заголовке столбца, чтобы записать тему, домашнее задание, отметки и посещаемость. С клавиатуры: стрелки — переход, цифры 2–5 — отметка, н у б о — отсутствие, болезнь, опоздание, Delete — очистить. Каждая клетка сохраняется сразу.',
          en: 'Open a lesson from its column header to enter the topic, homework, marks and attendance. From the keyboard: arrows move, digits 2–5 set a mark, н у б о (n u b o) set absent, excused, ill, late, Delete clears. Each cell is saved at once.',
        })}
      </p>
      <p class="hint">{Object.values(attendanceNames).map((n) => t(n)).join('; ')}</p>
      {props.lessons.length === 0 ? (
        <p>{t({ ru: 'В этом периоде уроков нет: расписание ещё не составлено.', en: 'No lessons in this term: the timetable is not made yet.' })}</p>
      ) : (
        <div class="table-wrap gradebook-wrap" role="region" aria-label={props.title} tabindex={0}>
          <table id="gradebook" class="gradebook" data-csrf={page.csrfToken} data-allow-one={String(props.allowMarkOne)} data-text={JSON.stringify(text)}>
            <caption class="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t({ ru: 'Ученик', en: 'Pupil' })}</th>
                {props.lessons.map((l) => (
                  <th scope="col" key={l.id}>
                    <a href={`/journal/lessons/${l.id}`} title={l.topic || undefined}>
                      {dayMonth(l.heldOn)}
                      <span class="visually-hidden">
                        {`, ${t({ ru: 'урок', en: 'lesson' })} ${l.lessonNumber}${l.topic ? `: ${l.topic}` : ''}, ${l.workKindName}`}
                      </span>
                    </a>
                  </th>
                ))}
                <th scope="col">{t({ ru: 'Средний балл', en: 'Average' })}</th>
              </tr>
            </thead>
            <tbody>
              {props.pupils.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.fullName}</th>
                  {p.cells.map((c, i) => {
                    const l = props.lessons[i]!;
                    const value = [c.attendance ? attendanceLetters[c.attendance] : '', c.mark ?? ''].filter((x) => x !== '').join(' ');
                    return (
                      <td
                        key={l.id}
                        data-lesson={l.id}
                        data-pupil={p.id}
                        data-who={p.fullName}
                        data-when={dayMonth(l.heldOn)}
                        data-mark={c.mark ?? ''}
                        data-attendance={c.attendance ?? ''}
                        data-editable={String(l.editable && c.inClass)}
                        class={c.inClass ? undefined : 'gradebook-out'}
                      >
                        <span class="cell-value">{value}</span>
                      </td>
                    );
                  })}
                  <td>{p.average ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="gradebook-status">
        <p id="gradebook-status" role="status" aria-live="polite"></p>
        <button type="button" id="gradebook-retry" class="button button--secondary" hidden>
          {t({ ru: 'Повторить несохранённые', en: 'Retry unsaved cells' })}
        </button>
      </div>
      <script type="module" src="/static/gradebook.js"></script>
    </>
  );
}
