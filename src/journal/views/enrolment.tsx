/** Movement of pupils: the admission form, a pupil's history with transfer and leaving, and the search results. */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export const movementLabels: Record<string, Message> = {
  document: { ru: 'СНИЛС или свидетельство о рождении ребёнка', en: 'The child’s SNILS or birth certificate' },
  pupilId: { ru: 'Ребёнок', en: 'Child' },
  on: { ru: 'Дата', en: 'Date' },
  orderNumber: { ru: 'Номер приказа', en: 'Order number' },
  orderIssuedOn: { ru: 'Дата приказа', en: 'Order date' },
  toClassId: { ru: 'Класс', en: 'Class' },
  classId: { ru: 'Класс', en: 'Class' },
  reason: { ru: 'Основание', en: 'Reason' },
  request: { ru: 'Запрос', en: 'Request' },
};

export interface MovementValues {
  document?: string;
  on: string;
  orderNumber: string;
  orderIssuedOn: string;
  toClassId?: string;
  reason?: string;
}

function OrderFields(props: { values: MovementValues; errors: FieldErrors; dateLabel: Message }) {
  return (
    <>
      <TextField name="on" type="date" label={props.dateLabel} value={props.values.on} error={props.errors['on']} required />
      <TextField name="orderNumber" label={movementLabels['orderNumber']!} value={props.values.orderNumber} error={props.errors['orderNumber']} maxlength={50} required />
      <TextField name="orderIssuedOn" type="date" label={movementLabels['orderIssuedOn']!} value={props.values.orderIssuedOn} error={props.errors['orderIssuedOn']} required />
    </>
  );
}

export function AdmitView(props: { classId: string; className: string; schoolName: string; values: MovementValues; errors: FieldErrors }) {
  const t = useT();
  return (
    <>
      <p>
        <a href={`/journal/classes/${props.classId}`}>← {t({ ru: 'Класс {name}', en: 'Class {name}' }, { name: props.className })}</a>
      </p>
      <h1>{t({ ru: 'Зачисление в {name}', en: 'Admission to {name}' }, { name: props.className })}</h1>
      <p>{props.schoolName}</p>
      <p>{t({ ru: 'Ребёнок уже есть в региональном реестре: найдите его по документу. Если он учится в другой школе, там его пребывание закроется переводом.', en: 'The child is already in the regional registry: find them by a document. If they study at another school, their stay there closes as a transfer.' })}</p>
      <ErrorSummary errors={props.errors} labels={movementLabels} />
      <Form action={`/journal/classes/${props.classId}/admit`} aria-label={t({ ru: 'Зачисление', en: 'Admission' })}>
        <TextField name="document" label={movementLabels['document']!} hint={{ ru: 'СНИЛС (11 цифр) или серия и номер свидетельства, например IV-АГ 123456', en: 'SNILS (11 digits) or certificate series and number, e.g. IV-АГ 123456' }} value={props.values.document} error={props.errors['document'] ?? props.errors['pupilId']} maxlength={40} required />
        <OrderFields values={props.values} errors={props.errors} dateLabel={{ ru: 'Дата зачисления', en: 'Admitted from' }} />
        <Button>{t({ ru: 'Зачислить', en: 'Admit' })}</Button>
      </Form>
    </>
  );
}

export interface HistoryRow {
  id: string;
  className: string;
  yearName: string;
  schoolName: string;
  startsOn: string;
  endsOn: string | null;
  startReason: string;
  endReason: string | null;
  startOrder: string | null;
  endOrder: string | null;
}

export function PupilView(props: {
  pupilId: string;
  name: string;
  birthDate: string;
  current: { classId: string; className: string; schoolName: string } | null;
  history: HistoryRow[];
  canMove: boolean;
  classes: SelectOption[];
  transfer: { values: MovementValues; errors: FieldErrors };
  leave: { values: MovementValues; errors: FieldErrors };
  notice: string | null;
}) {
  const t = useT();
  const reasons: SelectOption[] = [
    { value: 'leaving', label: t({ ru: 'Отчисление', en: 'Leaving' }) },
    { value: 'transferOut', label: t({ ru: 'Перевод в другую организацию', en: 'Transfer to another organisation' }) },
    { value: 'graduation', label: t({ ru: 'Окончание обучения', en: 'Graduation' }) },
  ];
  return (
    <>
      {props.current && (
        <p>
          <a href={`/journal/classes/${props.current.classId}`}>← {t({ ru: 'Класс {name}', en: 'Class {name}' }, { name: props.current.className })}</a>
        </p>
      )}
      <h1>{props.name}</h1>
      <p>
        {t({ ru: 'Дата рождения: {date}', en: 'Born: {date}' }, { date: props.birthDate })}.{' '}
        {props.current
          ? t({ ru: 'Учится: {school}, {cls}', en: 'Studies at: {school}, {cls}' }, { school: props.current.schoolName, cls: props.current.className })
          : t({ ru: 'Сейчас не зачислен ни в один класс.', en: 'Not enrolled in any class now.' })}
      </p>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <Table caption={t({ ru: 'История движения', en: 'Movement history' })} headers={[t({ ru: 'Год', en: 'Year' }), t({ ru: 'Школа', en: 'School' }), t({ ru: 'Класс', en: 'Class' }), t({ ru: 'С', en: 'From' }), t({ ru: 'По', en: 'To' }), t({ ru: 'Основание', en: 'Reason' }), t({ ru: 'Приказы', en: 'Orders' })]}>
        {props.history.map((h) => (
          <tr key={h.id}>
            <td>{h.yearName}</td>
            <td>{h.schoolName}</td>
            <td>{h.className}</td>
            <td>{h.startsOn}</td>
            <td>{h.endsOn ?? '—'}</td>
            <td>
              {h.startReason}
              {h.endReason ? ` → ${h.endReason}` : ''}
            </td>
            <td>
              {h.startOrder ?? '—'}
              {h.endOrder ? ` / ${h.endOrder}` : ''}
            </td>
          </tr>
        ))}
      </Table>
      {props.canMove && props.current && (
        <>
          <h2>{t({ ru: 'Перевод в другой класс школы', en: 'Transfer to another class of the school' })}</h2>
          <p class="hint">{t({ ru: 'Перевод в другую школу оформляет принимающая школа (зачисление).', en: 'A transfer to another school is made by the receiving school (admission).' })}</p>
          <ErrorSummary errors={props.transfer.errors} labels={movementLabels} />
          <Form action={`/journal/pupils/${props.pupilId}/transfer`} aria-label={t({ ru: 'Перевод', en: 'Transfer' })}>
            <SelectField name="toClassId" label={movementLabels['toClassId']!} options={props.classes} value={props.transfer.values.toClassId} error={props.transfer.errors['toClassId']} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
            <OrderFields values={props.transfer.values} errors={props.transfer.errors} dateLabel={{ ru: 'Дата перевода', en: 'Transferred from' }} />
            <Button>{t({ ru: 'Перевести', en: 'Transfer' })}</Button>
          </Form>
          <h2>{t({ ru: 'Отчисление', en: 'Leaving' })}</h2>
          <ErrorSummary errors={props.leave.errors} labels={movementLabels} />
          <Form action={`/journal/pupils/${props.pupilId}/leave`} aria-label={t({ ru: 'Отчисление', en: 'Leaving' })}>
            <SelectField name="reason" label={movementLabels['reason']!} options={reasons} value={props.leave.values.reason ?? 'leaving'} error={props.leave.errors['reason']} />
            <OrderFields values={props.leave.values} errors={props.leave.errors} dateLabel={{ ru: 'Не обучается с', en: 'No longer in the class from' }} />
            <Button kind="warning">{t({ ru: 'Отчислить', en: 'Record leaving' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

export function PupilSearchView(props: {
  organizationId: string;
  schoolName: string;
  q: string;
  items: Array<{ id: string; name: string; birthDate: string; className: string | null }>;
  nextAfter: string | null;
}) {
  const t = useT();
  return (
    <>
      <p>
        <a href={`/journal/school?organizationId=${props.organizationId}`}>← {t({ ru: 'Учебные годы', en: 'Academic years' })}</a>
      </p>
      <h1>{t({ ru: 'Поиск обучающихся', en: 'Find pupils' })}</h1>
      <p>{props.schoolName}</p>
      <Form action="/journal/school/search" aria-label={t({ ru: 'Поиск обучающегося', en: 'Find a pupil' })}>
        <input type="hidden" name="organizationId" value={props.organizationId} />
        <TextField name="q" type="search" label={{ ru: 'Фамилия, имя или номер документа', en: 'Name or document number' }} value={props.q} maxlength={100} />
        <Button kind="secondary">{t({ ru: 'Найти', en: 'Find' })}</Button>
      </Form>
      {props.items.length === 0 ? (
        <p>{t({ ru: 'Никого не найдено.', en: 'Nobody found.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Найденные обучающиеся', en: 'Pupils found' })} headers={[t({ ru: 'Обучающийся', en: 'Pupil' }), t({ ru: 'Дата рождения', en: 'Born' }), t({ ru: 'Класс', en: 'Class' })]}>
          {props.items.map((p) => (
            <tr key={p.id}>
              <td>
                <a href={`/journal/pupils/${p.id}`}>{p.name}</a>
              </td>
              <td>{p.birthDate}</td>
              <td>{p.className ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
      {props.nextAfter && (
        <Form action="/journal/school/search" aria-label={t({ ru: 'Следующая страница', en: 'Next page' })}>
          <input type="hidden" name="organizationId" value={props.organizationId} />
          <input type="hidden" name="q" value={props.q} />
          <input type="hidden" name="after" value={props.nextAfter} />
          <Button kind="secondary">{t({ ru: 'Следующая страница', en: 'Next page' })}</Button>
        </Form>
      )}
    </>
  );
}
