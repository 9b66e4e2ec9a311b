/** An organisation's public card with all its registry fields. */
import { canEditOrganization } from '../organization.policy.ts';
import { organizationFieldLabels, organizationKindNames, type OrganizationRow } from '../organization.service.ts';
import { formatNumber } from '../../platform/i18n/i18n.ts';
import { Notice, SummaryList } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';

export function OrganizationDetailView(props: { organization: OrganizationRow; municipalityName: string; saved: boolean }) {
  const t = useT();
  const { actor, locale } = usePage();
  const o = props.organization;
  const label = (f: keyof typeof organizationFieldLabels) => t(organizationFieldLabels[f]);
  return (
    <>
      <p>
        <a href="/organizations">← {t({ ru: 'Реестр организаций', en: 'Registry of organisations' })}</a>
      </p>
      {props.saved && <Notice kind="success">{t({ ru: 'Изменения сохранены.', en: 'Changes saved.' })}</Notice>}
      <h1>{o.shortName}</h1>
      {canEditOrganization(actor, o) && (
        <p class="actions">
          <a class="button button--secondary" href={`/organizations/${o.id}/edit`}>
            {t({ ru: 'Редактировать', en: 'Edit' })}
          </a>
        </p>
      )}
      <SummaryList
        rows={[
          [label('fullName'), o.fullName],
          [label('shortName'), o.shortName],
          [label('kind'), t(organizationKindNames[o.kind])],
          [label('municipalityId'), props.municipalityName],
          [label('address'), o.address],
          [label('headName'), o.headName],
          [label('phone'), o.phone ? <a href={`tel:${o.phone.replace(/[^\d+]/g, '')}`}>{o.phone}</a> : null],
          [label('email'), o.email ? <a href={`mailto:${o.email}`}>{o.email}</a> : null],
          [label('website'), o.website && /^https?:\/\//i.test(o.website) ? <a href={o.website} rel="noopener noreferrer external">{o.website}</a> : o.website],
          [label('inn'), o.inn],
          [label('ogrn'), o.ogrn],
          [label('licenceNumber'), o.licenceNumber],
          [label('capacity'), o.capacity === null ? null : formatNumber(locale, o.capacity)],
        ]}
      />
      {o.kind === 'school' && (
        <p>
          <a href={`/organizations/${o.id}/territory`}>{t({ ru: 'Закреплённая территория: адреса школы', en: 'Assigned territory: the school’s addresses' })}</a>
        </p>
      )}
    </>
  );
}
