/**
 * Examples of each design-system component. The render test and the accessibility test (on
 * the /design-system page, visited by the browser tests) loop over these.
 */
import type { VNode } from 'preact';
import { Button, ConflictSummary, ErrorSummary, Form, Notice, Pagination, SelectField, SummaryList, Table, TextField } from './components.tsx';

export interface ComponentExample {
  name: string;
  render: () => VNode;
}

const hostileText = '<script>alert("x")</script> «кавычки» & амперсанд';

export const componentExamples: ComponentExample[] = [
  {
    name: 'TextField',
    render: () => <TextField name="shortName" label={{ ru: 'Краткое наименование', en: 'Short name' }} value={hostileText} required />,
  },
  {
    name: 'TextField with hint and error',
    render: () => (
      <TextField
        name="inn"
        label={{ ru: 'ИНН', en: 'INN' }}
        value="7707083894"
        hint={{ ru: '10 цифр', en: '10 digits' }}
        error={{ ru: 'Контрольная цифра ИНН не сходится', en: 'The INN check digit does not match' }}
        inputmode="numeric"
      />
    ),
  },
  {
    name: 'SelectField',
    render: () => (
      <SelectField
        name="kind"
        label={{ ru: 'Тип организации', en: 'Kind' }}
        options={[
          { value: 'school', label: 'Школа' },
          { value: 'kindergarten', label: 'Детский сад' },
        ]}
        value="school"
        emptyLabel={{ ru: 'Любой', en: 'Any' }}
      />
    ),
  },
  {
    name: 'ErrorSummary',
    render: () => (
      <ErrorSummary
        errors={{ inn: { ru: 'Контрольная цифра ИНН не сходится', en: 'Bad INN' } }}
        labels={{ inn: { ru: 'ИНН', en: 'INN' } }}
      />
    ),
  },
  {
    name: 'Form with button',
    render: () => (
      <Form action="/design-system" aria-label="Пример формы">
        <TextField name="example" label={{ ru: 'Пример', en: 'Example' }} />
        <Button>Сохранить</Button>
      </Form>
    ),
  },
  { name: 'Notice', render: () => <Notice kind="success">Изменения сохранены</Notice> },
  { name: 'Pagination', render: () => <Pagination previousHref="/design-system?page=1" nextHref="/design-system?page=3" /> },
  {
    name: 'Table',
    render: () => (
      <Table caption="Организации" headers={['Наименование', 'Муниципалитет']}>
        <tr>
          <td>{hostileText}</td>
          <td>город Краснодар</td>
        </tr>
      </Table>
    ),
  },
  { name: 'SummaryList', render: () => <SummaryList rows={[['ИНН', '7707083893'], ['Сайт', null]]} /> },
  {
    name: 'ConflictSummary',
    render: () => (
      <ConflictSummary
        message={{ ru: 'Пока вы редактировали, запись изменил другой пользователь. Ваши изменения не сохранены.', en: 'Someone else changed the record while you were editing.' }}
        differences={[['Номер акта', hostileText]]}
      />
    ),
  },
];

export { hostileText };
