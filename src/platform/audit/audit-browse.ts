/**
 * Browsing the audit log: filters shared by the /audit page and GET /api/v1/audit, keyset
 * pagination by seq (newest first), and each event's own chain status, so a reviewer sees at
 * a glance which row was altered or lost its neighbour.
 */
import { isIsoDate, isUuid } from '../validation.ts';
import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/connect.ts';
import type { FieldErrors } from '../errors.ts';
import type { Message } from '../i18n/i18n.ts';
import { findAccountByLogin } from '../auth/accounts.ts';
import { auditEvent } from './audit.schema.ts';

/** The region's zone: dates typed in filters are days in this zone (Krasnodar Krai keeps Moscow time). */
export const regionTimeZone = 'Europe/Moscow';

export const auditActionLabels: Record<string, Message> = {
  create: { ru: 'Создание', en: 'Create' },
  update: { ru: 'Изменение', en: 'Update' },
  delete: { ru: 'Удаление', en: 'Delete' },
  read: { ru: 'Просмотр', en: 'Read' },
  login: { ru: 'Вход в систему', en: 'Log in' },
  logout: { ru: 'Выход из системы', en: 'Log out' },
  'login-failed': { ru: 'Неудачная попытка входа', en: 'Failed login' },
  grant: { ru: 'Выдача прав', en: 'Grant' },
  revoke: { ru: 'Отзыв прав', en: 'Revoke' },
  export: { ru: 'Выгрузка данных', en: 'Export' },
};

/** A label for any action, including ones added by modules after this list was written. */
export function auditActionLabel(action: string): Message {
  return auditActionLabels[action] ?? { ru: action, en: action };
}

export interface AuditFilters {
  action?: string;
  entityType?: string;
  entityId?: string;
  /** A login or an account id. */
  actor?: string;
  municipalityId?: number;
  /** YYYY-MM-DD, a day in the region's zone, inclusive. */
  from?: string;
  /** YYYY-MM-DD, a day in the region's zone, inclusive. */
  to?: string;
  /** Keyset: events older than this seq. */
  before?: number;
  /** Keyset: events newer than this seq (the "previous page" link). */
  after?: number;
  limit: number;
}

/** The raw query of the page or the API, as text fields the filter form shows back. */
export type RawAuditFilters = Partial<Record<'action' | 'entityType' | 'entityId' | 'actor' | 'municipalityId' | 'from' | 'to' | 'before' | 'after' | 'limit', string>>;

const earliestDate = '1900-01-01';
const latestDate = '9998-12-31';
/** The largest value of a PostgreSQL integer column. */
const maxInteger = 2_147_483_647;

function positiveInteger(value: string | undefined): number | null | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 ? n : null;
}

/** Validates the raw filters (from the page's GET form or the API query) into typed ones. */
export function parseAuditFilters(raw: RawAuditFilters, defaultLimit = 50): { filters: AuditFilters; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const text = (v: string | undefined) => (v && v.trim() ? v.trim().slice(0, 200) : undefined);
  const filters: AuditFilters = { limit: defaultLimit };
  const action = text(raw.action);
  if (action) filters.action = action;
  const entityType = text(raw.entityType);
  if (entityType) filters.entityType = entityType;
  const entityId = text(raw.entityId);
  if (entityId) filters.entityId = entityId;
  const actor = text(raw.actor);
  if (actor) filters.actor = actor;
  const municipalityId = positiveInteger(raw.municipalityId);
  // audit_event.municipality_id is an integer column: a larger number would fail the query (a 500).
  if (municipalityId === null || (municipalityId !== undefined && municipalityId > maxInteger)) errors.municipalityId = { ru: 'Выберите муниципалитет из списка', en: 'Choose a municipality from the list' };
  else if (municipalityId !== undefined) filters.municipalityId = municipalityId;
  for (const key of ['from', 'to'] as const) {
    const value = text(raw[key]);
    if (!value) continue;
    if (!isIsoDate(value)) errors[key] = { ru: 'Укажите дату в формате ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' };
    // The day after 9999-12-31 has no four-digit year, and Date.UTC reads years below 100 as 19xx.
    else if (value < earliestDate || value > latestDate) errors[key] = { ru: 'Укажите дату с 1900 по 9998 год', en: 'Enter a date between the years 1900 and 9998' };
    else filters[key] = value;
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.to = { ru: 'Дата «по» раньше даты «с»', en: 'The end date is before the start date' };
  }
  for (const key of ['before', 'after'] as const) {
    const n = positiveInteger(raw[key]);
    if (n === null) errors[key] = { ru: 'Неверная ссылка на страницу', en: 'Invalid page link' };
    else if (n !== undefined) filters[key] = n;
  }
  const limit = positiveInteger(raw.limit);
  if (limit === null || (limit !== undefined && limit > 200)) errors.limit = { ru: 'От 1 до 200', en: 'From 1 to 200' };
  else if (limit !== undefined) filters.limit = limit;
  return { filters, errors };
}

/** The UTC instant at which a calendar day starts in a time zone. */
export function startOfDayInZone(isoDate: string, timeZone: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even on a day when the zone changes it.
  let instant = guess - zoneOffsetMs(new Date(guess), timeZone);
  instant = guess - zoneOffsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * intact: the row's hash matches its content and its prev_hash is the previous row's hash;
 * altered: the content no longer matches the hash; unlinked: the previous row is missing or
 * its hash differs (a deleted or altered neighbour).
 */
export type ChainStatus = 'intact' | 'altered' | 'unlinked';

export const chainStatusLabels: Record<ChainStatus, Message> = {
  intact: { ru: 'цела', en: 'intact' },
  altered: { ru: 'запись изменена', en: 'altered' },
  unlinked: { ru: 'разрыв цепочки', en: 'chain broken' },
};

export type AuditLogEntry = typeof auditEvent.$inferSelect & { chainStatus: ChainStatus };

export interface AuditLogPage {
  events: AuditLogEntry[];
  /** seq for the "older" link, when there are older matching events. */
  olderBefore: number | null;
  /** seq for the "newer" link, when there may be newer matching events. */
  newerAfter: number | null;
}

/** One page of the audit log, newest first, with each event's chain status. */
export async function browseAuditLog(executor: Executor, filters: AuditFilters, timeZone = regionTimeZone): Promise<AuditLogPage> {
  const conditions: SQL[] = [];
  if (filters.action) conditions.push(eq(auditEvent.action, filters.action));
  if (filters.entityType) conditions.push(eq(auditEvent.entityType, filters.entityType));
  if (filters.entityId) conditions.push(eq(auditEvent.entityId, filters.entityId));
  if (filters.actor) {
    const accountId = isUuid(filters.actor) ? filters.actor.toLowerCase() : (await findAccountByLogin(executor, filters.actor))?.id;
    // An unknown login matches nothing rather than everything.
    if (!accountId) return { events: [], olderBefore: null, newerAfter: null };
    conditions.push(eq(auditEvent.actorAccountId, accountId));
  }
  if (filters.municipalityId !== undefined) conditions.push(eq(auditEvent.municipalityId, filters.municipalityId));
  if (filters.from) conditions.push(gte(auditEvent.occurredAt, startOfDayInZone(filters.from, timeZone)));
  if (filters.to) conditions.push(lt(auditEvent.occurredAt, startOfDayInZone(nextDay(filters.to), timeZone)));
  const backwards = filters.after !== undefined && filters.before === undefined;
  if (filters.before !== undefined) conditions.push(lt(auditEvent.seq, filters.before));
  if (backwards) conditions.push(gt(auditEvent.seq, filters.after!));

  const previous = alias(auditEvent, 'previous');
  const rows = await executor
    .select({
      event: auditEvent,
      altered: sql<boolean>`audit_event_digest(${auditEvent}) <> ${auditEvent.hash}`,
      previousHash: previous.hash,
    })
    .from(auditEvent)
    .leftJoin(previous, eq(previous.seq, sql`${auditEvent.seq} - 1`))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(backwards ? asc(auditEvent.seq) : desc(auditEvent.seq))
    .limit(filters.limit + 1);

  const more = rows.length > filters.limit;
  const page = rows.slice(0, filters.limit);
  if (backwards) page.reverse();
  const events = page.map(({ event, altered, previousHash }) => {
    const expectedPrevious = event.seq === 1 ? '0'.repeat(64) : previousHash;
    const chainStatus: ChainStatus = altered ? 'altered' : expectedPrevious !== event.prevHash ? 'unlinked' : 'intact';
    return { ...event, chainStatus };
  });
  const oldest = events.at(-1)?.seq ?? null;
  const newest = events[0]?.seq ?? null;
  return {
    events,
    olderBefore: oldest !== null && (backwards || more) ? oldest : null,
    newerAfter: newest !== null && (backwards ? more : filters.before !== undefined) ? newest : null,
  };
}
