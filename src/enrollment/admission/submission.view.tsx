/**
 * The submit button of a draft (rendered on the draft page by adm-core's views) and the page a
 * refused submission shows. The form carries a hidden Idempotency-Key generated when the page is
 * rendered, so a double click or a resent form returns the same receipt.
 */
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, Form, Notice } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import { newIdempotencyKey } from './idempotency.ts';

export function submitPath(applicationId: string): string {
  return `/admission/applications/${applicationId}/submit`;
}

/** The "submit" form of a draft: one short POST at the opening minute. */
export function SubmitDraftForm(props: { applicationId: string; applicationVersion: number; idempotencyKey?: string; label?: Message }) {
  const t = useT();
  return (
    <Form action={submitPath(props.applicationId)} aria-label={t({ ru: 'Отправка заявления', en: 'Submitting the application' })}>
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey ?? newIdempotencyKey()} />
      <input type="hidden" name="applicationVersion" value={String(props.applicationVersion)} />
      <Button>{t(props.label ?? { ru: 'Отправить заявление', en: 'Submit the application' })}</Button>
    </Form>
  );
}

/** A submission that was refused: the reason, and for overload or limits a retry with the same key. */
export function SubmissionRefusedPage(props: {
  applicationId: string;
  message: Message;
  retryAfterSeconds: number | null;
  idempotencyKey: string;
  applicationVersion: number | null;
}) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Заявление не отправлено', en: 'The application was not submitted' })}</h1>
      <div class="error-summary" role="alert">
        <p>{t(props.message)}</p>
      </div>
      {props.retryAfterSeconds !== null && (
        <>
          <Notice>
            {t({
              ru: `Черновик сохранён. Через ${props.retryAfterSeconds} с нажмите «Отправить снова» — повторная отправка не создаст второе заявление.`,
              en: `The draft is kept. After ${props.retryAfterSeconds} s press “Submit again” — resending never creates a second application.`,
            })}
          </Notice>
          <Form action={submitPath(props.applicationId)} aria-label={t({ ru: 'Повторная отправка', en: 'Submitting again' })}>
            <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
            {props.applicationVersion !== null && <input type="hidden" name="applicationVersion" value={String(props.applicationVersion)} />}
            <Button>{t({ ru: 'Отправить снова', en: 'Submit again' })}</Button>
          </Form>
        </>
      )}
      <p>
        <a href={`/admission/applications/${props.applicationId}`}>{t({ ru: 'Вернуться к заявлению', en: 'Back to the application' })}</a>
      </p>
    </>
  );
}
