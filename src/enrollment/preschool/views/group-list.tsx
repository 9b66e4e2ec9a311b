/**
 * Groups of kindergartens: a head sees their kindergarten's, an operator their municipality's
 * (filter by kindergarten, approve the plan). Buttons are shown only where the policy allows.
 */
import { Button, Form, Notice, Pagination, SelectField, Table, type SelectOption } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import { planStatusNames, type GroupRow } from '../group.service.ts';

export interface GroupListRow {
  group: GroupRow;
  kindergartenName: string;
  ageGroupName: string;
  orientationName: string;
  stayModeName: string;
  canEdit: boolean;
  canApprove: boolean;
}

export function GroupListView(props: {
  rows: GroupListRow[];
  kindergartens: SelectOption[];
  selectedKindergarten: string;
  /** Kindergarten in which the actor may add groups (the filter's, or their only one). */
  addFor: string | null;
  /** Set when the filter names a kindergarten whose whole draft plan the actor may approve. */
  approveAllFor: string | null;
  nextHref: string | null;
  firstHref: string | null;
  notice: string | null;
}) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Группы детских садов', en: 'Kindergarten groups' })}</h1>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      {props.kindergartens.length > 1 && (
        <Form action="/preschool/groups" method="get" class="filters" aria-label={t({ ru: 'Фильтр', en: 'Filter' })}>
          <SelectField
            name="organizationId"
            label={{ ru: 'Детский сад', en: 'Kindergarten' }}
            options={props.kindergartens}
            value={props.selectedKindergarten}
            emptyLabel={{ ru: 'Все детские сады', en: 'All kindergartens' }}
          />
          <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
        </Form>
      )}
      <div class="actions">
        {props.addFor && <a href={`/preschool/groups/new?organizationId=${props.addFor}`}>{t({ ru: 'Добавить группу', en: 'Add a group' })}</a>}
        {props.approveAllFor && (
          <Form action="/preschool/groups/approve" aria-label={t({ ru: 'Утвердить план', en: 'Approve the plan' })}>
            <input type="hidden" name="organizationId" value={props.approveAllFor} />
            <Button>{t({ ru: 'Утвердить все черновики этого детского сада', en: 'Approve all draft groups of this kindergarten' })}</Button>
          </Form>
        )}
      </div>
      {props.rows.length === 0 ? (
        <p>{t({ ru: 'Групп пока нет.', en: 'No groups yet.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Группы', en: 'Groups' })}
          headers={[
            t({ ru: 'Детский сад', en: 'Kindergarten' }),
            t({ ru: 'Группа', en: 'Group' }),
            t({ ru: 'Возраст', en: 'Age' }),
            t({ ru: 'Направленность', en: 'Orientation' }),
            t({ ru: 'Режим', en: 'Stay mode' }),
            t({ ru: 'Мест', en: 'Places' }),
            t({ ru: 'Занято', en: 'Taken' }),
            t({ ru: 'План', en: 'Plan' }),
            t({ ru: 'Действия', en: 'Actions' }),
          ]}
        >
          {props.rows.map((row) => (
            <tr key={row.group.id}>
              <td>{row.kindergartenName}</td>
              <td>{row.group.name}</td>
              <td>{row.ageGroupName}</td>
              <td>{row.orientationName}</td>
              <td>{row.stayModeName}</td>
              <td>{row.group.capacity}</td>
              <td>{row.group.occupied}</td>
              <td>{t(planStatusNames[row.group.planStatus])}</td>
              <td>
                {row.canEdit && (
                  <a href={`/preschool/groups/${row.group.id}/edit`}>
                    {t({ ru: 'Изменить', en: 'Edit' })}
                    <span class="visually-hidden"> {row.group.name}</span>
                  </a>
                )}
                {row.canApprove && row.group.planStatus === 'draft' && (
                  <Form action={`/preschool/groups/${row.group.id}/approve`} aria-label={t({ ru: 'Утвердить группу {name}', en: 'Approve group {name}' }, { name: row.group.name })}>
                    <Button kind="secondary">
                      {t({ ru: 'Утвердить', en: 'Approve' })}
                      <span class="visually-hidden"> {row.group.name}</span>
                    </Button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination previousHref={props.firstHref} nextHref={props.nextHref} />
    </>
  );
}
