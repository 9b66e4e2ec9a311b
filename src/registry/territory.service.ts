/**
 * Territories assigned to schools (закреплённые территории). Order 458 §8 (Приказ Минпросвещения
 * № 458 от 02.09.2020): the municipality's act (распорядительный акт) assigns the territory, and
 * children living there have the right to a place at that school. An act lists rules per school:
 * a whole street (or a whole settlement), a range of house numbers, the odd or even side
 * (optionally within a range), or a single house. On a date, the published act of the
 * municipality with the latest `valid_from` on or before that date is in force.
 *
 * House numbers are compared by their leading integer (`number_int`): '12а', '12/1' and
 * '12 к2' are on the even side and inside 10–20; a house without a number ('б/н') is matched
 * only by a whole-street rule or as a single house. Other domains call schoolsServingHouses and
 * territoryHouseIds only.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { AppContext } from '../platform/context.ts';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isIsoDate, isUuid } from '../platform/validation.ts';
import { addressHouse, addressObject } from './address.schema.ts';
import { organization } from './organization.schema.ts';
import { territoryAct, territoryRule, territoryRuleKinds, type TerritoryRuleKind } from './territory.schema.ts';
import { regionToday } from './person.service.ts';

export type TerritoryActRow = typeof territoryAct.$inferSelect;
export type TerritoryRuleRow = typeof territoryRule.$inferSelect;

/**
 * Condition: house `h` on the street `r.object_id` falls under the street rule `r` (wholeStreet,
 * range, odd or even). Kept free of ORs over other columns so that the planner joins houses to
 * rules by equality and estimates the rows well.
 */
const numberMatchesRule = sql`(
  r.kind = 'wholeStreet'
  OR (h.number_int IS NOT NULL
      AND h.number_int BETWEEN coalesce(r.number_from, 0) AND coalesce(r.number_to, 2147483647)
      AND (r.kind = 'range' OR (r.kind = 'odd') = (h.number_int % 2 = 1)))
)`;

/** The acts in force on a date, one per municipality (optionally of the given municipalities). */
function actsInForce(onDate: string, municipalities?: SQL): SQL {
  return sql`
    SELECT DISTINCT ON (a.municipality_id) a.id, a.municipality_id
    FROM territory_act a
    WHERE a.status = 'published' AND a.valid_from <= ${onDate}::date
      ${municipalities ? sql`AND a.municipality_id IN (${municipalities})` : sql``}
    ORDER BY a.municipality_id, a.valid_from DESC, a.signed_on DESC, a.published_at DESC`;
}

/**
 * Pairs (house_id, organization_id) covered by the rules of the given acts of one municipality,
 * for reports and a school's territory. Each branch is an equality join (by house, by street,
 * by settlement), and the municipality bounds the houses read, so the planner never scans the
 * region's houses.
 */
function housesOfRules(actIds: SQL, municipalityId: SQL, organizationId?: string): SQL {
  const org = organizationId ? sql`AND r.organization_id = ${organizationId}` : sql``;
  return sql`
    SELECT h.id AS house_id, r.organization_id FROM territory_rule r JOIN address_house h ON h.id = r.house_id
      WHERE r.kind = 'house' AND r.act_id IN (${actIds}) ${org}
    UNION ALL
    SELECT h.id, r.organization_id FROM territory_rule r JOIN address_house h ON h.parent_id = r.object_id
      WHERE r.kind <> 'house' AND r.act_id IN (${actIds}) ${org} AND h.municipality_id = (${municipalityId}) AND ${numberMatchesRule}
    UNION ALL
    SELECT h.id, r.organization_id
      FROM territory_rule r
      JOIN address_object o ON o.id = r.object_id AND o.kind = 'settlement'
      JOIN address_house h ON h.settlement_id = o.id AND h.parent_id <> o.id
      WHERE r.kind = 'wholeStreet' AND r.act_id IN (${actIds}) ${org} AND h.municipality_id = (${municipalityId})`;
}

function checkDate(onDate: string): void {
  if (!isIsoDate(onDate)) throw errors.badRequest({ ru: 'Дата должна быть в виде ГГГГ-ММ-ДД', en: 'The date must be YYYY-MM-DD' });
}

/**
 * For each house, the schools whose territory includes it on the date (by the act in force for
 * the house's municipality). Normally one; none or two+ is an error of the act (see the
 * validation report). Houses served by no school are absent from the map.
 */
export async function schoolsServingHouses(db: Executor, houseIds: string[], onDate: string): Promise<Map<string, string[]>> {
  checkDate(onDate);
  const ids = [...new Set(houseIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const result = new Map<string, string[]>();
  if (ids.length === 0) return result;
  // In batches: one parameter per id, and PostgreSQL takes at most 65,535 per statement.
  for (let i = 0; i < ids.length; i += 5000) {
    const list = sql.join(
      ids.slice(i, i + 5000).map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const rows = await queryRows<{ house_id: string; organization_id: string }>(
      db,
      sql`
        WITH hs AS (SELECT id, parent_id, settlement_id, municipality_id, number_int FROM address_house WHERE id IN (${list})),
             acts AS (${actsInForce(onDate, sql`SELECT municipality_id FROM hs`)}),
             h AS (SELECT hs.*, acts.id AS act_id FROM hs JOIN acts ON acts.municipality_id = hs.municipality_id)
        SELECT DISTINCT house_id, organization_id FROM (
          SELECT h.id AS house_id, r.organization_id FROM h JOIN territory_rule r ON r.house_id = h.id AND r.act_id = h.act_id
          UNION ALL
          SELECT h.id, r.organization_id FROM h JOIN territory_rule r ON r.act_id = h.act_id AND r.object_id = h.parent_id
            WHERE r.kind <> 'house' AND ${numberMatchesRule}
          UNION ALL
          SELECT h.id, r.organization_id FROM h JOIN territory_rule r ON r.act_id = h.act_id AND r.object_id = h.settlement_id
            WHERE r.kind = 'wholeStreet' AND h.parent_id <> h.settlement_id
        ) x
        ORDER BY 1, 2`,
    );
    for (const row of rows) {
      const schools = result.get(row.house_id) ?? [];
      schools.push(row.organization_id);
      result.set(row.house_id, schools);
    }
  }
  return result;
}

/** The houses of a school's territory on the date (for forecasts and shortage reports). */
export async function territoryHouseIds(db: Executor, organizationId: string, onDate: string): Promise<string[]> {
  checkDate(onDate);
  if (!isUuid(organizationId)) return [];
  const rows = await queryRows<{ house_id: string }>(
    db,
    sql`
      WITH acts AS (${actsInForce(onDate, sql`SELECT municipality_id FROM organization WHERE id = ${organizationId}`)})
      SELECT DISTINCT house_id FROM (${housesOfRules(sql`SELECT id FROM acts`, sql`SELECT municipality_id FROM organization WHERE id = ${organizationId}`, organizationId)}) m ORDER BY house_id`,
  );
  return rows.map((r) => r.house_id);
}

/** The act in force for a municipality on a date, if any. */
export async function actInForce(db: Executor, municipalityId: number, onDate: string): Promise<TerritoryActRow | undefined> {
  checkDate(onDate);
  const [row] = await db
    .select()
    .from(territoryAct)
    .where(and(eq(territoryAct.municipalityId, municipalityId), eq(territoryAct.status, 'published'), sql`${territoryAct.validFrom} <= ${onDate}::date`))
    .orderBy(desc(territoryAct.validFrom), desc(territoryAct.signedOn), desc(territoryAct.publishedAt))
    .limit(1);
  return row;
}

// The public list of a school's addresses -------------------------------------------------------

export interface TerritoryHousePage {
  items: Array<{ id: string; label: string }>;
  total: number;
  /** label|id of the last item, for the next page */
  nextCursor: string | null;
}

function decodeLabelCursor(cursor: string | null | undefined): { label: string; id: string } | null {
  if (!cursor) return null;
  const at = cursor.lastIndexOf('|');
  const id = cursor.slice(at + 1);
  return at > 0 && isUuid(id) ? { label: cursor.slice(0, at), id } : null;
}

/** A school's addresses on a date, in label order, one keyset page at a time. */
export async function listTerritoryHouses(
  db: Executor,
  organizationId: string,
  onDate: string,
  page: { cursor?: string | null; limit: number },
): Promise<TerritoryHousePage> {
  checkDate(onDate);
  if (!isUuid(organizationId)) return { items: [], total: 0, nextCursor: null };
  const after = decodeLabelCursor(page.cursor);
  const rows = await queryRows<{ id: string | null; label: string | null; total: number }>(
    db,
    sql`
      WITH acts AS (${actsInForce(onDate, sql`SELECT municipality_id FROM organization WHERE id = ${organizationId}`)}),
           m AS (SELECT DISTINCT house_id FROM (${housesOfRules(sql`SELECT id FROM acts`, sql`SELECT municipality_id FROM organization WHERE id = ${organizationId}`, organizationId)}) x),
           t AS (SELECT count(*)::int AS total FROM m)
      SELECT p.id, p.label, t.total
      FROM t LEFT JOIN (
        SELECT h.id, h.label FROM m JOIN address_house h ON h.id = m.house_id
        ${after ? sql`WHERE (h.label, h.id) > (${after.label}, ${after.id}::uuid)` : sql``}
        ORDER BY h.label, h.id
        LIMIT ${page.limit + 1}
      ) p ON true
      ORDER BY p.label, p.id`,
  );
  const total = Number(rows[0]?.total ?? 0);
  const items = rows.flatMap((r) => (r.id !== null && r.label !== null ? [{ id: r.id, label: r.label }] : []));
  const more = items.length > page.limit;
  const shown = items.slice(0, page.limit);
  const last = shown.at(-1);
  return { items: shown, total, nextCursor: more && last ? `${last.label}|${last.id}` : null };
}

// Validation report ------------------------------------------------------------------------------

export interface TerritoryReport {
  /** Residential houses of the municipality assigned to no school by the act. */
  unassigned: number;
  /** Residential houses assigned to two or more schools. */
  multiple: number;
  items: Array<{ id: string; label: string; organizationIds: string[] }>;
  nextCursor: string | null;
}

/**
 * Residential houses of the act's municipality that the act assigns to no school or to two or
 * more (Order 458 §8: every address of the territory has its school). Non-residential buildings
 * are left out: nobody lives there. Keyset pages by label.
 */
export async function territoryReport(
  db: Executor,
  actId: string,
  page: { cursor?: string | null; limit: number; problem?: 'unassigned' | 'multiple' | 'all' },
): Promise<TerritoryReport> {
  const act = await getAct(db, actId);
  const after = decodeLabelCursor(page.cursor);
  const problem = page.problem ?? 'all';
  const base = sql`
    WITH m AS (${housesOfRules(sql`${act.id}::uuid`, sql`${act.municipalityId}::int`)}),
         per AS (SELECT house_id, count(DISTINCT organization_id)::int AS n, string_agg(DISTINCT organization_id::text, ',') AS orgs FROM m GROUP BY house_id),
         -- MATERIALIZED: the whole (small) set of problem houses is computed once with hash joins;
         -- inlined under ORDER BY label LIMIT, the planner walks houses by label and re-scans
         -- the per-house counts for each (it cannot estimate the rows of a grouped UNION)
         bad AS MATERIALIZED (
           SELECT h.id, h.label, coalesce(per.n, 0) AS n, per.orgs
           FROM address_house h LEFT JOIN per ON per.house_id = h.id
           WHERE h.municipality_id = ${act.municipalityId} AND h.residential AND coalesce(per.n, 0) <> 1)`;
  const [counts] = await queryRows<{ unassigned: number; multiple: number }>(
    db,
    sql`${base} SELECT count(*) FILTER (WHERE n = 0)::int AS unassigned, count(*) FILTER (WHERE n > 1)::int AS multiple FROM bad`,
  );
  const filter = problem === 'unassigned' ? sql`n = 0` : problem === 'multiple' ? sql`n > 1` : sql`true`;
  const rows = await queryRows<{ id: string; label: string; orgs: string | null }>(
    db,
    sql`${base} SELECT id, label, orgs FROM bad WHERE ${filter}
      ${after ? sql`AND (label, id) > (${after.label}, ${after.id}::uuid)` : sql``}
      ORDER BY label, id LIMIT ${page.limit + 1}`,
  );
  const items = rows.slice(0, page.limit).map((r) => ({ id: r.id, label: r.label, organizationIds: r.orgs ? r.orgs.split(',') : [] }));
  const last = items.at(-1);
  return {
    unassigned: Number(counts?.unassigned ?? 0),
    multiple: Number(counts?.multiple ?? 0),
    items,
    nextCursor: rows.length > page.limit && last ? `${last.label}|${last.id}` : null,
  };
}

// Acts and rules: the editor ---------------------------------------------------------------------

export async function findAct(db: Executor, id: string): Promise<TerritoryActRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(territoryAct).where(eq(territoryAct.id, id));
  return row;
}

export async function getAct(db: Executor, id: string): Promise<TerritoryActRow> {
  const row = await findAct(db, id);
  if (!row) throw errors.notFound();
  return row;
}

/** Acts of the given municipalities (all when undefined), newest first. */
export async function listActs(db: Executor, municipalityIds: number[] | undefined, limit = 100): Promise<TerritoryActRow[]> {
  if (municipalityIds && municipalityIds.length === 0) return [];
  return db
    .select()
    .from(territoryAct)
    .where(municipalityIds ? inArray(territoryAct.municipalityId, municipalityIds) : undefined)
    .orderBy(asc(territoryAct.municipalityId), desc(territoryAct.validFrom), desc(territoryAct.createdAt))
    .limit(limit);
}

export interface TerritoryActInput {
  municipalityId: number;
  number: string;
  signedOn: string;
  title: string;
  documentUrl: string | null;
  documentName: string | null;
  validFrom: string;
}

export const actFieldLabels: Record<keyof TerritoryActInput, Message> = {
  municipalityId: { ru: 'Муниципальное образование', en: 'Municipality' },
  number: { ru: 'Номер акта', en: 'Act number' },
  signedOn: { ru: 'Дата подписания', en: 'Signed on' },
  title: { ru: 'Наименование', en: 'Title' },
  documentUrl: { ru: 'Ссылка на документ', en: 'Link to the document' },
  documentName: { ru: 'Имя файла документа', en: 'Document file name' },
  validFrom: { ru: 'Действует с', en: 'Valid from' },
};

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The act's own fields, as opposed to its municipality (fixed at creation: the rules name its schools and streets). */
export const actDetailFields = ['number', 'signedOn', 'title', 'documentUrl', 'documentName', 'validFrom'] as const;
export type ActDetailField = (typeof actDetailFields)[number];
export type TerritoryActDetails = Omit<TerritoryActInput, 'municipalityId'>;

/** Validates the act's own fields (new act and edit); messages in Russian and English. */
export function parseActDetails(body: Record<string, unknown>): { values: TerritoryActDetails; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const number = str(body.number);
  if (!number || number.length > 50) fieldErrors.number = { ru: 'Укажите номер акта (до 50 знаков)', en: 'Enter the act number (up to 50 characters)' };
  const title = str(body.title);
  if (!title || title.length > 500) fieldErrors.title = { ru: 'Укажите наименование акта (до 500 знаков)', en: 'Enter the title (up to 500 characters)' };
  const signedOn = str(body.signedOn);
  if (!isIsoDate(signedOn)) fieldErrors.signedOn = { ru: 'Укажите дату в виде ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' };
  const validFrom = str(body.validFrom);
  if (!isIsoDate(validFrom)) fieldErrors.validFrom = { ru: 'Укажите дату в виде ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' };
  const documentUrl = str(body.documentUrl) || null;
  if (documentUrl && (!/^https?:\/\/\S+$/i.test(documentUrl) || documentUrl.length > 500)) {
    fieldErrors.documentUrl = { ru: 'Ссылка должна начинаться с http:// или https://', en: 'The link must start with http:// or https://' };
  }
  const documentName = str(body.documentName) || null;
  if (documentName && documentName.length > 200) fieldErrors.documentName = { ru: 'Не длиннее 200 знаков', en: 'At most 200 characters' };
  return { values: { number, signedOn, title, documentUrl, documentName, validFrom }, errors: fieldErrors };
}

/** Validates the form of a new act: its municipality (one the actor may edit) and its own fields. */
export function parseActInput(body: Record<string, unknown>, municipalityIds: ReadonlySet<number>): { values: TerritoryActInput; errors: FieldErrors } {
  const details = parseActDetails(body);
  const fieldErrors: FieldErrors = {};
  const municipalityId = Number(str(body.municipalityId));
  if (!municipalityIds.has(municipalityId)) fieldErrors.municipalityId = { ru: 'Выберите муниципальное образование', en: 'Choose a municipality' };
  return { values: { municipalityId, ...details.values }, errors: { ...fieldErrors, ...details.errors } };
}

export async function createAct(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, input: TerritoryActInput): Promise<TerritoryActRow> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const [row] = await tx.insert(territoryAct).values({ ...input, createdAt: now, updatedAt: now }).returning();
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'territoryAct',
      entityId: row!.id,
      municipalityId: row!.municipalityId,
      details: { number: row!.number, validFrom: row!.validFrom },
    });
    return row!;
  });
}

const publishedActMessage: Message = {
  ru: 'Акт опубликован: его правила больше не меняются. Создайте новый акт',
  en: 'The act is published and its rules no longer change. Create a new act',
};

/**
 * Which of its own fields an act lets be changed. A draft: all of them. A published act: the
 * number, the title and the document (a typo, the signed scan added after publishing), but not
 * its dates — `signed_on` and `valid_from` decide which act is in force on a date (Order 458 §8),
 * families and schools have relied on that since publishing, and a territory check already made
 * for an application would silently change its footing. Changing the dates means a new act.
 */
export function editableActFields(act: Pick<TerritoryActRow, 'status'>): readonly ActDetailField[] {
  return act.status === 'draft' ? actDetailFields : ['number', 'title', 'documentUrl', 'documentName'];
}

const staleActMessage: Message = {
  ru: 'Пока вы редактировали, постановление изменил другой пользователь. Ваши изменения не сохранены: проверьте текущие данные и отправьте форму снова.',
  en: 'Someone else changed this act while you were editing. Your changes were not saved: check the current data and submit again.',
};

const lockedDatesMessage: Message = {
  ru: 'Постановление опубликовано: даты подписания и вступления в силу не меняются. Чтобы изменить даты, подготовьте новое постановление',
  en: 'The act is published: its dates no longer change. To change them, draft a new act',
};

/**
 * Changes an act's own fields if nobody changed the act since `expectedVersion` (checked under
 * the row's lock; the version also moves when a rule is added or removed, or the act is
 * published: a stale form gets 409 'stale-version', never a silent overwrite). A published act refuses changes to its dates
 * (409 'act-published', see editableActFields). Bumps the version and audits the changed fields
 * with their old and new values (an act is a public document, not personal data) in the same
 * transaction. Nothing changed → nothing written.
 */
export async function updateActDetails(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  actId: string,
  expectedVersion: number,
  values: TerritoryActDetails,
): Promise<{ row: TerritoryActRow; changed: ActDetailField[] }> {
  return context.db.transaction(async (tx) => {
    const [current] = await tx.select().from(territoryAct).where(eq(territoryAct.id, actId)).for('update');
    if (!current) throw errors.notFound();
    if (current.version !== expectedVersion) throw errors.conflict('stale-version', staleActMessage);
    const changed = actDetailFields.filter((f) => current[f] !== values[f]);
    if (changed.length === 0) return { row: current, changed };
    const allowed = editableActFields(current);
    if (changed.some((f) => !allowed.includes(f))) throw errors.conflict('act-published', lockedDatesMessage);
    const set = Object.fromEntries(changed.map((f) => [f, values[f]])) as Partial<TerritoryActDetails>;
    const [row] = await tx
      .update(territoryAct)
      .set({ ...set, updatedAt: context.clock.now(), version: sql`${territoryAct.version} + 1` })
      .where(eq(territoryAct.id, actId))
      .returning();
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'territoryAct',
      entityId: actId,
      municipalityId: current.municipalityId,
      details: { changes: Object.fromEntries(changed.map((f) => [f, { from: current[f], to: values[f] }])), status: current.status, version: row!.version },
    });
    return { row: row!, changed };
  });
}

/** Publishes a draft act: from its valid_from date it is in force. */
export async function publishAct(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, actId: string): Promise<TerritoryActRow> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const [row] = await tx
      .update(territoryAct)
      .set({ status: 'published', publishedAt: now, updatedAt: now, version: sql`${territoryAct.version} + 1` })
      .where(and(eq(territoryAct.id, actId), eq(territoryAct.status, 'draft')))
      .returning();
    if (!row) throw errors.conflict('act-published', publishedActMessage);
    await recordAudit(tx, origin, { action: 'update', entityType: 'territoryAct', entityId: row.id, municipalityId: row.municipalityId, details: { status: 'published' } });
    return row;
  });
}

export interface TerritoryRuleInput {
  organizationId: string;
  objectId: string;
  kind: TerritoryRuleKind;
  numberFrom: number | null;
  numberTo: number | null;
  houseId: string | null;
}

export const ruleKindNames: Record<TerritoryRuleKind, Message> = {
  wholeStreet: { ru: 'вся улица (весь населённый пункт)', en: 'whole street (whole settlement)' },
  range: { ru: 'дома с … по …', en: 'houses from … to …' },
  odd: { ru: 'нечётная сторона', en: 'odd side' },
  even: { ru: 'чётная сторона', en: 'even side' },
  house: { ru: 'один дом', en: 'single house' },
};

export const ruleFieldLabels: Record<keyof TerritoryRuleInput, Message> = {
  organizationId: { ru: 'Школа', en: 'School' },
  objectId: { ru: 'Улица или населённый пункт', en: 'Street or settlement' },
  kind: { ru: 'Что закрепляется', en: 'What is assigned' },
  numberFrom: { ru: 'Номер дома с', en: 'House number from' },
  numberTo: { ru: 'Номер дома по', en: 'House number to' },
  houseId: { ru: 'Дом', en: 'House' },
};

/** Validates a rule form (ids are checked against the database by addRule). */
export function parseRuleInput(body: Record<string, unknown>): { values: TerritoryRuleInput; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const organizationId = str(body.organizationId);
  if (!isUuid(organizationId)) fieldErrors.organizationId = { ru: 'Выберите школу', en: 'Choose a school' };
  const objectId = str(body.objectId);
  if (!isUuid(objectId)) fieldErrors.objectId = { ru: 'Выберите улицу из найденных', en: 'Choose a street from the results' };
  const kind = str(body.kind) as TerritoryRuleKind;
  if (!territoryRuleKinds.includes(kind)) fieldErrors.kind = { ru: 'Выберите, что закрепляется', en: 'Choose what is assigned' };
  const number = (field: 'numberFrom' | 'numberTo'): number | null => {
    const text = str(body[field]);
    if (!text) return null;
    if (!/^\d{1,6}$/.test(text)) {
      fieldErrors[field] = { ru: 'Целое число от 0 до 999999', en: 'A whole number from 0 to 999999' };
      return null;
    }
    return Number(text);
  };
  const numberFrom = number('numberFrom');
  const numberTo = number('numberTo');
  if (kind === 'range' && (numberFrom === null || numberTo === null) && !fieldErrors.numberFrom && !fieldErrors.numberTo) {
    fieldErrors.numberFrom = { ru: 'Для диапазона укажите оба номера', en: 'A range needs both numbers' };
  }
  if (numberFrom !== null && numberTo !== null && numberFrom > numberTo) fieldErrors.numberTo = { ru: 'Конец диапазона меньше начала', en: 'The range ends before it starts' };
  const houseId = str(body.houseId) || null;
  if (kind === 'house' && !isUuid(houseId)) fieldErrors.houseId = { ru: 'Выберите дом', en: 'Choose a house' };
  const keepNumbers = kind === 'range' || kind === 'odd' || kind === 'even';
  return {
    values: {
      organizationId,
      objectId,
      kind,
      numberFrom: keepNumbers ? numberFrom : null,
      numberTo: keepNumbers ? numberTo : null,
      houseId: kind === 'house' ? houseId : null,
    },
    errors: fieldErrors,
  };
}

/** Adds a rule to a draft act; the school, street and house must be of the act's municipality. */
export async function addRule(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, actId: string, input: TerritoryRuleInput): Promise<TerritoryRuleRow> {
  return context.db.transaction(async (tx) => {
    const [act] = await tx.select().from(territoryAct).where(eq(territoryAct.id, actId)).for('update');
    if (!act) throw errors.notFound();
    if (act.status !== 'draft') throw errors.conflict('act-published', publishedActMessage);
    const fieldErrors: FieldErrors = {};
    const [school] = await tx
      .select({ id: organization.id })
      .from(organization)
      .where(and(eq(organization.id, input.organizationId), eq(organization.municipalityId, act.municipalityId), eq(organization.kind, 'school')));
    if (!school) fieldErrors.organizationId = { ru: 'Школа не найдена в этом муниципалитете', en: 'No such school in this municipality' };
    const [object] = await tx
      .select({ id: addressObject.id })
      .from(addressObject)
      .where(and(eq(addressObject.id, input.objectId), eq(addressObject.municipalityId, act.municipalityId)));
    if (!object) fieldErrors.objectId = { ru: 'Улица не найдена в этом муниципалитете', en: 'No such street in this municipality' };
    if (input.houseId) {
      const [house] = await tx
        .select({ id: addressHouse.id })
        .from(addressHouse)
        .where(and(eq(addressHouse.id, input.houseId), eq(addressHouse.parentId, input.objectId)));
      if (!house) fieldErrors.houseId = { ru: 'Дом не найден на этой улице', en: 'No such house on this street' };
    }
    if (Object.keys(fieldErrors).length) throw errors.validation(fieldErrors);
    const [row] = await tx.insert(territoryRule).values({ actId, ...input, createdAt: context.clock.now() }).returning();
    await tx.update(territoryAct).set({ updatedAt: context.clock.now(), version: sql`${territoryAct.version} + 1` }).where(eq(territoryAct.id, actId));
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'territoryRule',
      entityId: row!.id,
      municipalityId: act.municipalityId,
      organizationId: input.organizationId,
      details: { actId, kind: input.kind, objectId: input.objectId, numberFrom: input.numberFrom, numberTo: input.numberTo, houseId: input.houseId },
    });
    return row!;
  });
}

/** Removes a rule of a draft act. */
export async function removeRule(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, actId: string, ruleId: string): Promise<void> {
  await context.db.transaction(async (tx) => {
    const [act] = await tx.select().from(territoryAct).where(eq(territoryAct.id, actId)).for('update');
    if (!act) throw errors.notFound();
    if (act.status !== 'draft') throw errors.conflict('act-published', publishedActMessage);
    const [row] = await tx
      .delete(territoryRule)
      .where(and(eq(territoryRule.id, ruleId), eq(territoryRule.actId, actId)))
      .returning();
    if (!row) throw errors.notFound();
    await tx.update(territoryAct).set({ updatedAt: context.clock.now(), version: sql`${territoryAct.version} + 1` }).where(eq(territoryAct.id, actId));
    await recordAudit(tx, origin, {
      action: 'delete',
      entityType: 'territoryRule',
      entityId: row.id,
      municipalityId: act.municipalityId,
      organizationId: row.organizationId,
      details: { actId, kind: row.kind, objectId: row.objectId },
    });
  });
}

export interface RuleView extends TerritoryRuleRow {
  objectLabel: string;
  houseLabel: string | null;
  schoolName: string;
}

/** The rules of an act with street, house and school names, grouped by school then street. */
export async function listRules(db: Executor, actId: string): Promise<RuleView[]> {
  if (!isUuid(actId)) return [];
  const rows = await db
    .select({ rule: territoryRule, objectLabel: addressObject.label, houseLabel: addressHouse.label, schoolName: organization.shortName })
    .from(territoryRule)
    .innerJoin(addressObject, eq(addressObject.id, territoryRule.objectId))
    .innerJoin(organization, eq(organization.id, territoryRule.organizationId))
    .leftJoin(addressHouse, eq(addressHouse.id, territoryRule.houseId))
    .where(eq(territoryRule.actId, actId))
    .orderBy(asc(organization.shortName), asc(addressObject.label), asc(territoryRule.numberFrom), asc(territoryRule.createdAt));
  return rows.map((r) => ({ ...r.rule, objectLabel: r.objectLabel, houseLabel: r.houseLabel, schoolName: r.schoolName }));
}

/** Schools of a municipality (id, short name) for the rule form. */
export async function listSchools(db: Executor, municipalityId: number): Promise<Array<{ id: string; shortName: string }>> {
  return db
    .select({ id: organization.id, shortName: organization.shortName })
    .from(organization)
    .where(and(eq(organization.municipalityId, municipalityId), eq(organization.kind, 'school')))
    .orderBy(asc(organization.shortName));
}

/** Names and addresses of schools by id (for the public find page). */
export async function schoolCards(db: Executor, ids: string[]): Promise<Map<string, { id: string; shortName: string; address: string; website: string | null; phone: string | null }>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: organization.id, shortName: organization.shortName, address: organization.address, website: organization.website, phone: organization.phone })
    .from(organization)
    .where(inArray(organization.id, wanted));
  return new Map(rows.map((r) => [r.id, r]));
}

/** A rule in words: 'г Краснодар, ул Красная: чётная сторона, 2–40'. */
export function describeRule(rule: Pick<RuleView, 'kind' | 'numberFrom' | 'numberTo' | 'objectLabel' | 'houseLabel'>, locale: 'ru' | 'en'): string {
  const name = ruleKindNames[rule.kind][locale];
  if (rule.kind === 'house') return rule.houseLabel ?? rule.objectLabel;
  const range =
    rule.numberFrom !== null || rule.numberTo !== null ? `, ${rule.numberFrom ?? '…'}–${rule.numberTo ?? '…'}` : '';
  return `${rule.objectLabel}: ${rule.kind === 'range' ? (locale === 'ru' ? 'дома' : 'houses') : name}${range}`;
}

/** Today's date in the region's zone (Europe/Moscow), YYYY-MM-DD: the date territories are resolved on. */
export function regionDate(now: Date): string {
  return regionToday({ now: () => now });
}
