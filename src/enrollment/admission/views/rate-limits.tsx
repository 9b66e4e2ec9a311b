/**
 * The regional administrator's page of the admission rate limits: the limits in force, the form
 * that changes them (one group of two numbers per limit), and when a change takes effect.
 */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatNumber, type Locale } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import {
  rateActionNames,
  rateRuleBounds,
  rateRuleFieldLabels,
  rateRuleFieldName,
  rateRuleFields,
  rateRuleFormLabels,
  rateScopeNames,
  type RateRuleRow,
} from '../rate-limit.service.ts';

/** 3600 → '1 ч', 5400 → '1 ч 30 мин', 86400 → '1 сут.' */
export function describeWindow(seconds: number, locale: Locale): string {
  const units: Array<[number, string, string]> = [
    [86_400, 'сут.', 'd'],
    [3_600, 'ч', 'h'],
    [60, 'мин', 'min'],
    [1, 'с', 's'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, ru, en] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${locale === 'ru' ? ru : en}`);
  }
  return parts.join(' ') || `0 ${locale === 'ru' ? 'с' : 's'}`;
}

export interface RateLimitsViewProps {
  rules: RateRuleRow[];
  values: Record<string, string>;
  errors: FieldErrors;
  saved: boolean;
  /** How long a process keeps the limits it read (rate-limit.ts RATE_RULES_TTL_MS), in seconds. */
  refreshSeconds: number;
}

export function RateLimitsView(props: RateLimitsViewProps) {
  const t = useT();
  const { locale } = usePage();
  const title = t({ ru: 'Ограничения частоты заявлений', en: 'Admission rate limits' });
  return (
    <>
      <p>
        <a href="/admission">← {t({ ru: 'Приём в 1 класс', en: 'First-grade admission' })}</a>
      </p>
      <h1>{title}</h1>
      {props.saved && <Notice kind="success">{t({ ru: 'Ограничения сохранены.', en: 'The limits are saved.' })}</Notice>}
      <p>
        {t({
          ru: 'Сколько раз за окно времени можно подать заявление или сохранить черновик с одной учётной записи и для одного адреса (дом и квартира). Сверх ограничения сервер отвечает «Слишком много попыток… Повторите через N мин.» (HTTP 429 с заголовком Retry-After) до конца окна. Окна фиксированные, а не от первой попытки: окно в 1 час начинается в начале каждого часа, окно в сутки — в 03:00 по московскому времени (полночь UTC).',
          en: 'How many times per window an application may be submitted or a draft saved from one account and for one address (house and apartment). Over the limit the server answers "Too many attempts… Try again in N min." (HTTP 429 with Retry-After) until the window ends. Windows are fixed, not counted from the first attempt: a 1-hour window starts at the top of each hour, a 1-day window at 03:00 Moscow time (midnight UTC).',
        })}
      </p>
      <Notice>
        {t(
          {
            ru: 'Изменения действуют сразу на сервере, который их сохранил, и не позднее чем через {n} с — на каждом процессе сервера: процессы перечитывают ограничения из базы данных не реже раза в {n} с. Попытки, уже посчитанные в текущем окне, сохраняются, если новое окно начинается в тот же момент (например, при изменении только числа попыток).',
            en: 'Changes apply at once on the server that saved them and within {n} s on every server process: the processes re-read the limits from the database at least every {n} s. Attempts already counted in the current window still count if the new window starts at the same moment (for example, when only the number of attempts changes).',
          },
          { n: props.refreshSeconds },
        )}
      </Notice>
      <Table
        caption={t({ ru: 'Действующие ограничения', en: 'Limits in force' })}
        headers={[t({ ru: 'Действие', en: 'Action' }), t({ ru: 'Для кого', en: 'Scope' }), t({ ru: 'Окно', en: 'Window' }), t({ ru: 'Не более попыток', en: 'At most attempts' })]}
      >
        {props.rules.map((r) => (
          <tr key={`${r.action}-${r.scope}`}>
            <td>{t(rateActionNames[r.action])}</td>
            <td>{t(rateScopeNames[r.scope])}</td>
            <td>
              {formatNumber(locale, r.windowSeconds)} {t({ ru: 'с', en: 's' })} ({describeWindow(r.windowSeconds, locale)})
            </td>
            <td>{formatNumber(locale, r.maxHits)}</td>
          </tr>
        ))}
      </Table>
      <h2>{t({ ru: 'Изменить ограничения', en: 'Change the limits' })}</h2>
      <ErrorSummary errors={props.errors} labels={rateRuleFormLabels()} />
      <Form action="/admission/rate-limits" aria-label={title}>
        {props.rules.map((r) => (
          <fieldset class="fieldset" key={`${r.action}-${r.scope}`}>
            <legend>
              {t(rateActionNames[r.action])} {t(rateScopeNames[r.scope])}
            </legend>
            {rateRuleFields.map((f) => {
              const name = rateRuleFieldName(r.action, r.scope, f);
              const { min, max } = rateRuleBounds[f];
              return (
                <TextField
                  key={name}
                  name={name}
                  label={rateRuleFieldLabels[f]}
                  value={props.values[name] ?? String(r[f])}
                  error={props.errors[name]}
                  inputmode="numeric"
                  maxlength={9}
                  required
                  hint={{ ru: `от ${formatNumber('ru', min)} до ${formatNumber('ru', max)}`, en: `${formatNumber('en', min)} to ${formatNumber('en', max)}` }}
                />
              );
            })}
          </fieldset>
        ))}
        <Button>{t({ ru: 'Сохранить ограничения', en: 'Save the limits' })}</Button>
      </Form>
    </>
  );
}
