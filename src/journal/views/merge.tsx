/** The duplicate-merge tool: pick two records, see them side by side, keep one. */
import type { FieldErrors } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, Table, TextField } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export interface MergeSide {
  id: string;
  fields: Array<[string, string]>;
  references: Array<[string, number]>;
  mergedInto: string | null;
}

export function MergePickView(props: { values: { a: string; b: string }; errors: FieldErrors }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Объединение дублей', en: 'Merge duplicates' })}</h1>
      <p>{t({ ru: 'Ребёнок существует в регионе один раз. Если на одного человека заведены две записи, выберите их — по номеру записи, СНИЛС или свидетельству о рождении.', en: 'A child exists once in the region. If one person has two records, pick them by record id, SNILS or birth certificate.' })}</p>
      <ErrorSummary errors={props.errors} labels={{ a: { ru: 'Первая запись', en: 'First record' }, b: { ru: 'Вторая запись', en: 'Second record' } }} />
      <Form action="/registry/merge/compare" aria-label={t({ ru: 'Выбор записей', en: 'Pick the records' })}>
        <TextField name="a" label={{ ru: 'Первая запись', en: 'First record' }} hint={{ ru: 'Номер записи, СНИЛС или серия и номер свидетельства', en: 'Record id, SNILS or certificate series and number' }} value={props.values.a} error={props.errors['a']} maxlength={60} required />
        <TextField name="b" label={{ ru: 'Вторая запись', en: 'Second record' }} value={props.values.b} error={props.errors['b']} maxlength={60} required />
        <Button>{t({ ru: 'Сравнить', en: 'Compare' })}</Button>
      </Form>
    </>
  );
}

export function MergeCompareView(props: { sides: [MergeSide, MergeSide]; errors: FieldErrors }) {
  const t = useT();
  const [a, b] = props.sides;
  const rows = a.fields.map(([label, value], i) => [label, value, b.fields[i]?.[1] ?? ''] as const);
  const refs = [...new Set([...a.references.map(([k]) => k), ...b.references.map(([k]) => k)])].sort();
  const count = (side: MergeSide, key: string) => side.references.find(([k]) => k === key)?.[1] ?? 0;
  return (
    <>
      <p>
        <a href="/registry/merge">← {t({ ru: 'Выбрать другие записи', en: 'Pick other records' })}</a>
      </p>
      <h1>{t({ ru: 'Сравнение записей', en: 'Compare the records' })}</h1>
      <ErrorSummary errors={props.errors} labels={{}} />
      <Table caption={t({ ru: 'Записи рядом', en: 'The records side by side' })} headers={[t({ ru: 'Поле', en: 'Field' }), 'A', 'B']}>
        {rows.map(([label, va, vb]) => (
          <tr key={label} class={va !== vb ? 'row--differs' : undefined}>
            <th scope="row">{label}</th>
            <td>{va || '—'}</td>
            <td>{vb || '—'}</td>
          </tr>
        ))}
      </Table>
      <Table caption={t({ ru: 'Что ссылается на запись', en: 'What refers to each record' })} headers={[t({ ru: 'Таблица и поле', en: 'Table and column' }), 'A', 'B']}>
        {refs.map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{count(a, k)}</td>
            <td>{count(b, k)}</td>
          </tr>
        ))}
      </Table>
      {a.mergedInto || b.mergedInto ? (
        <Notice>
          <p>{t({ ru: 'Одна из записей уже объединена с другой.', en: 'One of the records has already been merged.' })}</p>
        </Notice>
      ) : (
        <>
          <h2>{t({ ru: 'Какую запись оставить?', en: 'Which record to keep?' })}</h2>
          <p>{t({ ru: 'Все ссылки на другую запись перейдут к оставленной, недостающие документы будут перенесены, другая запись будет помечена как объединённая. Действие записывается в журнал аудита.', en: 'Every reference to the other record moves to the kept one, missing documents are taken over, and the other is marked merged. The action is audited.' })}</p>
          <Form action="/registry/merge" aria-label={t({ ru: 'Оставить A', en: 'Keep A' })}>
            <input type="hidden" name="keptPersonId" value={a.id} />
            <input type="hidden" name="mergedPersonId" value={b.id} />
            <Button kind="warning">{t({ ru: 'Оставить A, объединить с ней B', en: 'Keep A, merge B into it' })}</Button>
          </Form>
          <Form action="/registry/merge" aria-label={t({ ru: 'Оставить B', en: 'Keep B' })}>
            <input type="hidden" name="keptPersonId" value={b.id} />
            <input type="hidden" name="mergedPersonId" value={a.id} />
            <Button kind="warning">{t({ ru: 'Оставить B, объединить с ней A', en: 'Keep B, merge A into it' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

export function MergeDoneView(props: { keptPersonId: string; moved: Array<[string, number]>; dropped: Array<[string, number]>; takenOver: string[] }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Записи объединены', en: 'Records merged' })}</h1>
      <Notice kind="success">
        <p>{t({ ru: 'Оставлена запись {id}.', en: 'Kept record {id}.' }, { id: props.keptPersonId })}</p>
      </Notice>
      <Table caption={t({ ru: 'Перенесено', en: 'Moved' })} headers={[t({ ru: 'Таблица и поле', en: 'Table and column' }), t({ ru: 'Строк', en: 'Rows' })]}>
        {props.moved.map(([k, n]) => (
          <tr key={k}>
            <td>{k}</td>
            <td>{n}</td>
          </tr>
        ))}
      </Table>
      {props.dropped.length > 0 && (
        <Table caption={t({ ru: 'Совпавшие сведения (удалены как повтор)', en: 'Same facts (dropped as repeats)' })} headers={[t({ ru: 'Таблица и поле', en: 'Table and column' }), t({ ru: 'Строк', en: 'Rows' })]}>
          {props.dropped.map(([k, n]) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{n}</td>
            </tr>
          ))}
        </Table>
      )}
      {props.takenOver.length > 0 && <p>{t({ ru: 'Перенесены поля: {f}', en: 'Fields taken over: {f}' }, { f: props.takenOver.join(', ') })}</p>}
      <p>
        <a href={`/people/${props.keptPersonId}`}>{t({ ru: 'Открыть оставленную запись', en: 'Open the kept record' })}</a>
      </p>
    </>
  );
}
