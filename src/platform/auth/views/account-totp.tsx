import { encodeQR } from '@paulmillr/qr';
import type { Message } from '../../i18n/i18n.ts';
import { Button, Form, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';

/** The base32 secret in groups of four, as people type it into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/**
 * The otpauth:// URI as a QR code: one SVG path of horizontal runs (a few KB, unlike one
 * rectangle per module), served as a data: image so the page needs no script and no request.
 */
export function qrDataUri(text: string): string {
  const rows = encodeQR(text, 'raw', { ecc: 'medium', border: 4 });
  const size = rows.length;
  let path = '';
  rows.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      path += `M${start} ${y}h${x - start}v1h-${x - start}z`;
    }
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

const codeLabel: Message = { ru: 'Код из приложения', en: 'Code from the app' };

/** Enrolment: the secret (QR code, URI, grouped letters) and the code that proves the app has it. */
export function AccountTotpEnrolView(props: { secret: string; uri: string; error: Message | null }) {
  const t = useT();
  return (
    <>
      <p>
        <a href="/account">← {t({ ru: 'Личный кабинет', en: 'My account' })}</a>
      </p>
      <h1>{t({ ru: 'Включение входа с кодом подтверждения', en: 'Turn on login with a verification code' })}</h1>
      <ol>
        <li>
          {t({
            ru: 'Установите на телефон приложение-аутентификатор (например, «Яндекс Ключ», FreeOTP или Google Authenticator).',
            en: 'Install an authenticator app on your phone (for example Yandex Key, FreeOTP or Google Authenticator).',
          })}
        </li>
        <li>{t({ ru: 'Отсканируйте QR-код или введите ключ вручную.', en: 'Scan the QR code or type the key in by hand.' })}</li>
        <li>{t({ ru: 'Введите 6 цифр, которые покажет приложение.', en: 'Enter the 6 digits the app shows.' })}</li>
      </ol>
      <p>
        <img
          src={qrDataUri(props.uri)}
          width={200}
          height={200}
          alt={t({ ru: 'QR-код с ключом для приложения-аутентификатора', en: 'QR code with the key for the authenticator app' })}
        />
      </p>
      <dl class="summary-list">
        <div class="summary-list__row">
          <dt>{t({ ru: 'Ключ для ввода вручную', en: 'Key to type in by hand' })}</dt>
          <dd>
            <code>{groupedSecret(props.secret)}</code>
          </dd>
        </div>
        <div class="summary-list__row">
          <dt>{t({ ru: 'Ссылка otpauth://', en: 'otpauth:// link' })}</dt>
          <dd>
            <code>{props.uri}</code>
          </dd>
        </div>
      </dl>
      <p class="muted">
        {t({
          ru: 'Не показывайте ключ другим людям: с ним можно получать ваши коды.',
          en: 'Do not show the key to anyone: it lets them produce your codes.',
        })}
      </p>
      <Form action="/account/totp/confirm" aria-label={t({ ru: 'Подтверждение кода', en: 'Confirm the code' })}>
        <TextField
          name="code"
          label={codeLabel}
          error={props.error ?? undefined}
          autocomplete="one-time-code"
          inputmode="numeric"
          maxlength={7}
          required
        />
        <div class="actions">
          <Button>{t({ ru: 'Включить', en: 'Turn on' })}</Button>
          <a class="button button--secondary" href="/account">
            {t({ ru: 'Отмена', en: 'Cancel' })}
          </a>
        </div>
      </Form>
    </>
  );
}

/** The TOTP section of the account page: a button to start, or a form to switch it off. */
export function TotpSection(props: { enabled: boolean; pending: boolean; disableError: Message | null }) {
  const t = useT();
  return (
    <section aria-labelledby="totp-title">
      <h2 id="totp-title">{t({ ru: 'Вход с кодом подтверждения', en: 'Login with a verification code' })}</h2>
      {props.enabled ? (
        <>
          <p>
            {t({
              ru: 'Включён: при входе после пароля мы спрашиваем 6-значный код из приложения-аутентификатора.',
              en: 'On: after the password, login asks for the 6-digit code from your authenticator app.',
            })}
          </p>
          <Form action="/account/totp/disable" aria-label={t({ ru: 'Отключение кода подтверждения', en: 'Turn off the verification code' })}>
            <TextField
              name="code"
              label={codeLabel}
              hint={{ ru: 'Чтобы отключить, введите текущий код.', en: 'To turn it off, enter a current code.' }}
              error={props.disableError ?? undefined}
              autocomplete="one-time-code"
              inputmode="numeric"
              maxlength={7}
              required
            />
            <Button kind="warning">{t({ ru: 'Отключить', en: 'Turn off' })}</Button>
          </Form>
        </>
      ) : (
        <>
          <p>
            {t({
              ru: 'Выключен. Сотрудникам, работающим с персональными данными, рекомендуем включить: тогда для входа нужен и пароль, и код с телефона.',
              en: 'Off. Staff who work with personal data should turn it on: then logging in needs both the password and a code from the phone.',
            })}
          </p>
          {props.pending && (
            <p>
              <a href="/account/totp">{t({ ru: 'Продолжить начатое подключение', en: 'Continue the setup you started' })}</a>
            </p>
          )}
          <Form action="/account/totp/start" aria-label={t({ ru: 'Включение кода подтверждения', en: 'Turn on the verification code' })}>
            <Button kind="secondary">{t({ ru: 'Включить вход с кодом', en: 'Turn on login with a code' })}</Button>
          </Form>
        </>
      )}
    </section>
  );
}
