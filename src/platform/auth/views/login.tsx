import type { FieldErrors } from '../../errors.ts';
import type { Message } from '../../i18n/i18n.ts';
import { Button, ErrorSummary, Form, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';

export interface DemoLogin {
  login: string;
  password: string;
  role: Message;
  scope: string;
}

const labels = { login: { ru: 'Логин', en: 'Login' }, password: { ru: 'Пароль', en: 'Password' } };

export function LoginView(props: {
  login: string;
  returnTo: string;
  errors: FieldErrors;
  formError: Message | null;
  demoLogins: DemoLogin[];
  externalLogin: { href: string; label: Message } | null;
}) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Вход', en: 'Log in' })}</h1>
      <ErrorSummary errors={props.errors} labels={labels} />
      {props.formError && (
        <div class="error-summary" role="alert">
          <p>{t(props.formError)}</p>
        </div>
      )}
      <Form action="/login" aria-label={t({ ru: 'Вход по логину и паролю', en: 'Log in with login and password' })}>
        <input type="hidden" name="return" value={props.returnTo} />
        <TextField name="login" label={labels.login} value={props.login} error={props.errors.login} autocomplete="username" required />
        <TextField name="password" label={labels.password} type="password" error={props.errors.password} autocomplete="current-password" required />
        <Button>{t({ ru: 'Войти', en: 'Log in' })}</Button>
      </Form>
      {props.externalLogin && (
        <p class="actions">
          <a class="button button--secondary" href={props.externalLogin.href}>
            {t(props.externalLogin.label)}
          </a>
        </p>
      )}
      {props.demoLogins.length > 0 && (
        <section class="demo-logins" aria-labelledby="demo-logins-title">
          <h2 id="demo-logins-title">{t({ ru: 'Демо-доступы', en: 'Demo logins' })}</h2>
          <p>{t({ ru: 'Показаны только в демонстрационном режиме.', en: 'Shown in demo mode only.' })}</p>
          <div class="table-wrap" tabindex={0} role="region" aria-label={t({ ru: 'Демо-доступы', en: 'Demo logins' })}>
            <table>
              <caption class="visually-hidden">{t({ ru: 'Демо-доступы', en: 'Demo logins' })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t({ ru: 'Роль', en: 'Role' })}</th>
                  <th scope="col">{t({ ru: 'Область', en: 'Scope' })}</th>
                  <th scope="col">{t(labels.login)}</th>
                  <th scope="col">{t(labels.password)}</th>
                </tr>
              </thead>
              <tbody>
                {props.demoLogins.map((d) => (
                  <tr key={d.login}>
                    <td>{t(d.role)}</td>
                    <td>{d.scope}</td>
                    <td>
                      <code>{d.login}</code>
                    </td>
                    <td>
                      <code>{d.password}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

export function SecondFactorView(props: { returnTo: string; error: Message | null }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Код подтверждения', en: 'Verification code' })}</h1>
      <p>{t({ ru: 'Введите 6 цифр из приложения-аутентификатора.', en: 'Enter the 6 digits from your authenticator app.' })}</p>
      <Form action="/login/second-factor">
        <input type="hidden" name="return" value={props.returnTo} />
        <TextField
          name="code"
          label={{ ru: 'Код', en: 'Code' }}
          error={props.error ?? undefined}
          autocomplete="one-time-code"
          inputmode="numeric"
          maxlength={6}
          required
        />
        <Button>{t({ ru: 'Подтвердить', en: 'Confirm' })}</Button>
      </Form>
    </>
  );
}
