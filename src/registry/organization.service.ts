/**
 * The registry of organisations: the public directory (search, filters, keyset pages, downloads)
 * and staff create / edit with optimistic concurrency and an audit event in the same transaction.
 * The HTML pages and the JSON API both call these functions; authorisation is the caller's
 * (organization.policy.ts), validation of user input is here.
 */
import { isUuid } from '../platform/validation.ts';
import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { AppContext } from '../platform/context.ts';
import type { Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Locale, type Message } from '../platform/i18n/i18n.ts';
import { isValidInn, isValidOgrn } from './identifiers.ts';
import { organizationFields, type OrganizationField } from './organization.policy.ts';
import { organization, organizationKinds, type OrganizationKind } from './organization.schema.ts';

export type OrganizationRow = typeof organization.$inferSelect;

export const organizationKindNames: Record<OrganizationKind, Message> = {
  kindergarten: { ru: 'детский сад', en: 'kindergarten' },
  school: { ru: 'школа', en: 'school' },
  clubProvider: { ru: 'организация доп. образования', en: 'club provider' },
  college: { ru: 'колледж', en: 'college' },
  camp: { ru: 'лагерь', en: 'camp' },
};

export function isOrganizationKind(value: unknown): value is OrganizationKind {
  return typeof value === 'string' && (organizationKinds as readonly string[]).includes(value);
}

export const organizationFieldLabels: Record<OrganizationField, Message> = {
  municipalityId: { ru: 'Муниципальное образование', en: 'Municipality' },
  kind: { ru: 'Вид организации', en: 'Kind of organisation' },
  fullName: { ru: 'Полное наименование', en: 'Full name' },
  shortName: { ru: 'Краткое наименование', en: 'Short name' },
  address: { ru: 'Адрес', en: 'Address' },
  headName: { ru: 'Руководитель', en: 'Head' },
  phone: { ru: 'Телефон', en: 'Phone' },
  email: { ru: 'Электронная почта', en: 'E-mail' },
  website: { ru: 'Сайт', en: 'Website' },
  inn: { ru: 'ИНН', en: 'INN (taxpayer number)' },
  ogrn: { ru: 'ОГРН', en: 'OGRN (state registration number)' },
  licenceNumber: { ru: 'Номер лицензии', en: 'Licence number' },
  capacity: { ru: 'Проектная мощность (мест)', en: 'Capacity (places)' },
};

// Input -------------------------------------------------------------------------------------

/** What a create or an edit carries, already validated and normalised. */
export interface OrganizationInput {
  municipalityId: number;
  kind: OrganizationKind;
  fullName: string;
  shortName: string;
  address: string;
  headName: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  inn: string;
  ogrn: string;
  licenceNumber: string | null;
  capacity: number | null;
}

const requiredFields: readonly OrganizationField[] = ['municipalityId', 'kind', 'fullName', 'shortName', 'address', 'inn', 'ogrn'];

function text(value: unknown): string {
  if (typeof value === 'string') return value.trim().replace(/\s+/g, ' ');
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

const lengthMessage = (min: number, max: number): Message => ({
  ru: `Должно быть от ${min} до ${max} символов`,
  en: `Must be ${min} to ${max} characters long`,
});

/**
 * Validates the given fields of a form or a JSON body. Empty optional fields become null.
 * Messages are per field, in Russian and English; the caller keeps the user's raw input.
 */
export function parseOrganizationInput(
  raw: Record<string, unknown>,
  fields: readonly OrganizationField[],
  knownMunicipalityIds: ReadonlySet<number>,
): { values: Partial<OrganizationInput>; errors: FieldErrors } {
  const values: Partial<OrganizationInput> = {};
  const fieldErrors: FieldErrors = {};
  const put = <K extends keyof OrganizationInput>(key: K, value: OrganizationInput[K]) => {
    values[key] = value;
  };
  for (const field of fields) {
    const value = text(raw[field]);
    if (value === '') {
      if (requiredFields.includes(field)) {
        fieldErrors[field] = field === 'municipalityId' || field === 'kind'
          ? { ru: 'Выберите значение', en: 'Choose a value' }
          : { ru: 'Заполните это поле', en: 'Fill in this field' };
      } else {
        put(field as 'headName', null);
      }
      continue;
    }
    switch (field) {
      case 'municipalityId': {
        const id = Number(value);
        if (!/^\d{1,6}$/.test(value) || !knownMunicipalityIds.has(id)) {
          fieldErrors[field] = { ru: 'Выберите муниципальное образование из списка', en: 'Choose a municipality from the list' };
        } else put('municipalityId', id);
        break;
      }
      case 'kind':
        if (!isOrganizationKind(value)) fieldErrors[field] = { ru: 'Выберите вид организации из списка', en: 'Choose a kind from the list' };
        else put('kind', value);
        break;
      case 'fullName':
      case 'address':
        if (value.length < (field === 'fullName' ? 3 : 5) || value.length > 500) fieldErrors[field] = lengthMessage(field === 'fullName' ? 3 : 5, 500);
        else put(field, value);
        break;
      case 'shortName':
        if (value.length < 2 || value.length > 200) fieldErrors[field] = lengthMessage(2, 200);
        else put(field, value);
        break;
      case 'headName':
      case 'licenceNumber':
        if (value.length > 200) fieldErrors[field] = lengthMessage(1, 200);
        else put(field, value);
        break;
      case 'phone': {
        // Kept as typed; a Russian number has 10–11 digits, an international one up to 15 (E.164).
        const digits = value.replace(/\D/g, '');
        if (!/^\+?[\d\s()\-–.]+(\s*(доб\.?|ext\.?)\s*\d{1,5})?$/i.test(value) || digits.length < 6 || digits.length > 20) {
          fieldErrors[field] = { ru: 'Введите телефон цифрами, например +7 (861) 255-12-34', en: 'Enter a phone number, e.g. +7 (861) 255-12-34' };
        } else put('phone', value);
        break;
      }
      case 'email':
        if (value.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(value)) {
          fieldErrors[field] = { ru: 'Введите адрес электронной почты, например school1@edu.kuban.ru', en: 'Enter an e-mail address, e.g. school1@edu.kuban.ru' };
        } else put('email', value.toLowerCase());
        break;
      case 'website': {
        const normalised = normaliseWebsite(value);
        if (!normalised) fieldErrors[field] = { ru: 'Введите адрес сайта, например https://school1.ru', en: 'Enter a website address, e.g. https://school1.ru' };
        else put('website', normalised);
        break;
      }
      case 'inn': {
        const digits = value.replace(/\s/g, '');
        if (!/^\d{10}$/.test(digits)) fieldErrors[field] = { ru: 'ИНН организации состоит из 10 цифр', en: 'An organisation’s INN has 10 digits' };
        else if (!isValidInn(digits)) fieldErrors[field] = { ru: 'Неверная контрольная цифра ИНН — проверьте номер', en: 'The INN check digit is wrong: check the number' };
        else put('inn', digits);
        break;
      }
      case 'ogrn': {
        const digits = value.replace(/\s/g, '');
        if (!/^\d{13}$/.test(digits)) fieldErrors[field] = { ru: 'ОГРН состоит из 13 цифр', en: 'An OGRN has 13 digits' };
        else if (!isValidOgrn(digits)) fieldErrors[field] = { ru: 'Неверная контрольная цифра ОГРН — проверьте номер', en: 'The OGRN check digit is wrong: check the number' };
        else put('ogrn', digits);
        break;
      }
      case 'capacity':
        if (!/^\d{1,6}$/.test(value)) fieldErrors[field] = { ru: 'Введите целое неотрицательное число', en: 'Enter a whole number, zero or more' };
        else put('capacity', Number(value));
        break;
    }
  }
  return { values, errors: fieldErrors };
}

/** "school1.ru" → "https://school1.ru"; only http(s) addresses with a dotted host; else null. */
export function normaliseWebsite(value: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
  if (withScheme.length > 300) return null;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname.includes('.') || url.username || url.password) return null;
    return withScheme;
  } catch {
    return null;
  }
}

/** Fields whose new values differ from the stored ones. */
export function changedFields(current: OrganizationRow, values: Partial<OrganizationInput>): OrganizationField[] {
  return organizationFields.filter((f) => f in values && values[f] !== undefined && values[f] !== current[f]);
}

// Directory ---------------------------------------------------------------------------------

export interface DirectoryFilter {
  /** Free text: every word must occur in the full name, short name or address. */
  q?: string;
  municipalityId?: number;
  kind?: OrganizationKind;
}

/** A position in the directory order (short_name, id) and the direction to read from it. */
export interface DirectoryCursor {
  shortName: string;
  id: string;
  direction: 'after' | 'before';
}

export const maxPageSize = 200;

export { isUuid };

export function encodeCursor(cursor: DirectoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.direction === 'after' ? 'a' : 'b', cursor.shortName, cursor.id]), 'utf8').toString('base64url');
}

/** Throws 400 for anything that is not a cursor this service made. */
export function decodeCursor(value: string): DirectoryCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && (parsed[0] === 'a' || parsed[0] === 'b') && typeof parsed[1] === 'string' && isUuid(parsed[2])) {
      return { direction: parsed[0] === 'a' ? 'after' : 'before', shortName: parsed[1], id: parsed[2] };
    }
  } catch {
    // fall through
  }
  throw errors.badRequest({ ru: 'Неверная ссылка на страницу списка', en: 'Invalid page cursor' });
}

/** The search text the way the database folds it (`search_text`): lower case, ё → е. */
export function normaliseSearch(value: string): string {
  return value.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/**
 * Reads the directory's query parameters (strings from a URL); empty means "any".
 * Throws 400 for a value that cannot be right (unknown kind, municipality not a number).
 */
export function parseDirectoryQuery(raw: Record<string, unknown>): { filter: DirectoryFilter; cursor: DirectoryCursor | null; limit: number | null } {
  const filter: DirectoryFilter = {};
  const q = typeof raw.q === 'string' ? raw.q.trim() : '';
  if (q.length > 200) throw errors.badRequest({ ru: 'Слишком длинный поисковый запрос', en: 'The search text is too long' });
  if (q) filter.q = q;
  const municipality = raw.municipality === undefined || raw.municipality === null ? '' : String(raw.municipality).trim();
  if (municipality) {
    if (!/^\d{1,6}$/.test(municipality)) throw errors.badRequest({ ru: 'Неверный муниципалитет', en: 'Invalid municipality' });
    filter.municipalityId = Number(municipality);
  }
  const kind = typeof raw.kind === 'string' ? raw.kind.trim() : '';
  if (kind) {
    if (!isOrganizationKind(kind)) throw errors.badRequest({ ru: 'Неизвестный вид организации', en: 'Unknown kind of organisation' });
    filter.kind = kind;
  }
  const cursorText = typeof raw.cursor === 'string' ? raw.cursor.trim() : '';
  const limitText = raw.limit === undefined || raw.limit === null ? '' : String(raw.limit).trim();
  let limit: number | null = null;
  if (limitText) {
    if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > maxPageSize) {
      throw errors.badRequest({ ru: `Размер страницы — от 1 до ${maxPageSize}`, en: `Page size must be 1 to ${maxPageSize}` });
    }
    limit = Number(limitText);
  }
  return { filter, cursor: cursorText ? decodeCursor(cursorText) : null, limit };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterConditions(filter: DirectoryFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.q) {
    // At most 8 words: every one must occur somewhere in the names or the address.
    for (const word of normaliseSearch(filter.q).split(' ').filter(Boolean).slice(0, 8)) {
      conditions.push(sql`${organization.searchText} LIKE ${`%${escapeLike(word)}%`}`);
    }
  }
  if (filter.municipalityId !== undefined) conditions.push(eq(organization.municipalityId, filter.municipalityId));
  if (filter.kind) conditions.push(eq(organization.kind, filter.kind));
  return conditions;
}

export interface DirectoryPage {
  items: OrganizationRow[];
  /** Total number of organisations matching the filter (all pages). */
  total: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

/**
 * One page of the directory in (short_name, id) order, keyset-paginated: a cursor names the
 * last row seen (or the first, reading backwards), so pages never skip or repeat a row when
 * rows are added meanwhile, and deep pages cost the same as the first.
 */
export async function listOrganizations(db: Executor, filter: DirectoryFilter, page: { cursor?: DirectoryCursor | null; limit: number }): Promise<DirectoryPage> {
  const limit = Math.min(Math.max(1, Math.floor(page.limit)), maxPageSize);
  const cursor = page.cursor ?? null;
  const conditions = filterConditions(filter);
  const where = conditions.length ? and(...conditions) : undefined;
  const backwards = cursor?.direction === 'before';
  const keyset = cursor
    ? backwards
      ? sql`(${organization.shortName}, ${organization.id}) < (${cursor.shortName}, ${cursor.id}::uuid)`
      : sql`(${organization.shortName}, ${organization.id}) > (${cursor.shortName}, ${cursor.id}::uuid)`
    : undefined;
  const order = backwards ? [desc(organization.shortName), desc(organization.id)] : [asc(organization.shortName), asc(organization.id)];
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(organization)
      .where(and(where, keyset))
      .orderBy(...order)
      .limit(limit + 1),
    db.select({ n: count() }).from(organization).where(where),
  ]);
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  if (backwards) items.reverse();
  const first = items[0];
  const last = items.at(-1);
  const at = (row: OrganizationRow | undefined, direction: DirectoryCursor['direction']) =>
    row ? encodeCursor({ shortName: row.shortName, id: row.id, direction }) : null;
  return {
    items,
    total: Number(totals[0]?.n ?? 0),
    nextCursor: backwards ? at(last, 'after') : more ? at(last, 'after') : null,
    previousCursor: backwards ? (more ? at(first, 'before') : null) : cursor ? at(first, 'before') : null,
  };
}

/**
 * Every organisation matching the filter, in directory order, read in keyset batches so a
 * download of the whole region never holds more than one batch in memory.
 */
export async function* iterateOrganizations(db: Executor, filter: DirectoryFilter, batchSize = 500): AsyncGenerator<OrganizationRow> {
  const conditions = filterConditions(filter);
  let after: { shortName: string; id: string } | null = null;
  for (;;) {
    const keyset: SQL | undefined = after
      ? sql`(${organization.shortName}, ${organization.id}) > (${after.shortName}, ${after.id}::uuid)`
      : undefined;
    const rows: OrganizationRow[] = await db
      .select()
      .from(organization)
      .where(and(...conditions, keyset))
      .orderBy(asc(organization.shortName), asc(organization.id))
      .limit(batchSize);
    for (const row of rows) yield row;
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { shortName: last.shortName, id: last.id };
  }
}

export async function findOrganization(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(organization).where(eq(organization.id, id)).limit(1);
  return row;
}

/** Loads an organisation or throws 404. */
export async function getOrganization(db: Executor, id: string): Promise<OrganizationRow> {
  const row = await findOrganization(db, id);
  if (!row) throw errors.notFound();
  return row;
}

// Downloads ---------------------------------------------------------------------------------

/** The columns of the downloads, in order. */
export const exportColumns = ['id', ...organizationFields] as const;

/** A plain JSON object of an organisation, as the API and the JSON download give it. */
export function organizationJson(row: OrganizationRow) {
  return {
    id: row.id,
    municipalityId: row.municipalityId,
    kind: row.kind,
    fullName: row.fullName,
    shortName: row.shortName,
    address: row.address,
    headName: row.headName,
    phone: row.phone,
    email: row.email,
    website: row.website,
    inn: row.inn,
    ogrn: row.ogrn,
    licenceNumber: row.licenceNumber,
    capacity: row.capacity,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type OrganizationJson = ReturnType<typeof organizationJson>;

/** Byte order mark: Excel opens a UTF-8 CSV as UTF-8 only when it starts with one. */
export const csvBom = '\uFEFF';

/**
 * One CSV field for Excel in a Russian locale (`;` separates fields there): quoted when it holds
 * a separator, a quote, a line break or edge spaces, quotes doubled (RFC 4180). A text that
 * Excel would run as a formula (=, @, or +/- not followed by a phone number) gets a leading
 * apostrophe (OWASP "CSV injection").
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d\s()-]*$/.test(text))) text = `'${text}`;
  return /[;"\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: Array<string | number | null | undefined>): string {
  return `${values.map(csvField).join(';')}\r\n`;
}

export function csvHeader(locale: Locale): string {
  return csvLine(exportColumns.map((c) => (c === 'id' ? translate(locale, { ru: 'Идентификатор', en: 'Id' }) : translate(locale, organizationFieldLabels[c]))));
}

/** A row of the CSV: municipality and kind by name, so a person reading it needs no codebook. */
export function csvRow(row: OrganizationRow, locale: Locale, municipalityNames: ReadonlyMap<number, string>): string {
  return csvLine(
    exportColumns.map((c) => {
      if (c === 'municipalityId') return municipalityNames.get(row.municipalityId) ?? String(row.municipalityId);
      if (c === 'kind') return translate(locale, organizationKindNames[row.kind]);
      return row[c];
    }),
  );
}

/** The whole CSV download as a stream of text chunks (one batch of rows per chunk at most). */
export async function* organizationsCsv(db: Executor, filter: DirectoryFilter, locale: Locale, municipalityNames: ReadonlyMap<number, string>): AsyncGenerator<string> {
  yield csvBom + csvHeader(locale);
  let chunk = '';
  for await (const row of iterateOrganizations(db, filter)) {
    chunk += csvRow(row, locale, municipalityNames);
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The JSON download: an array of organisations, streamed in chunks. */
export async function* organizationsJsonArray(db: Executor, filter: DirectoryFilter): AsyncGenerator<string> {
  let chunk = '[';
  let first = true;
  for await (const row of iterateOrganizations(db, filter)) {
    chunk += (first ? '\n' : ',\n') + JSON.stringify(organizationJson(row));
    first = false;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n]\n`;
}

// Changes -----------------------------------------------------------------------------------

export const staleVersionMessage: Message = {
  ru: 'Пока вы редактировали, эту организацию изменил другой пользователь. Ваши изменения не сохранены: проверьте текущие данные и отправьте форму снова.',
  en: 'Someone else changed this organisation while you were editing. Your changes were not saved: check the current data and submit again.',
};

/** Adds an organisation and its audit event in one transaction. */
export async function addOrganization(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, input: OrganizationInput): Promise<OrganizationRow> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(organization)
      .values({ ...input, createdAt: now, updatedAt: now })
      .returning();
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'organization',
      entityId: row!.id,
      municipalityId: row!.municipalityId,
      organizationId: row!.id,
      details: { changed: organizationFields.filter((f) => input[f] !== null && input[f] !== undefined) },
    });
    return row!;
  });
}

/**
 * Applies changes to an organisation if nobody changed it since `expectedVersion` (optimistic
 * concurrency: a stale edit gets 409, never a silent overwrite), bumps the version and writes
 * the audit event (names of the changed fields, not their values) in the same transaction.
 * Nothing changed → nothing written.
 */
export async function updateOrganization(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  current: OrganizationRow,
  expectedVersion: number,
  values: Partial<OrganizationInput>,
): Promise<{ row: OrganizationRow; changed: OrganizationField[] }> {
  if (expectedVersion !== current.version) throw errors.conflict('stale-version', staleVersionMessage);
  const changed = changedFields(current, values);
  if (changed.length === 0) return { row: current, changed };
  const set = Object.fromEntries(changed.map((f) => [f, values[f]])) as Partial<OrganizationInput>;
  return context.db.transaction(async (tx) => {
    const [row] = await tx
      .update(organization)
      .set({ ...set, updatedAt: context.clock.now(), version: sql`${organization.version} + 1` })
      .where(and(eq(organization.id, current.id), eq(organization.version, expectedVersion)))
      .returning();
    if (!row) throw errors.conflict('stale-version', staleVersionMessage);
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'organization',
      entityId: row.id,
      municipalityId: row.municipalityId,
      organizationId: row.id,
      details: {
        changed,
        version: row.version,
        ...(changed.includes('municipalityId') ? { movedFromMunicipalityId: current.municipalityId } : {}),
      },
    });
    return { row, changed };
  });
}
