/** The diary pages: the week, marks by subject and term, notices and the calendar feed. */
import { translate, type Locale } from '../../platform/i18n/i18n.ts';
import { Button, Form, Notice, Table } from '../../web/components.tsx';
import { html, RawHtml, tableHtml, type SafeHtml } from '../../web/html.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { DiaryChild, DiaryMarks, DiaryWeek, FeedState, NoticePreference } from '../diary.service.ts';

const absenceShort: Record<string, { ru: string; en: string }> = {
  absent: { ru: 'Н — отсутствовал(а)', en: 'A — absent' },
  excused: { ru: 'УП — уважительная причина', en: 'E — excused' },
  ill: { ru: 'Б — болезнь', en: 'I — ill' },
  late: { ru: 'ОП — опоздание', en: 'L — late' },
};

const weekdayNames = {
  ru: ['Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

function dayMonth(date: string): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}`;
}

/** The other children of the account, as links (nothing when there is one). */
function childSwitchHtml(locale: Locale, children: readonly DiaryChild[], current: string, base: string): SafeHtml {
  if (children.length < 2) return html``;
  return html`<nav aria-label="${translate(locale, { ru: 'Дети', en: 'Children' })}" class="diary-children"><ul class="inline-list">${children.map((c) =>
    c.id === current ? html`<li><strong aria-current="page">${c.name}</strong></li>` : html`<li><a href="${`${base}?child=${c.id}`}">${c.name}</a></li>`,
  )}</ul></nav>`;
}

function tabsHtml(locale: Locale, child: string, current: 'week' | 'marks' | 'settings'): SafeHtml {
  const tabs = [
    ['week', `/diary?child=${child}`, { ru: 'Неделя', en: 'Week' }],
    ['marks', `/diary/marks?child=${child}`, { ru: 'Отметки', en: 'Marks' }],
    ['settings', `/diary/settings?child=${child}`, { ru: 'Уведомления и календарь', en: 'Notices and calendar' }],
  ] as const;
  return html`<nav aria-label="${translate(locale, { ru: 'Разделы дневника', en: 'Diary sections' })}"><ul class="inline-list">${tabs.map(([key, href, label]) =>
    key === current ? html`<li><strong aria-current="page">${translate(locale, label)}</strong></li>` : html`<li><a href="${href}">${translate(locale, label)}</a></li>`,
  )}</ul></nav>`;
}

/** The heading, the child switch and the tabs every diary page starts with. */
function DiaryHeader(props: { title: string; children: readonly DiaryChild[]; child: DiaryChild; base: string; current: 'week' | 'marks' | 'settings' }) {
  const { locale } = usePage();
  return (
    <>
      <h1>
        {props.title}: {props.child.name}
      </h1>
      <RawHtml html={html`${childSwitchHtml(locale, props.children, props.child.id, props.base)}${tabsHtml(locale, props.child.id, props.current)}`} />
    </>
  );
}

/**
 * The week: a hot path (every guardian opens it on the evening marks appear; issue 5 §11), so it
 * is built as escaped strings (web/html.tsx) rather than a Preact tree, at a tenth of the cost.
 */
export function diaryWeekHtml(locale: Locale, props: { children: readonly DiaryChild[]; child: DiaryChild; week: DiaryWeek }): SafeHtml {
  const t = (message: { ru: string; en: string }) => translate(locale, message);
  const w = props.week;
  const base = `/diary?child=${props.child.id}`;
  const filesOf = new Map<string, DiaryWeek['attachments']>();
  for (const f of w.attachments) filesOf.set(f.lessonId, [...(filesOf.get(f.lessonId) ?? []), f]);
  const headers = [t({ ru: '№', en: 'No.' }), t({ ru: 'Предмет', en: 'Subject' }), t({ ru: 'Тема и домашнее задание', en: 'Topic and homework' }), t({ ru: 'Отметки', en: 'Marks' })];
  const homework = t({ ru: 'Д/з', en: 'Homework' });
  const row = (l: DiaryWeek['days'][number]['lessons'][number]) => {
    const files = filesOf.get(l.id);
    return html`<tr><td>${l.lessonNumber}${l.startsAt ? html`<small> ${l.startsAt}</small>` : null}</td><td>${locale === 'ru' ? l.subjectNameRu : l.subjectNameEn}${
      l.status === 'cancelled' ? html`<em> (${t({ ru: 'отменён', en: 'cancelled' })})</em>` : null
    }</td><td>${l.topic ? html`<div>${l.topic}</div>` : null}${l.homework ? html`<div><strong>${homework}:</strong> ${l.homework}</div>` : null}${
      files
        ? html`<ul class="attachments" aria-label="${t({ ru: 'Файлы к домашнему заданию', en: 'Homework files' })}">${files.map(
            (f) =>
              html`<li><a href="${`/diary/lessons/${l.id}/attachments/${f.id}?child=${props.child.id}`}" download>${f.fileName}</a> <small>(${Math.max(1, Math.round(f.sizeBytes / 1024))} ${t({ ru: 'КБ', en: 'KB' })})</small></li>`,
          )}</ul>`
        : null
    }</td><td>${l.marks.map((m) => html`<strong class="mark">${m.value} </strong>`)}${l.attendance ? html`<span>${t(absenceShort[l.attendance]!)}</span>` : null}</td></tr>`;
  };
  return html`<h1>${t({ ru: 'Дневник', en: 'Diary' })}: ${props.child.name}</h1>${childSwitchHtml(locale, props.children, props.child.id, '/diary')}${tabsHtml(locale, props.child.id, 'week')}<nav aria-label="${t({ ru: 'Недели', en: 'Weeks' })}" class="pagination"><a href="${`${base}&week=${w.previous}`}" rel="prev">← ${t({ ru: 'Предыдущая неделя', en: 'Previous week' })}</a> <span>${dayMonth(w.weekStart)}–${dayMonth(w.days[w.days.length - 1]!.date)}</span> <a href="${`${base}&week=${w.next}`}" rel="next">${t({ ru: 'Следующая неделя', en: 'Next week' })} →</a></nav>${w.days.map((day, i) => {
    const name = `${weekdayNames[locale][i]}, ${dayMonth(day.date)}`;
    return html`<section aria-labelledby="${`day-${day.date}`}"><h2 id="${`day-${day.date}`}">${name}</h2>${
      day.lessons.length === 0 ? html`<p>${t({ ru: 'Уроков нет', en: 'No lessons' })}</p>` : tableHtml({ caption: name, captionHidden: true, headers, rows: day.lessons.map(row) })
    }</section>`;
  })}`;
}

export function DiaryWeekView(props: { children: readonly DiaryChild[]; child: DiaryChild; week: DiaryWeek }) {
  const { locale } = usePage();
  return <RawHtml class="diary-week" html={diaryWeekHtml(locale, props)} />;
}

export function DiaryMarksView(props: { children: readonly DiaryChild[]; child: DiaryChild; marks: DiaryMarks }) {
  const t = useT();
  const { locale } = usePage();
  const m = props.marks;
  return (
    <>
      <DiaryHeader title={t({ ru: 'Отметки', en: 'Marks' })} children={props.children} child={props.child} base="/diary/marks" current="marks" />
      {m.yearName === null ? (
        <p>{t({ ru: 'Сейчас ребёнок не числится ни в одном классе.', en: 'The child is not in any class now.' })}</p>
      ) : (
        <Table
          caption={t({ ru: `Отметки за ${m.yearName} учебный год`, en: `Marks of the ${m.yearName} school year` })}
          headers={[
            t({ ru: 'Предмет', en: 'Subject' }),
            ...m.terms.flatMap((term) => [t({ ru: `${term.number} период: отметки`, en: `Term ${term.number}: marks` }), t({ ru: `${term.number}: итог`, en: `${term.number}: final` })]),
            t({ ru: 'Год', en: 'Year' }),
          ]}
        >
          {m.subjects.map((s) => (
            <tr key={s.subjectCode}>
              <th scope="row">{locale === 'ru' ? s.nameRu : s.nameEn}</th>
              {m.terms.flatMap((term) => [
                <td key={`${term.id}-m`}>{(s.marks.get(term.id) ?? []).map((x) => x.value).join(' ')}</td>,
                <td key={`${term.id}-f`}>
                  <strong>{s.finals.get(term.id) ?? ''}</strong>
                </td>,
              ])}
              <td>
                <strong>{s.finals.get('year') ?? ''}</strong>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export function DiarySettingsView(props: {
  children: readonly DiaryChild[];
  child: DiaryChild;
  preference: NoticePreference | null;
  feed: FeedState;
  /** Shown once, right after it is made. */
  newFeedUrl: string | null;
  notice: string | null;
}) {
  const t = useT();
  const c = props.child.id;
  return (
    <>
      <DiaryHeader title={t({ ru: 'Уведомления и календарь', en: 'Notices and calendar' })} children={props.children} child={props.child} base="/diary/settings" current="settings" />
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      {props.preference && (
        <section aria-labelledby="notices-title">
          <h2 id="notices-title">{t({ ru: 'Уведомления', en: 'Notices' })}</h2>
          <Form action="/diary/settings/notices" aria-label={t({ ru: 'Уведомления', en: 'Notices' })}>
            <input type="hidden" name="child" value={c} />
            <div class="checkbox">
              <input type="checkbox" id="field-marks" name="marks" value="on" checked={props.preference.marks} />
              <label for="field-marks">{t({ ru: 'Сообщать о новых отметках', en: 'Tell me about new marks' })}</label>
            </div>
            <div class="checkbox">
              <input type="checkbox" id="field-absences" name="absences" value="on" checked={props.preference.absences} />
              <label for="field-absences">{t({ ru: 'Сообщать о пропусках и опозданиях', en: 'Tell me about absences and lateness' })}</label>
            </div>
            <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
          </Form>
        </section>
      )}
      {props.child.relation === 'guardian' && (
        <section aria-labelledby="account-title">
          <h2 id="account-title">{t({ ru: 'Вход для ребёнка', en: 'The child’s login' })}</h2>
          <p>
            <a href={`/journal/pupils/${c}/account`}>{t({ ru: 'Создать логин ребёнку или сменить его пароль', en: 'Create the child’s login or change its password' })}</a>
          </p>
        </section>
      )}
      <section aria-labelledby="feed-title">
        <h2 id="feed-title">{t({ ru: 'Расписание в календаре телефона', en: 'Timetable in your phone’s calendar' })}</h2>
        <p>
          {t({
            ru: 'Личная ссылка в формате iCalendar: уроки и домашние задания на шесть недель. В ссылке нет имени ребёнка; не пересылайте её посторонним. Новая ссылка отменяет прежнюю.',
            en: 'A private iCalendar link: lessons and homework for six weeks. It contains no name; do not share it. A new link cancels the old one.',
          })}
        </p>
        {props.newFeedUrl && (
          <Notice kind="success">
            <p>{t({ ru: 'Скопируйте ссылку сейчас — больше она показана не будет:', en: 'Copy the link now — it will not be shown again:' })}</p>
            <p>
              <code>{props.newFeedUrl}</code>
            </p>
          </Notice>
        )}
        <p>{props.feed.active ? t({ ru: 'Ссылка действует.', en: 'A link is active.' }) : t({ ru: 'Ссылки нет.', en: 'No link.' })}</p>
        <div class="actions">
          <Form action="/diary/settings/feed" aria-label={t({ ru: 'Создать ссылку', en: 'Make a link' })}>
            <input type="hidden" name="child" value={c} />
            <Button name="action" value="regenerate">
              {props.feed.active ? t({ ru: 'Создать новую ссылку', en: 'Make a new link' }) : t({ ru: 'Создать ссылку', en: 'Make a link' })}
            </Button>
          </Form>
          {props.feed.active && (
            <Form action="/diary/settings/feed" aria-label={t({ ru: 'Отключить ссылку', en: 'Revoke the link' })}>
              <input type="hidden" name="child" value={c} />
              <Button name="action" value="revoke" kind="warning">
                {t({ ru: 'Отключить ссылку', en: 'Revoke the link' })}
              </Button>
            </Form>
          )}
        </div>
      </section>
    </>
  );
}

export function DiaryEmptyView() {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Дневник', en: 'Diary' })}</h1>
      <p>
        {t({
          ru: 'К вашей учётной записи не привязан ни один обучающийся. Обратитесь в школу, чтобы вас указали законным представителем ребёнка.',
          en: 'No pupil is linked to your account. Ask the school to record you as the child’s guardian.',
        })}
      </p>
    </>
  );
}
