/** Year-end promotion: the preview of every class of the year with a choice per pupil, and the order that carries it out. */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import type { PromotionChoice, PromotionCounts } from '../promotion.service.ts';
import { movementLabels } from './enrolment.tsx';
import { YearNav } from './year.tsx';

export const promotionLabels: Record<string, Message> = {
  orderNumber: movementLabels['orderNumber']!,
  orderIssuedOn: movementLabels['orderIssuedOn']!,
  plan: { ru: 'Перевод', en: 'Promotion' },
};

export interface PromotionPupilRow {
  id: string;
  name: string;
  choice: PromotionChoice;
  allowed: PromotionChoice[];
  /** Where the pupil goes: a class name, or null (leaves or stays for now). */
  target: string | null;
}

export interface PromotionClassRow {
  id: string;
  name: string;
  grade: number;
  teacherName: string | null;
  /** The class it becomes in the next year (null for grade 11). */
  next: { name: string; exists: boolean; created: boolean; teacherName: string | null; teacherValue: string } | null;
  pupils: PromotionPupilRow[];
}

function choiceLabel(choice: PromotionChoice, grade: number): Message {
  switch (choice) {
    case 'move':
      return { ru: 'Переводится', en: 'Promoted' };
    case 'repeat':
      return { ru: 'Оставлен на повторное обучение', en: 'Held back' };
    case 'leave':
      return grade >= 11 ? { ru: 'Выпуск (окончил школу)', en: 'Graduates (finished school)' } : { ru: 'Выбывает (окончил 9 классов)', en: 'Leaves (finished grade 9)' };
    case 'skip':
      return { ru: 'Не переводить сейчас', en: 'Not in this order' };
  }
}

function CountsText(props: { counts: PromotionCounts }) {
  const t = useT();
  const c = props.counts;
  return (
    <ul>
      <li>{t({ ru: 'Переводятся в следующий класс: {n}', en: 'Promoted: {n}' }, { n: c.moved })}</li>
      <li>{t({ ru: 'Оставлены на повторное обучение: {n}', en: 'Held back: {n}' }, { n: c.heldBack })}</li>
      <li>{t({ ru: 'Выпуск и выбытие: {n}', en: 'Graduating or leaving: {n}' }, { n: c.graduated })}</li>
      <li>{t({ ru: 'Не переводятся этим приказом: {n}', en: 'Not in this order: {n}' }, { n: c.skipped })}</li>
      <li>{t({ ru: 'Новых классов: {n}', en: 'New classes: {n}' }, { n: c.classesCreated })}</li>
    </ul>
  );
}

export function PromotionView(props: {
  fromYearId: string;
  fromYearName: string;
  fromYearEndsOn: string;
  toYearId: string | null;
  toYearName: string;
  toYearStartsOn: string;
  schoolName: string;
  classes: PromotionClassRow[];
  counts: PromotionCounts;
  newClasses: string[];
  teachers: SelectOption[];
  values: { orderNumber: string; orderIssuedOn: string };
  errors: FieldErrors;
  /** After a promotion: what it did. */
  done: PromotionCounts | null;
}) {
  const t = useT();
  const work = props.counts.moved + props.counts.heldBack + props.counts.graduated > 0;
  return (
    <>
      <p>
        <a href={`/journal/years/${props.fromYearId}/classes`}>← {t({ ru: 'Классы {year}', en: 'Classes {year}' }, { year: props.fromYearName })}</a>
      </p>
      <h1>{t({ ru: 'Перевод в следующий учебный год', en: 'Promotion to the next school year' })}</h1>
      <p>
        {props.schoolName}: {props.fromYearName} → {props.toYearName}
      </p>
      <YearNav yearId={props.fromYearId} current="classes" />
      {props.done && (
        <Notice kind="success">
          <h2>{t({ ru: 'Перевод проведён', en: 'Promotion done' })}</h2>
          <CountsText counts={props.done} />
          {props.toYearId && (
            <p>
              <a href={`/journal/years/${props.toYearId}/classes`}>{t({ ru: 'Классы {year}', en: 'Classes {year}' }, { year: props.toYearName })}</a>
            </p>
          )}
        </Notice>
      )}
      <p>
        {t(
          {
            ru: 'Пребывание каждого переводимого в классе закончится {end}, в новом классе начнётся {start}. Классы следующей параллели с той же буквой создаются, если их ещё нет; классный руководитель переходит вместе с классом. Ничего не записывается, пока вы не проведёте перевод приказом.',
            en: 'Each promoted pupil’s stay ends on {end} and the new one begins on {start}. The next grade’s classes with the same letter are created if missing; the class teacher moves with the class. Nothing is written until you carry out the promotion by an order.',
          },
          { end: props.fromYearEndsOn, start: props.toYearStartsOn },
        )}
      </p>
      {props.toYearId === null && (
        <p>{t({ ru: 'Учебного года {year} ещё нет: он будет создан по графику края.', en: 'The year {year} does not exist yet: it will be created from the Krai’s calendar.' }, { year: props.toYearName })}</p>
      )}
      <ErrorSummary errors={props.errors} labels={promotionLabels} />
      <h2 id="field-plan" tabindex={-1}>
        {t({ ru: 'Итог', en: 'Summary' })}
      </h2>
      {props.errors['plan'] && <p class="field-error">{t(props.errors['plan'])}</p>}
      <CountsText counts={props.counts} />
      {props.newClasses.length > 0 && <p>{t({ ru: 'Будут созданы классы: {names}', en: 'Classes to create: {names}' }, { names: props.newClasses.join(', ') })}</p>}
      {props.classes.every((c) => c.pupils.length === 0) ? (
        <p>{t({ ru: 'В классах этого года нет обучающихся для перевода.', en: 'The classes of this year have no pupils to promote.' })}</p>
      ) : (
        <Form action={`/journal/years/${props.fromYearId}/promotion`} aria-label={t({ ru: 'Перевод в следующий учебный год', en: 'Promotion to the next school year' })}>
          {props.classes
            .filter((c) => c.pupils.length > 0)
            .map((c) => (
              <section key={c.id} aria-labelledby={`class-${c.id}`}>
                <h2 id={`class-${c.id}`}>
                  {c.next ? `${c.name} → ${c.next.name}` : `${c.name} — ${t({ ru: 'выпуск', en: 'graduation' })}`}
                </h2>
                {c.next && (
                  <p>
                    {c.next.exists
                      ? t({ ru: 'Класс {name} уже есть; классный руководитель: {teacher}.', en: 'Class {name} exists; class teacher: {teacher}.' }, { name: c.next.name, teacher: c.next.teacherName ?? '—' })
                      : c.next.created
                        ? t({ ru: 'Класс {name} будет создан.', en: 'Class {name} will be created.' }, { name: c.next.name })
                        : t({ ru: 'Класс {name} не создаётся: в него никто не переходит.', en: 'Class {name} is not created: nobody goes there.' }, { name: c.next.name })}
                  </p>
                )}
                {c.next && !c.next.exists && c.next.created && (
                  <SelectField
                    name={`teacher.${c.id}`}
                    label={{ ru: `Классный руководитель ${c.next.name}`, en: `Class teacher of ${c.next.name}` }}
                    options={props.teachers}
                    value={c.next.teacherValue}
                    error={props.errors[`teacher.${c.id}`]}
                    emptyLabel={{ ru: '— не назначен —', en: '— none —' }}
                  />
                )}
                <Table
                  caption={t({ ru: 'Обучающиеся {name}', en: 'Pupils of {name}' }, { name: c.name })}
                  captionHidden
                  headers={['№', t({ ru: 'Обучающийся', en: 'Pupil' }), t({ ru: 'Решение', en: 'Decision' }), t({ ru: 'Куда', en: 'Goes to' })]}
                >
                  {c.pupils.map((p, i) => (
                    <tr key={p.id}>
                      <td>{i + 1}</td>
                      <td>{p.name}</td>
                      <td>
                        <label for={`pupil-${p.id}`} class="visually-hidden">
                          {t({ ru: 'Решение: {name}', en: 'Decision: {name}' }, { name: p.name })}
                        </label>
                        <select id={`pupil-${p.id}`} name={`pupil.${p.id}`}>
                          {p.allowed.map((choice) => (
                            <option key={choice} value={choice} selected={choice === p.choice}>
                              {t(choiceLabel(choice, c.grade))}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>{p.target ?? (p.choice === 'skip' ? t({ ru: 'остаётся в {name}', en: 'stays in {name}' }, { name: c.name }) : '—')}</td>
                    </tr>
                  ))}
                </Table>
              </section>
            ))}
          <p class="hint">{t({ ru: 'Изменили решения — пересчитайте итог перед проведением.', en: 'Changed decisions? Recalculate the summary before carrying out.' })}</p>
          <Button kind="secondary" name="step" value="preview">
            {t({ ru: 'Пересчитать', en: 'Recalculate' })}
          </Button>
          {work && (
            <>
              <h2>{t({ ru: 'Приказ о переводе', en: 'The promotion order' })}</h2>
              <TextField name="orderNumber" label={promotionLabels['orderNumber']!} value={props.values.orderNumber} error={props.errors['orderNumber']} maxlength={50} required />
              <TextField name="orderIssuedOn" type="date" label={promotionLabels['orderIssuedOn']!} value={props.values.orderIssuedOn} error={props.errors['orderIssuedOn']} required />
              <Button name="step" value="confirm">
                {t({ ru: 'Провести перевод', en: 'Carry out the promotion' })}
              </Button>
            </>
          )}
        </Form>
      )}
    </>
  );
}
