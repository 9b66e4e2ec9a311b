import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../platform/context.ts';
import { queryRows } from '../platform/db/connect.ts';
import { formatNumber, translate } from '../platform/i18n/i18n.ts';
import { sendPage } from '../web/respond.tsx';

export interface RegionFigures {
  municipalities: number;
  organizations: Record<string, number>;
}

export async function regionFigures(context: AppContext): Promise<RegionFigures> {
  const rows = await queryRows<{ kind: string; n: string | number }>(
    context.db,
    sql`SELECT kind, count(*) AS n FROM organization GROUP BY kind`,
  );
  const [m] = await queryRows<{ n: string | number }>(context.db, sql`SELECT count(*) AS n FROM municipality`);
  return { municipalities: Number(m?.n ?? 0), organizations: Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])) };
}

export function registerHomePage(app: FastifyInstance, context: AppContext): void {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const figures = await regionFigures(context);
    const l = request.locale;
    const t = (m: { ru: string; en: string }) => translate(l, m);
    const kinds: Array<[string, { ru: string; en: string }]> = [
      ['school', { ru: 'школ', en: 'schools' }],
      ['kindergarten', { ru: 'детских садов', en: 'kindergartens' }],
      ['clubProvider', { ru: 'организаций дополнительного образования', en: 'club providers' }],
      ['college', { ru: 'колледжей', en: 'colleges' }],
      ['camp', { ru: 'детских лагерей', en: 'children’s camps' }],
    ];
    return sendPage(
      request,
      reply,
      t({ ru: 'Главная', en: 'Home' }),
      <>
        <h1>{t({ ru: 'Образование Краснодарского края', en: 'Education in Krasnodar Krai' })}</h1>
        <p>
          {t({
            ru: 'Единое пространство для семей, педагогов и органов управления образованием: реестр организаций, запись в детский сад и школу, электронный журнал и дневник.',
            en: 'One place for families, teachers and education authorities: the registry of organisations, kindergarten and school enrolment, the journal and the diary.',
          })}
        </p>
        <h2>{t({ ru: 'В реестре', en: 'In the registry' })}</h2>
        <ul>
          <li>
            {formatNumber(l, figures.municipalities)} {t({ ru: 'муниципальных образований', en: 'municipalities' })}
          </li>
          {kinds.map(([kind, label]) => (
            <li key={kind}>
              <a href={`/organizations?kind=${kind}`}>
                {formatNumber(l, figures.organizations[kind] ?? 0)} {t(label)}
              </a>
            </li>
          ))}
        </ul>
        <p>
          <a href="/organizations">{t({ ru: 'Открыть реестр организаций', en: 'Open the registry of organisations' })}</a>
        </p>
        <p>
          <a href="/schools/find">{t({ ru: 'Найти школу по адресу', en: 'Find your school by address' })}</a>
        </p>
      </>,
    );
  });
}
