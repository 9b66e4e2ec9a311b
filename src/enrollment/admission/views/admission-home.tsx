/** /admission: how first-grade admission works, the family's applications, links to staff tools. */
import { formatDateTime, type Message } from '../../../platform/i18n/i18n.ts';
import { Notice, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { OwnApplicationItem } from '../application.service.ts';
import { AdmissionStatusTag } from './admission-detail.tsx';

export function AdmissionHomeView(props: {
  canApply: boolean;
  applications: OwnApplicationItem[];
  campaigns: Array<{ href: string; label: string }>;
  tools: Array<{ href: string; label: Message }>;
  notice: Message | null;
}) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Приём в 1 класс', en: 'First-grade admission' })}</h1>
      {props.notice && (
        <Notice kind="success">
          <p>{t(props.notice)}</p>
        </Notice>
      )}
      <p>
        {t({
          ru: 'Черновик заявления можно подготовить заранее. В день открытия приёма подача — одна кнопка: номер и время приёма фиксирует сервер, они не меняются. На первом этапе (до 30 июня) принимаются дети с закреплённой территории и с правом на приём; на втором (с 6 июля) — все, на свободные места.',
          en: 'Prepare the draft in advance. On the opening day submitting is one button: the server fixes the number and time of receipt, and they never change. Stage 1 (to 30 June) is for children of the school’s territory and those with a priority right; stage 2 (from 6 July) is for everyone, for the free places.',
        })}
      </p>
      <p>
        <a href="/schools/find">{t({ ru: 'Найти школу по адресу', en: 'Find the school by address' })}</a>
      </p>
      {props.campaigns.length > 0 && (
        <section aria-labelledby="campaigns-title">
          <h2 id="campaigns-title">{t({ ru: 'Места в школах', en: 'Places at schools' })}</h2>
          <ul>
            {props.campaigns.map((c) => (
              <li key={c.href}>
                <a href={c.href}>{c.label}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.canApply && (
        <section aria-labelledby="mine-title">
          <h2 id="mine-title">{t({ ru: 'Мои заявления', en: 'My applications' })}</h2>
          <p>
            <a class="button button--primary" href="/admission/apply">
              {t({ ru: 'Подготовить черновик заявления', en: 'Prepare a draft application' })}
            </a>
          </p>
          {props.applications.length === 0 ? (
            <p>{t({ ru: 'Заявлений пока нет.', en: 'No applications yet.' })}</p>
          ) : (
            <Table caption={t({ ru: 'Мои заявления в 1 класс', en: 'My first-grade applications' })} captionHidden headers={[t({ ru: 'Ребёнок', en: 'Child' }), t({ ru: 'Школа', en: 'School' }), t({ ru: 'Номер и время', en: 'Number and time' }), t({ ru: 'Статус', en: 'Status' })]}>
              {props.applications.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={`/admission/applications/${a.id}`}>{a.childName}</a>
                  </td>
                  <td>
                    {a.schoolName}, {a.year}
                  </td>
                  <td>{a.receiptNumber === null ? '—' : `№ ${a.receiptNumber}, ${formatDateTime(locale, a.receivedAt!)}`}</td>
                  <td>
                    <AdmissionStatusTag status={a.status} />
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      )}
      {props.tools.length > 0 && (
        <section aria-labelledby="tools-title">
          <h2 id="tools-title">{t({ ru: 'Работа с приёмом', en: 'Admission work' })}</h2>
          <ul>
            {props.tools.map((tool) => (
              <li key={tool.href}>
                <a href={tool.href}>{t(tool.label)}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
