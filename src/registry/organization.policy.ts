/**
 * Who may do what with the registry of organisations.
 *
 * - Anyone, logged in or not, reads the directory and an organisation's card: it is public
 *   information (Federal Law 273-FZ art. 29 obliges organisations to publish these details).
 * - A regional administrator creates and edits any organisation in the region.
 * - A municipal operator creates and edits organisations of their own municipality only, and
 *   cannot create one in, or move one to, another municipality (the municipality is the founder,
 *   учредитель, of its municipal organisations; another municipality's are not its business).
 * - The head of an organisation edits its **contact details** only: address, head's name, phone,
 *   e-mail, website. Registration data — kind, municipality, full and short name, INN, OGRN,
 *   licence number and capacity — are confirmed by the founder (names and identifiers come from
 *   the state register of legal entities, capacity and licence from the licensing authority),
 *   so a head cannot change them; they ask the municipality.
 * - Teachers, guardians and pupils never create or edit organisations.
 */
import { authorize, can, definePolicy, grantCovers, type Actor } from '../platform/access/access.ts';
import { errors } from '../platform/errors.ts';

/** Where an organisation sits (or would sit, for a create). */
export interface OrganizationScope {
  municipalityId: number;
  /** Absent for an organisation not created yet. */
  id?: string | null;
}

export const organizationFields = [
  'municipalityId',
  'kind',
  'fullName',
  'shortName',
  'address',
  'headName',
  'phone',
  'email',
  'website',
  'inn',
  'ogrn',
  'licenceNumber',
  'capacity',
] as const;
export type OrganizationField = (typeof organizationFields)[number];

/** Fields the head of the organisation may change (see the header comment for why). */
export const contactFields: readonly OrganizationField[] = ['address', 'headName', 'phone', 'email', 'website'];

const scopeRef = (o: OrganizationScope) => ({ municipalityId: o.municipalityId, organizationId: o.id ?? null });

export const organizationPolicy = definePolicy<OrganizationScope, 'read' | 'create' | 'editContacts' | 'editRegistration'>('organization', {
  read: () => true,
  /** Create an organisation in this municipality (also: move one into it). */
  create: (actor, o) => grantCovers(actor, ['regionalAdmin', 'municipalOperator'], { municipalityId: o.municipalityId }),
  editContacts: (actor, o) => grantCovers(actor, ['regionalAdmin', 'municipalOperator', 'organizationHead'], scopeRef(o)),
  editRegistration: (actor, o) => grantCovers(actor, ['regionalAdmin', 'municipalOperator'], scopeRef(o)),
});

/** Whether the actor may open the edit form of this organisation at all. */
export function canEditOrganization(actor: Actor, o: OrganizationScope): boolean {
  return can(actor, organizationPolicy, 'editContacts', o);
}

/** The fields of this organisation the actor may change (empty: may not edit). */
export function editableFields(actor: Actor, o: OrganizationScope): readonly OrganizationField[] {
  if (can(actor, organizationPolicy, 'editRegistration', o)) return organizationFields;
  if (can(actor, organizationPolicy, 'editContacts', o)) return contactFields;
  return [];
}

/** Municipalities (of the given ids) in which the actor may create organisations. */
export function municipalitiesForCreate(actor: Actor, municipalityIds: readonly number[]): number[] {
  return municipalityIds.filter((id) => can(actor, organizationPolicy, 'create', { municipalityId: id }));
}

/** Whether the actor may create an organisation anywhere (shows "Add organisation"). */
export function canCreateSomewhere(actor: Actor): boolean {
  return actor.kind === 'account' && actor.grants.some((g) => g.role === 'regionalAdmin' || g.role === 'municipalOperator');
}

/**
 * Throws unless the actor may make these changes: 401 anonymous, 403 otherwise. `changed` are
 * the fields whose values differ from the stored ones; a move to another municipality also needs
 * the right to create there.
 */
export function authorizeOrganizationChange(actor: Actor, current: OrganizationScope, changed: readonly OrganizationField[], newMunicipalityId?: number): void {
  authorize(actor, organizationPolicy, 'editContacts', current);
  const allowed = editableFields(actor, current);
  if (changed.some((field) => !allowed.includes(field))) throw errors.forbidden();
  if (newMunicipalityId !== undefined && newMunicipalityId !== current.municipalityId) {
    authorize(actor, organizationPolicy, 'create', { municipalityId: newMunicipalityId });
  }
}
