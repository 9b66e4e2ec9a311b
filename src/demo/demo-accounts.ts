/**
 * The demo accounts, one per role, listed in the README and (in demo mode only) on the login
 * page. The organisations they are bound to are chosen by the generator: the first school and
 * the first kindergarten of Krasnodar city in generation order.
 */
import type { Role } from '../platform/access/access.ts';

export interface DemoAccount {
  login: string;
  password: string;
  role: Role;
  displayName: string;
  /** Where the grant points: the region, a municipality by id, or the demo school. */
  scope: { kind: 'region' } | { kind: 'municipality'; municipalityId: number } | { kind: 'demoSchool' } | { kind: 'none' };
  scopeLabel: string;
}

export const demoAccounts: DemoAccount[] = [
  { login: 'admin', password: 'prostor-admin', role: 'regionalAdmin', displayName: 'Соколова Ирина Викторовна', scope: { kind: 'region' }, scopeLabel: 'Краснодарский край' },
  { login: 'operator', password: 'prostor-operator', role: 'municipalOperator', displayName: 'Кузнецов Андрей Петрович', scope: { kind: 'municipality', municipalityId: 1 }, scopeLabel: 'город Краснодар' },
  { login: 'operator.sochi', password: 'prostor-operator', role: 'municipalOperator', displayName: 'Лебедева Марина Олеговна', scope: { kind: 'municipality', municipalityId: 2 }, scopeLabel: 'город Сочи' },
  { login: 'head', password: 'prostor-head', role: 'organizationHead', displayName: 'Морозова Елена Сергеевна', scope: { kind: 'demoSchool' }, scopeLabel: 'первая школа Краснодара' },
  { login: 'teacher', password: 'prostor-teacher', role: 'teacher', displayName: 'Волков Дмитрий Игоревич', scope: { kind: 'demoSchool' }, scopeLabel: 'первая школа Краснодара' },
  { login: 'parent', password: 'prostor-parent', role: 'guardian', displayName: 'Смирнова Анна Николаевна', scope: { kind: 'none' }, scopeLabel: 'свои дети' },
  { login: 'pupil', password: 'prostor-pupil', role: 'pupil', displayName: 'Смирнов Артём', scope: { kind: 'none' }, scopeLabel: 'свои данные' },
];
