/** The journal's setting of a school year: whether the mark 1 is in use (the school's own regulation). */
import { Button, Form, Notice } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export function MarkScaleView(props: { title: string; action: string; allowMarkOne: boolean; saved: boolean }) {
  const t = useT();
  return (
    <>
      <h1>{props.title}</h1>
      {props.saved && <Notice kind="success">{t({ ru: 'Настройка сохранена', en: 'Setting saved' })}</Notice>}
      <Form action={props.action} aria-label={t({ ru: 'Шкала отметок', en: 'Mark scale' })}>
        <div class="field">
          <input type="hidden" name="allowMarkOne" value="false" />
          <input type="checkbox" id="field-allowMarkOne" name="allowMarkOne" value="true" checked={props.allowMarkOne} />{' '}
          <label for="field-allowMarkOne">
            {t({ ru: 'Разрешить отметку «1» (если её допускает положение о текущем контроле школы)', en: 'Allow the mark 1 (where the school’s regulation on assessment allows it)' })}
          </label>
        </div>
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
    </>
  );
}
