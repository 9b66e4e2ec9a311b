import { isRole, roleNames, type Grant } from '../../access/access.ts';
import type { FieldErrors } from '../../errors.ts';
import { formatDateTime, type Message } from '../../i18n/i18n.ts';
import { Button, ErrorSummary, Form, SelectField, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { ApiTokenItem, ApiTokenStatus } from '../api-tokens.ts';
import type { DescribedGrant } from '../account.service.ts';

/** A grant as one form value: "role:municipalityId:organizationId" (empty for none). */
export function grantKey(grant: Grant): string {
  return `${grant.role}:${grant.municipalityId ?? ''}:${grant.organizationId ?? ''}`;
}

export function parseGrantKey(value: unknown): Grant | null {
  if (typeof value !== 'string') return null;
  const match = /^([A-Za-z]+):(\d*):([0-9a-f-]*)$/.exec(value);
  if (!match || !isRole(match[1])) return null;
  if (match[3] && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(match[3])) return null;
  return { role: match[1], municipalityId: match[2] ? Number(match[2]) : null, organizationId: match[3] || null };
}

export interface TokenFormState {
  name: string;
  grant: string;
  expiresAt: string;
  errors: FieldErrors;
}

export const emptyTokenForm: TokenFormState = { name: '', grant: '', expiresAt: '', errors: {} };

const labels: Record<string, Message> = {
  name: { ru: 'Название', en: 'Name' },
  grant: { ru: 'Роль и область доступа', en: 'Role and scope' },
  expiresAt: { ru: 'Действует по (включительно)', en: 'Valid until (inclusive)' },
};

const statusNames: Record<ApiTokenStatus, Message> = {
  active: { ru: 'действует', en: 'active' },
  expired: { ru: 'истёк', en: 'expired' },
  revoked: { ru: 'отозван', en: 'revoked' },
};

function grantWords(t: ReturnType<typeof useT>, described: DescribedGrant[], grant: Grant): string {
  const found = described.find((d) => grantKey(d.grant) === grantKey(grant));
  // A grant withdrawn since the token was issued: the token no longer works, name the role only.
  return found ? `${t(found.role)} — ${t(found.scope)}` : t(roleNames[grant.role]);
}

/** The API tokens section of the account page: the list with revoke buttons, and the issue form. */
export function ApiTokensSection(props: { tokens: ApiTokenItem[]; described: DescribedGrant[]; options: DescribedGrant[]; form: TokenFormState }) {
  const t = useT();
  const { locale } = usePage();
  const when = (d: Date | null) => (d ? formatDateTime(locale, d) : '—');
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t({ ru: 'API-токены для интеграций', en: 'API tokens for integrations' })}</h2>
      <p>
        {t({
          ru: 'Токен даёт программе доступ к API от вашего имени, но только с одной выбранной ролью и областью. Если роль у вас отзовут, токен перестанет работать.',
          en: 'A token lets a program use the API on your behalf, with only the one role and scope you choose. If the role is withdrawn from you, the token stops working.',
        })}{' '}
        <a href="/api/docs">{t({ ru: 'Документация API', en: 'API documentation' })}</a>
      </p>
      {props.tokens.length === 0 ? (
        <p class="muted">{t({ ru: 'Токенов пока нет.', en: 'No tokens yet.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Ваши токены', en: 'Your tokens' })}
          headers={[
            t(labels.name!),
            t(labels.grant!),
            t({ ru: 'Создан', en: 'Created' }),
            t({ ru: 'Последнее использование', en: 'Last used' }),
            t({ ru: 'Срок действия', en: 'Expires' }),
            t({ ru: 'Состояние', en: 'Status' }),
            t({ ru: 'Действия', en: 'Actions' }),
          ]}
        >
          {props.tokens.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{grantWords(t, props.described, token.grant)}</td>
              <td>{when(token.createdAt)}</td>
              <td>{when(token.lastUsedAt)}</td>
              <td>{token.expiresAt ? when(token.expiresAt) : t({ ru: 'бессрочно', en: 'no expiry' })}</td>
              <td>{t(statusNames[token.status])}</td>
              <td>
                {token.status !== 'revoked' && (
                  <Form action={`/account/tokens/${token.id}/revoke`} class="inline-form" aria-label={`${t({ ru: 'Отзыв токена', en: 'Revoke token' })} ${token.name}`}>
                    <Button kind="warning">
                      {t({ ru: 'Отозвать', en: 'Revoke' })}
                      <span class="visually-hidden"> {token.name}</span>
                    </Button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h3 id="new-token-title">{t({ ru: 'Новый токен', en: 'New token' })}</h3>
      <ErrorSummary errors={props.form.errors} labels={labels} />
      <Form action="/account/tokens" aria-label={t({ ru: 'Новый токен', en: 'New token' })}>
        <TextField
          name="name"
          label={labels.name!}
          hint={{ ru: 'Чтобы потом понять, где он используется, например «Выгрузка в 1С».', en: 'So you can tell later where it is used, e.g. "Export to accounting".' }}
          value={props.form.name}
          error={props.form.errors.name}
          maxlength={100}
          required
        />
        <SelectField
          name="grant"
          label={labels.grant!}
          options={props.options.map((d) => ({ value: grantKey(d.grant), label: `${t(d.role)} — ${t(d.scope)}` }))}
          value={props.form.grant || (props.options[0] ? grantKey(props.options[0].grant) : '')}
          error={props.form.errors.grant}
          required
        />
        <TextField
          name="expiresAt"
          type="date"
          label={labels.expiresAt!}
          hint={{ ru: 'Необязательно. Без даты токен действует, пока его не отзовут.', en: 'Optional. Without a date the token works until revoked.' }}
          value={props.form.expiresAt}
          error={props.form.errors.expiresAt}
        />
        <Button>{t({ ru: 'Создать токен', en: 'Create token' })}</Button>
      </Form>
    </section>
  );
}

/** Shown once, right after issue: the token itself is never stored and cannot be shown again. */
export function ApiTokenCreatedView(props: { token: string; item: ApiTokenItem; grants: DescribedGrant[] }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Токен создан', en: 'Token created' })}</h1>
      <div class="notice notice--success" role="status">
        <p>
          {t({
            ru: 'Скопируйте токен сейчас: мы храним только его отпечаток и больше не сможем его показать.',
            en: 'Copy the token now: we keep only its fingerprint and cannot show it again.',
          })}
        </p>
      </div>
      <dl class="summary-list">
        <div class="summary-list__row">
          <dt>{t(labels.name!)}</dt>
          <dd>{props.item.name}</dd>
        </div>
        <div class="summary-list__row">
          <dt>{t(labels.grant!)}</dt>
          <dd>{grantWords(t, props.grants, props.item.grant)}</dd>
        </div>
        <div class="summary-list__row">
          <dt>{t({ ru: 'Токен', en: 'Token' })}</dt>
          <dd>
            <code id="new-api-token">{props.token}</code>
          </dd>
        </div>
      </dl>
      <p>
        {t({ ru: 'Передавайте его в заголовке запроса:', en: 'Send it in the request header:' })} <code>Authorization: Bearer …</code>
      </p>
      <p>
        <a href="/account">{t({ ru: 'Вернуться в личный кабинет', en: 'Back to my account' })}</a>
      </p>
    </>
  );
}
