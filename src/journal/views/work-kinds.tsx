/**
 * The regional list of kinds of work and their weights: the list (with the add form for the
 * regional administrator) and one kind's page (rename, reweigh, deactivate, delete while unused).
 */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Table, TextField } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';

export interface WorkKindItem {
  code: string;
  nameRu: string;
  nameEn: string;
  weight: string;
  sort: number;
  active: boolean;
}

const labels: Record<string, Message> = {
  code: { ru: 'Код', en: 'Code' },
  nameRu: { ru: 'Название', en: 'Name in Russian' },
  nameEn: { ru: 'Название по-английски', en: 'Name in English' },
  weight: { ru: 'Вес', en: 'Weight' },
  sort: { ru: 'Порядок в списке', en: 'Order in the list' },
};

const weightHint: Message = { ru: 'От 0,5 до 5, с шагом 0,1; например 1,5', en: 'From 0.5 to 5 in steps of 0.1, e.g. 1.5' };

/** A weight as people write it: '1,5' in Russian. */
export function weightText(weight: string, locale: 'ru' | 'en'): string {
  const n = Number(weight);
  const text = Number.isInteger(n) ? String(n) : n.toFixed(1);
  return locale === 'ru' ? text.replace('.', ',') : text;
}

/** What a change of weight does (and does not do): said on both pages. */
function WeightRule() {
  const t = useT();
  return (
    <p>
      {t({
        ru: 'Вес вида работы учитывается в средневзвешенном балле, который предлагается учителю для итоговой отметки. Новый вес действует для отметок, выставленных после изменения: уже выставленные отметки сохраняют прежний вес, и рассчитанные по ним средние не меняются.',
        en: 'A kind’s weight counts in the weighted average suggested to the teacher for a final mark. A new weight applies to marks given after the change: marks already given keep their weight, and the averages computed from them do not change.',
      })}
    </p>
  );
}

function WorkKindFields(props: { values: Record<string, string>; errors: FieldErrors; withCode: boolean }) {
  return (
    <>
      {props.withCode && (
        <TextField name="code" label={{ ru: 'Код (латиница, не меняется)', en: 'Code (Latin letters, permanent)' }} value={props.values.code} error={props.errors.code} maxlength={40} required />
      )}
      <TextField name="nameRu" label={labels.nameRu!} value={props.values.nameRu} error={props.errors.nameRu} maxlength={200} required />
      <TextField name="nameEn" label={labels.nameEn!} value={props.values.nameEn} error={props.errors.nameEn} maxlength={200} required />
      <TextField name="weight" label={labels.weight!} hint={weightHint} value={props.values.weight} error={props.errors.weight} inputmode="text" maxlength={4} required />
      <TextField name="sort" label={labels.sort!} value={props.values.sort} error={props.errors.sort} inputmode="numeric" maxlength={7} />
    </>
  );
}

export function WorkKindsView(props: { kinds: WorkKindItem[]; canEdit: boolean; values: Record<string, string>; errors: FieldErrors; notice: string | null }) {
  const t = useT();
  const locale = usePage().locale;
  return (
    <>
      <h1>{t({ ru: 'Виды работ и веса отметок', en: 'Kinds of work and mark weights' })}</h1>
      <p>
        {t({
          ru: 'Региональный справочник: учитель выбирает вид работы для урока, и каждая отметка урока получает его вес.',
          en: 'The regional list: a teacher chooses the kind of work of a lesson, and each mark of the lesson takes its weight.',
        })}
      </p>
      <WeightRule />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <Table
        caption={t({ ru: 'Виды работ', en: 'Kinds of work' })}
        headers={[
          t({ ru: 'Название', en: 'Name' }),
          'English',
          t({ ru: 'Код', en: 'Code' }),
          t({ ru: 'Вес', en: 'Weight' }),
          t({ ru: 'Порядок', en: 'Order' }),
          t({ ru: 'Состояние', en: 'Status' }),
          ...(props.canEdit ? [t({ ru: 'Действия', en: 'Actions' })] : []),
        ]}
      >
        {props.kinds.map((k) => (
          <tr key={k.code} data-kind={k.code}>
            <td>{k.nameRu}</td>
            <td>{k.nameEn}</td>
            <td>{k.code}</td>
            <td>{weightText(k.weight, locale)}</td>
            <td>{k.sort}</td>
            <td>{k.active ? t({ ru: 'действует', en: 'active' }) : t({ ru: 'отключён', en: 'deactivated' })}</td>
            {props.canEdit && (
              <td>
                <a href={`/journal/work-kinds/${k.code}`}>
                  {t({ ru: 'Изменить', en: 'Edit' })}
                  <span class="visually-hidden"> {locale === 'ru' ? k.nameRu : k.nameEn}</span>
                </a>
              </td>
            )}
          </tr>
        ))}
      </Table>
      {props.canEdit && (
        <section aria-labelledby="add-kind-title">
          <h2 id="add-kind-title">{t({ ru: 'Добавить вид работы', en: 'Add a kind of work' })}</h2>
          <ErrorSummary errors={props.errors} labels={labels} />
          <Form action="/journal/work-kinds" aria-label={t({ ru: 'Новый вид работы', en: 'New kind of work' })}>
            <WorkKindFields values={props.values} errors={props.errors} withCode />
            <Button>{t({ ru: 'Добавить', en: 'Add' })}</Button>
          </Form>
        </section>
      )}
    </>
  );
}

export function WorkKindEditView(props: {
  kind: WorkKindItem;
  values: Record<string, string>;
  errors: FieldErrors;
  /** Why it cannot be deactivated, or null. */
  keepActive: Message | null;
  /** Whether marks or lessons use it (then it cannot be deleted). */
  inUse: boolean;
}) {
  const t = useT();
  const k = props.kind;
  const base = `/journal/work-kinds/${k.code}`;
  return (
    <>
      <p>
        <a href="/journal/work-kinds">← {t({ ru: 'Все виды работ', en: 'All kinds of work' })}</a>
      </p>
      <h1>{t({ ru: 'Вид работы: {name}', en: 'Kind of work: {name}' }, { name: k.nameRu })}</h1>
      <p>
        {t({ ru: 'Код {code}; сейчас {state}.', en: 'Code {code}; now {state}.' }, { code: k.code, state: k.active ? t({ ru: 'действует', en: 'active' }) : t({ ru: 'отключён', en: 'deactivated' }) })}
      </p>
      <WeightRule />
      <ErrorSummary errors={props.errors} labels={{ ...labels, kind: { ru: 'Вид работы', en: 'Kind of work' } }} />
      <Form action={base} aria-label={t({ ru: 'Название и вес', en: 'Name and weight' })}>
        <WorkKindFields values={props.values} errors={props.errors} withCode={false} />
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
      <section aria-labelledby="kind-active-title">
        <h2 id="kind-active-title">{k.active ? t({ ru: 'Отключить', en: 'Deactivate' }) : t({ ru: 'Включить снова', en: 'Activate again' })}</h2>
        {k.active && props.keepActive ? (
          <p>{t(props.keepActive)}</p>
        ) : (
          <>
            <p>
              {k.active
                ? t({
                    ru: 'Отключённый вид работы нельзя выбрать для урока; уроки и отметки, где он уже указан, сохраняют его.',
                    en: 'A deactivated kind cannot be chosen for a lesson; lessons and marks that have it keep it.',
                  })
                : t({ ru: 'Учителя снова смогут выбирать этот вид работы.', en: 'Teachers will be able to choose this kind again.' })}
            </p>
            <Form action={`${base}/active`} aria-label={k.active ? t({ ru: 'Отключить', en: 'Deactivate' }) : t({ ru: 'Включить снова', en: 'Activate again' })}>
              <input type="hidden" name="active" value={k.active ? 'false' : 'true'} />
              <Button kind={k.active ? 'warning' : 'secondary'}>{k.active ? t({ ru: 'Отключить вид работы', en: 'Deactivate the kind' }) : t({ ru: 'Включить вид работы', en: 'Activate the kind' })}</Button>
            </Form>
          </>
        )}
      </section>
      <section aria-labelledby="kind-delete-title">
        <h2 id="kind-delete-title">{t({ ru: 'Удалить', en: 'Delete' })}</h2>
        {props.inUse || props.keepActive ? (
          <p>
            {props.keepActive
              ? t(props.keepActive)
              : t({
                  ru: 'Этот вид работы уже использован в отметках или уроках: удалить его нельзя, можно только отключить.',
                  en: 'This kind of work is already used by marks or lessons: it cannot be deleted, only deactivated.',
                })}
          </p>
        ) : (
          <>
            <p>{t({ ru: 'Вид работы ещё нигде не использован и может быть удалён.', en: 'This kind of work is not used yet and can be deleted.' })}</p>
            <Form action={`${base}/delete`} aria-label={t({ ru: 'Удалить', en: 'Delete' })}>
              <Button kind="warning">{t({ ru: 'Удалить вид работы', en: 'Delete the kind' })}</Button>
            </Form>
          </>
        )}
      </section>
    </>
  );
}
