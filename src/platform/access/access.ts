/**
 * Roles, scopes and the policy machinery. A role is granted on a scope (the whole region, a
 * municipality or an organisation). Each resource's rules live in its own `*.policy.ts` as a
 * named policy; every route, HTML and API alike, asks `can` / `authorize` of that policy.
 */
import { errors } from '../errors.ts';

export const roles = ['guardian', 'pupil', 'teacher', 'organizationHead', 'municipalOperator', 'regionalAdmin'] as const;
export type Role = (typeof roles)[number];
export const staffRoles: readonly Role[] = ['teacher', 'organizationHead', 'municipalOperator', 'regionalAdmin'];

export const roleNames: Record<Role, { ru: string; en: string }> = {
  guardian: { ru: 'Законный представитель', en: 'Guardian' },
  pupil: { ru: 'Обучающийся', en: 'Pupil' },
  teacher: { ru: 'Педагог', en: 'Teacher' },
  organizationHead: { ru: 'Руководитель организации', en: 'Head of organisation' },
  municipalOperator: { ru: 'Специалист муниципалитета', en: 'Municipal operator' },
  regionalAdmin: { ru: 'Администратор региона', en: 'Regional administrator' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** A role on a scope: both ids null → the whole region. */
export interface Grant {
  role: Role;
  municipalityId: number | null;
  organizationId: string | null;
}

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'account';
      accountId: string;
      personId: string | null;
      displayName: string;
      grants: Grant[];
      /** How the request was authenticated. */
      via: 'session' | 'apiToken';
    };

export const anonymous: Actor = { kind: 'anonymous' };

/** Where a resource sits: its municipality and, if it belongs to one, its organisation. */
export interface ScopeRef {
  municipalityId: number;
  organizationId?: string | null;
}

export function hasRole(actor: Actor, ...wanted: Role[]): boolean {
  return actor.kind === 'account' && actor.grants.some((g) => wanted.includes(g.role));
}

export function isStaff(actor: Actor): boolean {
  return hasRole(actor, ...staffRoles);
}

/** Whether one grant of the given roles covers the scope of a resource. */
export function grantCovers(actor: Actor, wanted: readonly Role[], scope: ScopeRef): boolean {
  if (actor.kind !== 'account') return false;
  return actor.grants.some((g) => {
    if (!wanted.includes(g.role)) return false;
    if (g.municipalityId === null && g.organizationId === null) return g.role === 'regionalAdmin';
    if (g.organizationId !== null) return scope.organizationId === g.organizationId;
    return g.municipalityId === scope.municipalityId;
  });
}

/**
 * What part of the region an actor's grants of the given roles reach, for list queries:
 * everything, or these municipalities and organisations, or nothing.
 */
export type ScopeFilter =
  | { kind: 'all' }
  | { kind: 'some'; municipalityIds: number[]; organizationIds: string[] }
  | { kind: 'none' };

export function scopeFilter(actor: Actor, wanted: readonly Role[]): ScopeFilter {
  if (actor.kind !== 'account') return { kind: 'none' };
  const grants = actor.grants.filter((g) => wanted.includes(g.role));
  if (grants.some((g) => g.role === 'regionalAdmin')) return { kind: 'all' };
  const municipalityIds = [...new Set(grants.flatMap((g) => (g.municipalityId !== null && g.organizationId === null ? [g.municipalityId] : [])))];
  const organizationIds = [...new Set(grants.flatMap((g) => (g.organizationId !== null ? [g.organizationId] : [])))];
  if (municipalityIds.length === 0 && organizationIds.length === 0) return { kind: 'none' };
  return { kind: 'some', municipalityIds, organizationIds };
}

/** A named policy: for each action, a rule of actor and resource. */
export type Policy<Resource, Action extends string> = {
  readonly name: string;
  readonly rules: Record<Action, (actor: Actor, resource: Resource) => boolean>;
};

export function definePolicy<Resource, Action extends string>(
  name: string,
  rules: Record<Action, (actor: Actor, resource: Resource) => boolean>,
): Policy<Resource, Action> {
  return { name, rules };
}

export function can<Resource, Action extends string>(
  actor: Actor,
  policy: Policy<Resource, Action>,
  action: Action,
  resource: Resource,
): boolean {
  return policy.rules[action](actor, resource);
}

/**
 * Throws unless the actor may act: 401 for an anonymous actor (so the browser is sent to log
 * in), 403 for an account without the right, or 404 when `hideExistence` is set, so that records
 * outside one's scope do not even reveal that they exist.
 */
export function authorize<Resource, Action extends string>(
  actor: Actor,
  policy: Policy<Resource, Action>,
  action: Action,
  resource: Resource,
  options: { hideExistence?: boolean } = {},
): void {
  if (can(actor, policy, action, resource)) return;
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
  throw options.hideExistence ? errors.notFound() : errors.forbidden();
}
