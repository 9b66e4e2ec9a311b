/**
 * First-grade applications (заявление о приёме в 1 класс): drafts prepared before the opening,
 * the guardian's view with its history, the school's list, document checks, decisions and
 * enrolment orders (приказ о зачислении). Receipt itself (draft → received) is the accepting
 * path's (submission.*). Authorisation is the caller's (admission.policy.ts); validation and
 * audit are here. People, houses, territories and schools are read through the registry's
 * service functions (house rule 3).
 */
import { and, asc, desc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Database, type Executor } from '../../platform/db/connect.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { isIsoDate, isUuid } from '../../platform/validation.ts';
import { addWorkingDays } from '../../platform/calendar/calendar.service.ts';
import { notifyPerson } from '../../platform/notify/notify.ts';
import { getHouses, type HouseSummary } from '../../registry/address.service.ts';
import { databaseErrorOf, findPersonAccessFacts, findPersonNames, findSiblingOrganizations, personFullName, type PersonName } from '../../registry/person.service.ts';
import { listSchools, schoolCards, schoolsServingHouses } from '../../registry/territory.service.ts';
import { admitPupil } from '../../journal/enrolment.service.ts';
import {
  admissionApplication,
  admissionCampaign,
  admissionEnrolmentOrder,
  admissionPriorityCategory,
  admissionSchoolPlan,
  admissionStatusChange,
  type AdmissionStatus,
  type DocumentsResult,
  type PriorityLevel,
} from './admission.schema.ts';
import { changeAdmissionStatus, type AdmissionApplicationRow } from './application-status.service.ts';
import type { AdmissionApplicationFacts } from './admission.policy.ts';
import type { CampaignRow } from './campaign.service.ts';
import { assertCampaignTakesDrafts, getAdmissionSettings } from './campaign.service.ts';
import { hitRateLimits, rateRules } from './rate-limit.ts';
import { regionDate } from './region-time.ts';

export type PriorityCategoryRow = typeof admissionPriorityCategory.$inferSelect;
export type StatusChangeRow = typeof admissionStatusChange.$inferSelect;
export type EnrolmentOrderRow = typeof admissionEnrolmentOrder.$inferSelect;

export async function listPriorityCategories(db: Executor, activeOnly = true): Promise<PriorityCategoryRow[]> {
  return db
    .select()
    .from(admissionPriorityCategory)
    .where(activeOnly ? eq(admissionPriorityCategory.active, true) : undefined)
    .orderBy(asc(admissionPriorityCategory.sort), asc(admissionPriorityCategory.code));
}

export const priorityLevelNames: Record<PriorityLevel | 'other', Message> = {
  outOfTurn: { ru: 'внеочередное право', en: 'out of turn' },
  first: { ru: 'первоочередное право', en: 'first priority' },
  sibling: { ru: 'преимущественное право (брат/сестра)', en: 'sibling' },
  territory: { ru: 'закреплённая территория', en: 'catchment territory' },
  other: { ru: 'не с закреплённой территории', en: 'outside the territory' },
};

// Drafts ------------------------------------------------------------------------------------------

export interface DraftInput {
  childId: string;
  houseId: string;
  apartment: string;
  registeredSince: string;
  organizationId: string;
  priorityCode: string;
  priorityDocument: string;
  siblingId: string;
}
export type DraftField = keyof DraftInput;
export const draftFields: DraftField[] = ['childId', 'houseId', 'apartment', 'registeredSince', 'organizationId', 'priorityCode', 'priorityDocument', 'siblingId'];

export const draftLabels: Record<DraftField | 'addressQuery', Message> = {
  childId: { ru: 'Ребёнок', en: 'Child' },
  addressQuery: { ru: 'Адрес регистрации: населённый пункт, улица, дом', en: 'Registered address: settlement, street, house' },
  houseId: { ru: 'Дом', en: 'House' },
  apartment: { ru: 'Квартира', en: 'Apartment' },
  registeredSince: { ru: 'Дата регистрации по адресу', en: 'Registered at the address since' },
  organizationId: { ru: 'Школа', en: 'School' },
  priorityCode: { ru: 'Право на приём', en: 'Priority right' },
  priorityDocument: { ru: 'Документ, подтверждающий право (серия и номер)', en: 'Document proving the right (series and number)' },
  siblingId: { ru: 'Брат или сестра, обучающиеся в этой школе', en: 'Sibling studying at this school' },
};

export function draftInputOf(raw: Record<string, unknown>): DraftInput {
  const out = {} as DraftInput;
  for (const f of draftFields) out[f] = typeof raw[f] === 'string' ? (raw[f] as string).trim() : '';
  return out;
}

export function draftInputFromRow(row: AdmissionApplicationRow): DraftInput {
  return {
    childId: row.childId,
    houseId: row.houseId ?? '',
    apartment: row.apartment ?? '',
    registeredSince: row.registeredSince ?? '',
    organizationId: row.organizationId,
    priorityCode: row.priorityCode ?? '',
    priorityDocument: row.priorityDocument ?? '',
    siblingId: row.siblingId ?? '',
  };
}

/** Order 458 §18, 273-ФЗ art. 67: 6.5–8 years on 1 September (the founder may allow other ages). */
export function ageMonthsOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  return (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
}

export const oneActiveMessage: Message = {
  ru: 'У ребёнка уже есть заявление в этой кампании. Отзовите его, чтобы подать новое',
  en: 'The child already has an application in this campaign. Withdraw it to make a new one',
};

export interface DraftOwner {
  guardianId: string;
  accountId: string | null;
  /** Online drafts count against the per-account and per-address limits (rate-limit.ts); the desk's do not. */
  rateLimited?: boolean;
}

/**
 * Validates a draft against the campaign: the school is one of the municipality's, the house
 * exists, the priority category and its document, the sibling (for a sibling right). Computes
 * in_territory from the territory in force today. Returns errors per field, or the columns.
 */
async function checkDraft(db: Executor, campaign: CampaignRow, input: DraftInput, today: string, allowedChildIds: readonly string[]) {
  const e: FieldErrors = {};
  if (!allowedChildIds.includes(input.childId)) e.childId = { ru: 'Выберите ребёнка', en: 'Choose the child' };
  const schools = await listSchools(db, campaign.municipalityId);
  if (!schools.some((s) => s.id === input.organizationId)) e.organizationId = { ru: 'Выберите школу муниципалитета кампании', en: 'Choose a school of the campaign’s municipality' };
  let house: HouseSummary | undefined;
  if (!isUuid(input.houseId)) e.houseId = { ru: 'Найдите адрес и выберите дом', en: 'Find the address and choose the house' };
  else {
    house = (await getHouses(db, [input.houseId])).get(input.houseId.toLowerCase());
    if (!house) e.houseId = { ru: 'Дом не найден в адресном реестре', en: 'House not found in the address register' };
  }
  if (input.apartment.length > 20) e.apartment = { ru: 'Не длиннее 20 знаков', en: 'At most 20 characters' };
  if (input.registeredSince && (!isIsoDate(input.registeredSince) || input.registeredSince > today)) e.registeredSince = { ru: 'Дата в прошлом, ГГГГ-ММ-ДД', en: 'A past date, YYYY-MM-DD' };
  let category: PriorityCategoryRow | undefined;
  if (input.priorityCode) {
    category = (await listPriorityCategories(db)).find((c) => c.code === input.priorityCode);
    if (!category) e.priorityCode = { ru: 'Выберите право из списка', en: 'Choose a right from the list' };
    else if (category.documentRequired && !input.priorityDocument) e.priorityDocument = { ru: 'Укажите документ, подтверждающий право', en: 'Give the document proving the right' };
  }
  if (input.priorityDocument.length > 200) e.priorityDocument = { ru: 'Не длиннее 200 знаков', en: 'At most 200 characters' };
  if (input.siblingId && !isUuid(input.siblingId)) e.siblingId = { ru: 'Выберите из списка', en: 'Choose from the list' };
  // 273-ФЗ art. 67 ч. 3.1: the sibling studies at this school and lives with the child.
  if (category?.level === 'sibling') {
    if (!input.siblingId) e.siblingId = { ru: 'Укажите брата или сестру', en: 'Choose the sibling' };
    else if (!e.childId && !e.organizationId) {
      const schoolsOfSiblings = (await findSiblingOrganizations(db, [input.childId])).get(input.childId) ?? new Set();
      if (!schoolsOfSiblings.has(input.organizationId)) e.siblingId = { ru: 'По реестру брат или сестра не обучается в этой школе', en: 'The registry does not show the sibling at this school' };
    }
  }
  if (Object.keys(e).length) return { ok: false as const, errors: e };
  const serving = (await schoolsServingHouses(db, [house!.id], today)).get(house!.id) ?? [];
  return {
    ok: true as const,
    columns: {
      houseId: house!.id,
      apartment: input.apartment || null,
      registeredSince: input.registeredSince || null,
      organizationId: input.organizationId,
      priorityCode: input.priorityCode || null,
      priorityDocument: input.priorityDocument || null,
      siblingId: input.siblingId || null,
      inTerritory: serving.includes(input.organizationId),
    },
  };
}

/** Creates a draft (status draft, no receipt number). One active application per child and campaign. */
export async function createDraft(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  owner: DraftOwner,
  campaign: CampaignRow,
  input: DraftInput,
  allowedChildIds: readonly string[],
): Promise<{ ok: true; row: AdmissionApplicationRow } | { ok: false; errors: FieldErrors }> {
  assertCampaignTakesDrafts(campaign);
  const now = context.clock.now();
  const checked = await checkDraft(context.db, campaign, input, regionDate(now), allowedChildIds);
  if (!checked.ok) return checked;
  // The rules are read before the transaction: PGlite has one connection.
  const rules = owner.rateLimited && owner.accountId ? await rateRules(context.db) : null;
  try {
    const row = await context.db.transaction(async (tx) => {
      if (rules && owner.accountId) await hitRateLimits(tx, rules, 'draft', { accountId: owner.accountId, houseId: checked.columns.houseId, apartment: checked.columns.apartment }, now);
      const [created] = await tx
        .insert(admissionApplication)
        .values({
          campaignId: campaign.id,
          municipalityId: campaign.municipalityId,
          childId: input.childId,
          guardianId: owner.guardianId,
          createdByAccountId: owner.accountId,
          status: 'draft',
          ...checked.columns,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await tx.insert(admissionStatusChange).values({
        applicationId: created!.id,
        fromStatus: null,
        toStatus: 'draft',
        at: now,
        actorAccountId: origin.actor.kind === 'account' ? origin.actor.accountId : null,
        actorLabel: origin.actor.kind === 'account' ? origin.actor.displayName : 'anonymous',
        reason: 'Черновик заявления создан',
      });
      await recordAudit(tx, origin, { action: 'create', entityType: 'admissionApplication', entityId: created!.id, municipalityId: campaign.municipalityId, organizationId: input.organizationId, details: { draft: true } });
      return created!;
    });
    return { ok: true, row };
  } catch (error) {
    const driver = databaseErrorOf(error);
    if (driver?.code === '23505' && driver.constraint === 'admission_application_one_active') return { ok: false, errors: { childId: oneActiveMessage } };
    throw error;
  }
}

export const staleDraft: Message = { ru: 'Черновик изменён в другом окне. Обновите страницу', en: 'The draft was changed elsewhere. Reload the page' };

/** Saves a draft's fields (only while it is a draft); the version guards a stale form. */
export async function updateDraft(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  current: AdmissionApplicationRow,
  campaign: CampaignRow,
  version: number,
  input: DraftInput,
): Promise<{ ok: true; row: AdmissionApplicationRow } | { ok: false; errors: FieldErrors }> {
  if (current.status !== 'draft') throw errors.conflict('not-a-draft', { ru: 'Заявление уже подано: его данные не меняются', en: 'The application is submitted: it cannot be edited' });
  assertCampaignTakesDrafts(campaign);
  const now = context.clock.now();
  const checked = await checkDraft(context.db, campaign, { ...input, childId: current.childId }, regionDate(now), [current.childId]);
  if (!checked.ok) return checked;
  const rules = origin.actor.kind === 'account' && origin.actor.personId === current.guardianId ? await rateRules(context.db) : null;
  const row = await context.db.transaction(async (tx) => {
    if (rules && origin.actor.kind === 'account') {
      await hitRateLimits(tx, rules, 'draft', { accountId: origin.actor.accountId, houseId: checked.columns.houseId, apartment: checked.columns.apartment }, now);
    }
    const [updated] = await tx
      .update(admissionApplication)
      .set({ ...checked.columns, updatedAt: now, version: sql`${admissionApplication.version} + 1` })
      .where(and(eq(admissionApplication.id, current.id), eq(admissionApplication.version, version), eq(admissionApplication.status, 'draft')))
      .returning();
    if (!updated) throw errors.conflict('stale-version', staleDraft);
    await recordAudit(tx, origin, { action: 'update', entityType: 'admissionApplication', entityId: current.id, municipalityId: current.municipalityId, organizationId: checked.columns.organizationId, details: { draft: true } });
    return updated;
  });
  return { ok: true, row };
}

// Reading -----------------------------------------------------------------------------------------

export async function findApplication(db: Executor, id: string): Promise<AdmissionApplicationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(admissionApplication).where(eq(admissionApplication.id, id.toLowerCase()));
  return row;
}

/** The facts the policy needs, including every guardian linked to the child in the registry. */
export async function applicationFacts(db: Executor, row: AdmissionApplicationRow): Promise<AdmissionApplicationFacts> {
  const facts = (await findPersonAccessFacts(db, [row.childId])).get(row.childId);
  return { municipalityId: row.municipalityId, organizationId: row.organizationId, guardianId: row.guardianId, childGuardianIds: facts?.guardianIds ?? [] };
}

export interface ApplicationDetail {
  row: AdmissionApplicationRow;
  facts: AdmissionApplicationFacts;
  campaign: CampaignRow;
  child: PersonName | null;
  guardian: PersonName | null;
  sibling: PersonName | null;
  school: { id: string; shortName: string; address: string } | null;
  offeredSchool: { id: string; shortName: string; address: string } | null;
  house: HouseSummary | null;
  category: PriorityCategoryRow | null;
  order: EnrolmentOrderRow | null;
  history: StatusChangeRow[];
}

export async function findApplicationDetail(db: Executor, id: string): Promise<ApplicationDetail | null> {
  const row = await findApplication(db, id);
  if (!row) return null;
  const [facts, [campaign], names, schools, houses, categories, orders, history] = await Promise.all([
    applicationFacts(db, row),
    db.select().from(admissionCampaign).where(eq(admissionCampaign.id, row.campaignId)),
    findPersonNames(db, [row.childId, row.guardianId, ...(row.siblingId ? [row.siblingId] : [])]),
    schoolCards(db, [row.organizationId, ...(row.offeredOrganizationId ? [row.offeredOrganizationId] : [])]),
    row.houseId ? getHouses(db, [row.houseId]) : Promise.resolve(new Map<string, HouseSummary>()),
    listPriorityCategories(db, false),
    row.enrolmentOrderId ? db.select().from(admissionEnrolmentOrder).where(eq(admissionEnrolmentOrder.id, row.enrolmentOrderId)) : Promise.resolve([]),
    db.select().from(admissionStatusChange).where(eq(admissionStatusChange.applicationId, row.id)).orderBy(asc(admissionStatusChange.id)),
  ]);
  return {
    row,
    facts,
    campaign: campaign!,
    child: names.get(row.childId) ?? null,
    guardian: names.get(row.guardianId) ?? null,
    sibling: row.siblingId ? names.get(row.siblingId) ?? null : null,
    school: schools.get(row.organizationId) ?? null,
    offeredSchool: row.offeredOrganizationId ? schools.get(row.offeredOrganizationId) ?? null : null,
    house: row.houseId ? houses.get(row.houseId) ?? null : null,
    category: categories.find((c) => c.code === row.priorityCode) ?? null,
    order: orders[0] ?? null,
    history,
  };
}

export interface OwnApplicationItem {
  id: string;
  status: AdmissionStatus;
  childName: string;
  schoolName: string;
  year: number;
  receiptNumber: number | null;
  receivedAt: Date | null;
}

/** A guardian's applications: those they made and those of the children linked to them. */
export async function listOwnApplications(db: Executor, guardianPersonId: string, childIds: string[]): Promise<OwnApplicationItem[]> {
  const ids = childIds.filter(isUuid);
  const rows = await db
    .select({ a: admissionApplication, year: admissionCampaign.year })
    .from(admissionApplication)
    .innerJoin(admissionCampaign, eq(admissionCampaign.id, admissionApplication.campaignId))
    .where(ids.length ? or(eq(admissionApplication.guardianId, guardianPersonId), inArray(admissionApplication.childId, ids)) : eq(admissionApplication.guardianId, guardianPersonId))
    .orderBy(desc(admissionApplication.createdAt))
    .limit(100);
  const [names, schools] = await Promise.all([findPersonNames(db, rows.map((r) => r.a.childId)), schoolCards(db, rows.map((r) => r.a.organizationId))]);
  return rows.map(({ a, year }) => ({
    id: a.id,
    status: a.status,
    childName: names.get(a.childId) ? personFullName(names.get(a.childId)!) : '—',
    schoolName: schools.get(a.organizationId)?.shortName ?? '—',
    year,
    receiptNumber: a.receiptNumber,
    receivedAt: a.receivedAt,
  }));
}

// The school's list -------------------------------------------------------------------------------

export interface SchoolListItem {
  id: string;
  receiptNumber: number;
  receivedAt: Date;
  stage: 1 | 2 | null;
  status: AdmissionStatus;
  childName: string;
  level: PriorityLevel | 'other';
  inTerritory: boolean;
  decisionDueOn: string | null;
  documentsDueOn: string | null;
  overdue: boolean;
}

export interface SchoolListQuery {
  campaignId: string;
  organizationId: string;
  /** Exact receipt number (safe in a URL: it names nobody). */
  receiptNumber?: number;
  /** Name words: only from a POSTed form, never from a URL. */
  name?: string;
  status?: AdmissionStatus;
  /** Keyset: receipt numbers after this one. */
  after?: number;
  limit: number;
}

function levelOf(a: { priorityCode: string | null; inTerritory: boolean }, categories: Map<string, PriorityLevel>): PriorityLevel | 'other' {
  const level = a.priorityCode ? categories.get(a.priorityCode) : undefined;
  if (level) return level;
  return a.inTerritory ? 'territory' : 'other';
}

const normalise = (s: string) => s.toLowerCase().replace(/ё/g, 'е');

/**
 * The received applications of a school in a campaign, in receipt order, keyset-paginated.
 * A name search reads the school's names in one batch (a school has hundreds of applications,
 * not millions) and filters them here: the registry owns the person table.
 */
export async function listSchoolApplications(db: Executor, query: SchoolListQuery, today: string): Promise<{ items: SchoolListItem[]; nextAfter: number | null }> {
  const conditions: SQL[] = [
    eq(admissionApplication.campaignId, query.campaignId),
    eq(admissionApplication.organizationId, query.organizationId),
    sql`${admissionApplication.receiptNumber} IS NOT NULL`,
  ];
  if (query.receiptNumber !== undefined) conditions.push(eq(admissionApplication.receiptNumber, query.receiptNumber));
  if (query.status) conditions.push(eq(admissionApplication.status, query.status));
  if (query.after !== undefined) conditions.push(gt(admissionApplication.receiptNumber, query.after));
  const byName = query.name ? query.name.split(/\s+/).filter(Boolean).slice(0, 4).map(normalise) : [];
  const rows = await db
    .select()
    .from(admissionApplication)
    .where(and(...conditions))
    .orderBy(asc(admissionApplication.receiptNumber))
    .limit(byName.length ? 5000 : query.limit + 1);
  const [names, categories] = await Promise.all([findPersonNames(db, rows.map((r) => r.childId)), listPriorityCategories(db, false)]);
  const levels = new Map(categories.map((c) => [c.code, c.level]));
  let items = rows.map((a) => {
    const name = names.get(a.childId);
    return {
      id: a.id,
      receiptNumber: a.receiptNumber!,
      receivedAt: a.receivedAt!,
      stage: a.stage,
      status: a.status,
      childName: name ? personFullName(name) : '—',
      level: levelOf(a, levels),
      inTerritory: a.inTerritory,
      decisionDueOn: a.decisionDueOn,
      documentsDueOn: a.documentsDueOn,
      overdue: (a.status === 'received' || a.status === 'documentsChecked') && a.decisionDueOn !== null && a.decisionDueOn < today,
    };
  });
  if (byName.length) items = items.filter((i) => byName.every((w) => normalise(i.childName).includes(w)));
  const page = items.slice(0, query.limit);
  return { items: page, nextAfter: items.length > query.limit ? page.at(-1)!.receiptNumber : null };
}

/** Audits a staff read of a list of children's applications (one event per page). */
export async function recordSchoolListRead(db: Executor, origin: AuditOrigin, organizationId: string, municipalityId: number, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await recordAudit(db, origin, { action: 'read', entityType: 'admissionApplication', municipalityId, organizationId, details: { list: true, applicationIds: ids } });
}

export async function recordApplicationRead(db: Executor, origin: AuditOrigin, row: AdmissionApplicationRow): Promise<void> {
  await recordAudit(db, origin, { action: 'read', entityType: 'admissionApplication', entityId: row.id, municipalityId: row.municipalityId, organizationId: row.organizationId });
}

// Counters: the live public page, free places ----------------------------------------------------

export interface SchoolCounters {
  organizationId: string;
  schoolName: string;
  plannedPlaces: number;
  byLevel: Record<PriorityLevel | 'other', number>;
  applications: number;
  enrolled: number;
  freePlaces: number;
}

/** Numbers only, per school of a campaign: planned, received by level, enrolled, free. One query. */
export async function campaignCounters(db: Executor, campaign: Pick<CampaignRow, 'id' | 'municipalityId'>, organizationId?: string): Promise<SchoolCounters[]> {
  const rows = await queryRows<{ organization_id: string; planned_places: number; level: string | null; status: string | null; n: number | string }>(
    db,
    sql`SELECT p.organization_id::text AS organization_id, p.planned_places, coalesce(c.level, CASE WHEN a.in_territory THEN 'territory' ELSE 'other' END) AS level,
               a.status, count(a.id) AS n
        FROM admission_school_plan p
        LEFT JOIN admission_application a ON a.campaign_id = p.campaign_id AND a.organization_id = p.organization_id
          AND a.status IN ('received', 'documentsChecked', 'enrolled')
        LEFT JOIN admission_priority_category c ON c.code = a.priority_code
        WHERE p.campaign_id = ${campaign.id} ${organizationId ? sql`AND p.organization_id = ${organizationId}` : sql``}
        GROUP BY p.organization_id, p.planned_places, 3, a.status`,
  );
  const schools = await schoolCards(db, [...new Set(rows.map((r) => r.organization_id))]);
  const result = new Map<string, SchoolCounters>();
  for (const r of rows) {
    let s = result.get(r.organization_id);
    if (!s) {
      const planned = Number(r.planned_places);
      s = { organizationId: r.organization_id, schoolName: schools.get(r.organization_id)?.shortName ?? '—', plannedPlaces: planned, byLevel: { outOfTurn: 0, first: 0, sibling: 0, territory: 0, other: 0 }, applications: 0, enrolled: 0, freePlaces: planned };
      result.set(r.organization_id, s);
    }
    const n = Number(r.n);
    if (!r.status || n === 0) continue;
    s.byLevel[(r.level ?? 'other') as PriorityLevel | 'other'] += n;
    s.applications += n;
    if (r.status === 'enrolled') s.enrolled += n;
  }
  for (const s of result.values()) s.freePlaces = Math.max(0, s.plannedPlaces - s.enrolled);
  return [...result.values()].sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'ru'));
}

// Document checks, decisions, orders -------------------------------------------------------------

export const documentsResultNames: Record<DocumentsResult, Message> = {
  confirmed: { ru: 'подлинники предъявлены, сведения подтверждены', en: 'originals shown, details confirmed' },
  notConfirmed: { ru: 'сведения не подтверждены', en: 'details not confirmed' },
  notShown: { ru: 'подлинники не предъявлены в срок', en: 'originals not shown in time' },
};

export interface DocumentCheckInput {
  checkedOn: string;
  result: DocumentsResult;
  note: string;
}

export function parseDocumentCheck(raw: Record<string, unknown>, today: string): { ok: true; value: DocumentCheckInput } | { ok: false; errors: FieldErrors } {
  const checkedOn = typeof raw.checkedOn === 'string' ? raw.checkedOn.trim() : '';
  const result = typeof raw.result === 'string' ? raw.result : '';
  const note = typeof raw.note === 'string' ? raw.note.trim() : '';
  const e: FieldErrors = {};
  if (!isIsoDate(checkedOn) || checkedOn > today) e.checkedOn = { ru: 'Дата проверки, не позже сегодняшней', en: 'Date of the check, not after today' };
  if (!(result in documentsResultNames)) e.result = { ru: 'Выберите результат', en: 'Choose the result' };
  if (note.length > 1000) e.note = { ru: 'Не длиннее 1000 знаков', en: 'At most 1000 characters' };
  return Object.keys(e).length ? { ok: false, errors: e } : { ok: true, value: { checkedOn, result: result as DocumentsResult, note } };
}

/**
 * Records the check of the originals (Order 458 §24). A confirmed check moves the application to
 * «документы проверены»; another result is recorded on the application (and audited and
 * notified) without a change of status — the decision is then the school's.
 */
export async function recordDocumentCheck(context: AppContext, origin: AuditOrigin, row: AdmissionApplicationRow, input: DocumentCheckInput): Promise<AdmissionApplicationRow> {
  const set = { documentsCheckedOn: input.checkedOn, documentsResult: input.result, documentsNote: input.note || null };
  if (input.result === 'confirmed') {
    return changeAdmissionStatus(context, origin, row.id, 'documentsChecked', `Проверка подлинников ${input.checkedOn}: ${documentsResultNames.confirmed.ru}`, { expectedFrom: 'received', set });
  }
  if (row.status !== 'received' && row.status !== 'documentsChecked') throw errors.conflict('status-transition', { ru: 'Документы проверяются у принятого заявления', en: 'Documents are checked on a received application' });
  return context.db.transaction(async (tx) => {
    const [updated] = await tx.update(admissionApplication).set({ ...set, updatedAt: context.clock.now() }).where(eq(admissionApplication.id, row.id)).returning();
    await recordAudit(tx, origin, { action: 'update', entityType: 'admissionApplication', entityId: row.id, municipalityId: row.municipalityId, organizationId: row.organizationId, details: { documents: input.result, checkedOn: input.checkedOn } });
    await notifyPerson(tx, {
      personId: row.guardianId,
      subject: `Заявление в 1 класс № ${row.receiptNumber}: проверка документов`,
      body: `Проверка подлинников ${input.checkedOn}: ${documentsResultNames[input.result].ru}.${input.note ? ` ${input.note}` : ''} Обратитесь в школу.`,
      link: `/admission/applications/${row.id}`,
    });
    return updated!;
  });
}

/** Schools of the municipality with free places (for the offer after a refusal), excluding one. */
export async function schoolsWithFreePlaces(db: Executor, campaign: CampaignRow, except: string): Promise<SchoolCounters[]> {
  return (await campaignCounters(db, campaign)).filter((s) => s.organizationId !== except && s.freePlaces > 0);
}

/**
 * Refusal — only for lack of places (Order 458 §14, 273-ФЗ art. 67 ч. 4); the municipality
 * offers another school with free places, named in the decision and the guardian's notice.
 */
export async function refuseForLackOfPlaces(context: AppContext, origin: AuditOrigin, detail: ApplicationDetail, offeredOrganizationId: string): Promise<AdmissionApplicationRow> {
  const offers = await schoolsWithFreePlaces(context.db, detail.campaign, detail.row.organizationId);
  const offered = offers.find((s) => s.organizationId === offeredOrganizationId);
  if (!offered) throw errors.validation({ offeredOrganizationId: { ru: 'Выберите школу со свободными местами', en: 'Choose a school with free places' } });
  return changeAdmissionStatus(context, origin, detail.row.id, 'refused', 'Отказ в приёме в связи с отсутствием свободных мест', {
    set: { offeredOrganizationId, decidedAt: context.clock.now() },
    noticeDetail: `Муниципалитет предлагает место в школе: ${offered.schoolName}. Обратитесь в управление образования.`,
  });
}

export interface OrderInput {
  number: string;
  issuedOn: string;
  applicationIds: string[];
}

export function parseOrderInput(raw: Record<string, unknown>, today: string): { ok: true; value: OrderInput } | { ok: false; errors: FieldErrors } {
  const number = typeof raw.number === 'string' ? raw.number.trim() : '';
  const issuedOn = typeof raw.issuedOn === 'string' ? raw.issuedOn.trim() : '';
  const ids = [raw.applicationIds].flat().filter((v): v is string => typeof v === 'string' && isUuid(v));
  const e: FieldErrors = {};
  if (number.length < 1 || number.length > 50) e.number = { ru: 'Номер приказа, до 50 знаков', en: 'Order number, up to 50 characters' };
  if (!isIsoDate(issuedOn) || issuedOn > today) e.issuedOn = { ru: 'Дата приказа, не позже сегодняшней', en: 'Order date, not after today' };
  if (ids.length === 0) e.applicationIds = { ru: 'Отметьте заявления, включаемые в приказ', en: 'Tick the applications the order enrols' };
  return Object.keys(e).length ? { ok: false, errors: e } : { ok: true, value: { number, issuedOn, applicationIds: [...new Set(ids.map((i) => i.toLowerCase()))] } };
}

export interface IssuedOrder {
  order: EnrolmentOrderRow;
  /** Whether the journal's admitPupil recorded each child in the school (one per application). */
  journalAdmitted: number;
}

/**
 * Issues an enrolment order (приказ о зачислении) of a school: the listed applications (with
 * documents checked) become «зачислен», each through the one transition service, and each child
 * is admitted to the school's first grade in the journal (admitPupil) — all in one transaction.
 * Places are checked: enrolled + listed ≤ planned.
 */
export async function issueEnrolmentOrder(
  context: AppContext,
  origin: AuditOrigin,
  campaign: CampaignRow,
  organizationId: string,
  input: OrderInput,
): Promise<IssuedOrder> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    // Serialise orders of one school: the count of places must not race.
    await tx.execute(sql`SELECT 1 FROM admission_school_plan WHERE campaign_id = ${campaign.id} AND organization_id = ${organizationId} FOR UPDATE`);
    const listed = await tx
      .select()
      .from(admissionApplication)
      .where(and(inArray(admissionApplication.id, input.applicationIds), eq(admissionApplication.campaignId, campaign.id), eq(admissionApplication.organizationId, organizationId)));
    if (listed.length !== input.applicationIds.length || listed.some((a) => a.status !== 'documentsChecked')) {
      throw errors.validation({ applicationIds: { ru: 'В приказ включаются заявления этой школы с проверенными документами', en: 'An order lists this school’s applications with documents checked' } });
    }
    const [counters] = await campaignCounters(tx, campaign, organizationId);
    if (!counters || counters.enrolled + listed.length > counters.plannedPlaces) {
      throw errors.validation({ applicationIds: { ru: `Свободных мест: ${counters?.freePlaces ?? 0}`, en: `Free places: ${counters?.freePlaces ?? 0}` } });
    }
    const [order] = await tx
      .insert(admissionEnrolmentOrder)
      .values({ campaignId: campaign.id, organizationId, number: input.number, issuedOn: input.issuedOn, createdByAccountId: origin.actor.kind === 'account' ? origin.actor.accountId : null, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!order) throw errors.validation({ number: { ru: 'Приказ с таким номером уже есть', en: 'An order with this number exists' } });
    const numbers = listed.map((a) => a.receiptNumber).sort((a, b) => a! - b!);
    let journalAdmitted = 0;
    for (const a of listed) {
      await changeAdmissionStatus(context, origin, a.id, 'enrolled', `Приказ о зачислении № ${input.number} от ${input.issuedOn}`, { tx, expectedFrom: 'documentsChecked', set: { enrolmentOrderId: order.id, decidedAt: now } });
      // The journal records the child in the school's first grade from 1 September.
      await admitPupil({ db: tx as unknown as Database, clock: context.clock }, origin, {
        pupilId: a.childId,
        organizationId,
        grade: 1,
        startsOn: `${campaign.year}-09-01`,
        orderNumber: input.number,
        orderIssuedOn: input.issuedOn,
      });
      journalAdmitted++;
    }
    await recordAudit(tx, origin, { action: 'create', entityType: 'admission_enrolment_order', entityId: order.id, municipalityId: campaign.municipalityId, organizationId, details: { number: input.number, issuedOn: input.issuedOn, receiptNumbers: numbers } });
    return { order, journalAdmitted };
  });
}

export interface OrderView extends EnrolmentOrderRow {
  receiptNumbers: number[];
}

export async function listEnrolmentOrders(db: Executor, campaignId: string, organizationId: string): Promise<OrderView[]> {
  const orders = await db
    .select()
    .from(admissionEnrolmentOrder)
    .where(and(eq(admissionEnrolmentOrder.campaignId, campaignId), eq(admissionEnrolmentOrder.organizationId, organizationId)))
    .orderBy(desc(admissionEnrolmentOrder.issuedOn), desc(admissionEnrolmentOrder.createdAt))
    .limit(200);
  if (orders.length === 0) return [];
  const apps = await db
    .select({ orderId: admissionApplication.enrolmentOrderId, n: admissionApplication.receiptNumber })
    .from(admissionApplication)
    .where(inArray(admissionApplication.enrolmentOrderId, orders.map((o) => o.id)))
    .orderBy(asc(admissionApplication.receiptNumber));
  return orders.map((o) => ({ ...o, receiptNumbers: apps.filter((a) => a.orderId === o.id).map((a) => a.n!) }));
}

/**
 * Withdrawal by the guardian (or the desk) of an undecided application. A draft is not an
 * application yet (no receipt): withdrawing it deletes it with its own history — the schema keeps
 * every non-draft row numbered — and the audit log records the deletion.
 */
export async function withdrawApplication(context: AppContext, origin: AuditOrigin, row: AdmissionApplicationRow): Promise<'deleted' | 'withdrawn'> {
  if (row.status !== 'draft') {
    await changeAdmissionStatus(context, origin, row.id, 'withdrawn', 'Заявление отозвано заявителем', { expectedFrom: row.status });
    return 'withdrawn';
  }
  await context.db.transaction(async (tx) => {
    const [locked] = await tx.select({ status: admissionApplication.status }).from(admissionApplication).where(eq(admissionApplication.id, row.id)).for('update');
    if (locked?.status !== 'draft') throw errors.conflict('not-a-draft', { ru: 'Заявление уже подано: отзовите его заново', en: 'The application was submitted meanwhile: withdraw it again' });
    await tx.delete(admissionStatusChange).where(eq(admissionStatusChange.applicationId, row.id));
    await tx.delete(admissionApplication).where(and(eq(admissionApplication.id, row.id), eq(admissionApplication.status, 'draft')));
    await recordAudit(tx, origin, { action: 'delete', entityType: 'admissionApplication', entityId: row.id, municipalityId: row.municipalityId, organizationId: row.organizationId, details: { draft: true } });
  });
  return 'deleted';
}

// Deadlines at receipt ---------------------------------------------------------------------------

/**
 * Fixes the working-day deadlines of received applications that have none yet (the accepting
 * path leaves them to the job): stage 1 — the campaign's day (3 working days after stage 1
 * ends); stage 2 — 5 working days after the day of receipt (Order 458 §17); documents — the
 * setting's working days after receipt (Order 458 §24).
 */
export async function fixReceiptDeadlines(db: Database, applicationIds: string[]): Promise<void> {
  const rows = await db
    .select({ id: admissionApplication.id, stage: admissionApplication.stage, receivedAt: admissionApplication.receivedAt, campaignDue: admissionCampaign.stage1DecisionDueOn })
    .from(admissionApplication)
    .innerJoin(admissionCampaign, eq(admissionCampaign.id, admissionApplication.campaignId))
    .where(and(inArray(admissionApplication.id, applicationIds), isNull(admissionApplication.decisionDueOn), sql`${admissionApplication.receivedAt} IS NOT NULL`));
  if (rows.length === 0) return;
  const settings = await getAdmissionSettings(db);
  const cache = new Map<string, string>();
  const due = async (day: string, n: number) => {
    const key = `${day}+${n}`;
    if (!cache.has(key)) cache.set(key, await addWorkingDays(db, day, n));
    return cache.get(key)!;
  };
  const updates: Array<{ id: string; decision: string; documents: string }> = [];
  for (const r of rows) {
    const day = regionDate(r.receivedAt!);
    const documents = await due(day, settings.documentsWorkingDays);
    const decision = r.stage === 1 && r.campaignDue ? r.campaignDue : await due(day, settings.stage2DecisionWorkingDays);
    updates.push({ id: r.id, decision, documents });
  }
  const payload = JSON.stringify(updates);
  await db.execute(sql`
    UPDATE admission_application a SET decision_due_on = u.decision::date, documents_due_on = u.documents::date
    FROM jsonb_to_recordset(${payload}::jsonb) AS u(id uuid, decision text, documents text)
    WHERE a.id = u.id AND a.decision_due_on IS NULL`);
}


