import type { Message } from '../../i18n/i18n.ts';
import { pluralRu } from '../../i18n/i18n.ts';
import { Notice, SummaryList } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { AccountOverview, DescribedGrant } from '../account.service.ts';
import type { ApiTokenItem } from '../api-tokens.ts';
import { ApiTokensSection, type TokenFormState } from './account-tokens.tsx';
import { TotpSection } from './account-totp.tsx';

export interface AccountLink {
  href: string;
  label: Message;
}

export interface AccountViewProps {
  overview: AccountOverview;
  links: AccountLink[];
  notice: Message | null;
  /** Present when the account may use TOTP (staff). */
  totp: { disableError: Message | null } | null;
  /** Present when the account may issue API tokens (staff). */
  tokens: { items: ApiTokenItem[]; options: DescribedGrant[]; form: TokenFormState } | null;
}

export function AccountView(props: AccountViewProps) {
  const t = useT();
  const { locale } = usePage();
  const { overview } = props;
  const sessions = overview.activeSessions;
  const sessionsText =
    locale === 'ru' ? `${sessions} ${pluralRu(sessions, 'активный сеанс', 'активных сеанса', 'активных сеансов')}` : `${sessions} active session${sessions === 1 ? '' : 's'}`;
  return (
    <>
      <h1>{t({ ru: 'Личный кабинет', en: 'My account' })}</h1>
      {props.notice && (
        <Notice kind="success">
          <p>{t(props.notice)}</p>
        </Notice>
      )}
      <SummaryList
        rows={[
          [t({ ru: 'Имя', en: 'Name' }), overview.displayName],
          [t({ ru: 'Логин', en: 'Login' }), overview.login],
          [t({ ru: 'Сеансы', en: 'Sessions' }), sessionsText],
        ]}
      />
      <section aria-labelledby="roles-title">
        <h2 id="roles-title">{t({ ru: 'Роли и области доступа', en: 'Roles and scopes' })}</h2>
        {overview.grants.length === 0 ? (
          <p class="muted">{t({ ru: 'Ролей пока нет. Их назначает администратор.', en: 'No roles yet. An administrator grants them.' })}</p>
        ) : (
          <ul>
            {overview.grants.map((d) => (
              <li key={`${d.grant.role}:${d.grant.municipalityId}:${d.grant.organizationId}`}>
                {t(d.role)} — {t(d.scope)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {props.links.length > 0 && (
        <nav aria-labelledby="links-title">
          <h2 id="links-title">{t({ ru: 'Что можно сделать', en: 'What you can do' })}</h2>
          <ul>
            {props.links.map((link) => (
              <li key={link.href}>
                <a href={link.href}>{t(link.label)}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {props.totp && <TotpSection enabled={overview.totpEnabled} pending={overview.totpPending} disableError={props.totp.disableError} />}
      {props.tokens && <ApiTokensSection tokens={props.tokens.items} described={overview.grants} options={props.tokens.options} form={props.tokens.form} />}
    </>
  );
}
