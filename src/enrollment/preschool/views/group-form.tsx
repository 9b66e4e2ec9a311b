/** Add or edit a group of a kindergarten (the head's form). */
import type { FieldErrors } from '../../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, TextField, type SelectOption } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import { groupFieldLabels, type GroupField } from '../group.service.ts';

export function GroupFormView(props: {
  mode: 'create' | 'edit';
  action: string;
  kindergartenName: string;
  values: Partial<Record<GroupField, string>>;
  errors: FieldErrors;
  ageGroups: SelectOption[];
  orientations: SelectOption[];
  stayModes: SelectOption[];
  version?: number;
  approved?: boolean;
  conflict?: boolean;
  /** Create only: the kindergarten the group is added to. */
  organizationId?: string;
}) {
  const t = useT();
  const v = props.values;
  return (
    <>
      <p>
        <a href="/preschool/groups">← {t({ ru: 'К списку групп', en: 'Back to the groups' })}</a>
      </p>
      <h1>{props.mode === 'create' ? t({ ru: 'Новая группа', en: 'New group' }) : t({ ru: 'Группа «{name}»', en: 'Group “{name}”' }, { name: v.name ?? '' })}</h1>
      <p>{props.kindergartenName}</p>
      {props.conflict && (
        <div class="error-summary" role="alert">
          <h2>{t({ ru: 'Изменения не сохранены', en: 'Changes not saved' })}</h2>
          <p>{t({ ru: 'Группу только что изменил кто-то другой. Проверьте данные и сохраните ещё раз', en: 'Someone else has just changed this group. Check the data and save again' })}</p>
        </div>
      )}
      {props.approved && (
        <Notice>
          <p>{t({ ru: 'План этой группы утверждён. Изменение мест, возраста, направленности или режима вернёт её в черновик до нового утверждения.', en: 'This group’s plan is approved. Changing places, age, orientation or stay mode returns it to draft until approved again.' })}</p>
        </Notice>
      )}
      <ErrorSummary errors={props.errors} labels={groupFieldLabels} />
      <Form action={props.action} aria-label={t({ ru: 'Группа', en: 'Group' })}>
        {props.version !== undefined && <input type="hidden" name="version" value={String(props.version)} />}
        {props.organizationId && <input type="hidden" name="organizationId" value={props.organizationId} />}
        <TextField name="name" label={groupFieldLabels.name} value={v.name} error={props.errors.name} required maxlength={100} />
        <SelectField name="ageGroupCode" label={groupFieldLabels.ageGroupCode} options={props.ageGroups} value={v.ageGroupCode} error={props.errors.ageGroupCode} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
        <SelectField name="orientationCode" label={groupFieldLabels.orientationCode} options={props.orientations} value={v.orientationCode} error={props.errors.orientationCode} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
        <SelectField name="stayModeCode" label={groupFieldLabels.stayModeCode} options={props.stayModes} value={v.stayModeCode} error={props.errors.stayModeCode} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
        <TextField name="capacity" label={groupFieldLabels.capacity} value={v.capacity} error={props.errors.capacity} inputmode="numeric" maxlength={3} required />
        <TextField name="occupied" label={groupFieldLabels.occupied} value={v.occupied} error={props.errors.occupied} inputmode="numeric" maxlength={3} hint={{ ru: 'Дети, которые уже ходят в группу', en: 'Children already attending' }} />
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
    </>
  );
}
