/** The page where a guardian or the head issues a pupil's login and resets its password. */
import type { FieldErrors } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, TextField } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export function PupilAccountView(props: { pupilId: string; name: string; login: string | null; values: { login: string }; errors: FieldErrors; notice: string | null }) {
  const t = useT();
  const labels = { login: { ru: 'Логин', en: 'Login' }, password: { ru: 'Пароль', en: 'Password' } };
  return (
    <>
      <h1>
        {t({ ru: 'Учётная запись обучающегося', en: 'Pupil’s account' })}: {props.name}
      </h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <ErrorSummary errors={props.errors} labels={labels} />
      <p>
        {t({
          ru: 'Ребёнок входит с этим логином и паролем и видит только свой дневник. Сообщите пароль ребёнку лично.',
          en: 'The child logs in with this login and password and sees only their own diary. Tell the child the password in person.',
        })}
      </p>
      {props.login ? (
        <Form action={`/journal/pupils/${props.pupilId}/account`} aria-label={t({ ru: 'Новый пароль', en: 'New password' })}>
          <p>
            {t({ ru: 'Логин', en: 'Login' })}: <strong>{props.login}</strong>
          </p>
          <input type="hidden" name="action" value="reset" />
          <TextField name="password" type="password" autocomplete="new-password" label={{ ru: 'Новый пароль (не короче 10 символов)', en: 'New password (10 characters or more)' }} error={props.errors.password} />
          <Button>{t({ ru: 'Сменить пароль', en: 'Change the password' })}</Button>
        </Form>
      ) : (
        <Form action={`/journal/pupils/${props.pupilId}/account`} aria-label={t({ ru: 'Создать учётную запись', en: 'Create the account' })}>
          <input type="hidden" name="action" value="issue" />
          <TextField name="login" label={labels.login} value={props.values.login} error={props.errors.login} autocomplete="off" />
          <TextField name="password" type="password" autocomplete="new-password" label={{ ru: 'Пароль (не короче 10 символов)', en: 'Password (10 characters or more)' }} error={props.errors.password} />
          <Button>{t({ ru: 'Создать', en: 'Create' })}</Button>
        </Form>
      )}
    </>
  );
}
