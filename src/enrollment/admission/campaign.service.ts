/**
 * Admission campaigns (приёмная кампания) per municipality and year: the stage windows, the
 * publication deadlines, the plan of first-grade places per school, the ordering mode, and the
 * rule of which stage is open at a moment. Dates default from the region's settings (Order 458
 * §17: stage 1 opens no later than 1 April and ends 30 June; stage 2 runs 6 July – 5 September).
 * Authorisation is the caller's (campaign.policy.ts); every change is audited here.
 *
 * Stage windows are instants: `*_opens_at` inclusive, `*_closes_at` exclusive (stage 1 "ends 30
 * June" closes at 1 July 00:00 in the region's zone).
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import { addCalendarDays, addWorkingDays } from '../../platform/calendar/calendar.service.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { isIsoDate } from '../../platform/validation.ts';
import { listSchools } from '../../registry/territory.service.ts';
import {
  admissionCampaign,
  admissionReceiptCounter,
  admissionSchoolPlan,
  admissionSetting,
  type CampaignOrdering,
  type CampaignStatus,
} from './admission.schema.ts';
import { dayBefore, isoDateOf, regionDate, regionInstant, regionTime, ruDate } from './region-time.ts';

export type CampaignRow = typeof admissionCampaign.$inferSelect;
export type SchoolPlanRow = typeof admissionSchoolPlan.$inferSelect;
export type AdmissionSettings = typeof admissionSetting.$inferSelect;

// Settings --------------------------------------------------------------------------------------

async function regionId(db: Executor): Promise<number> {
  const [row] = await queryRows<{ id: number }>(db, sql`SELECT id FROM region ORDER BY id LIMIT 1`);
  if (!row) throw new Error('No region is installed: run the migrations and install the region first');
  return Number(row.id);
}

/** The region's admission settings; the row is created with the migration's defaults on first use. */
export async function getAdmissionSettings(db: Executor): Promise<AdmissionSettings> {
  const id = await regionId(db);
  await db.insert(admissionSetting).values({ regionId: id }).onConflictDoNothing();
  const [row] = await db.select().from(admissionSetting).where(eq(admissionSetting.regionId, id));
  return row!;
}

// The stage rule --------------------------------------------------------------------------------

/** What the stage rule and the accepting path need of a campaign. */
export type CampaignWindow = Pick<CampaignRow, 'status' | 'stage1OpensAt' | 'stage1ClosesAt' | 'stage2OpensAt' | 'stage2ClosesAt'>;

/**
 * The stage open at `now`, or null: a published campaign only; stage 1 in [stage1OpensAt,
 * stage1ClosesAt), stage 2 in [stage2OpensAt, stage2ClosesAt). Between them (1–5 July by
 * default, Order 458 §17) nothing is accepted.
 */
export function stageAt(campaign: CampaignWindow, now: Date): 1 | 2 | null {
  if (campaign.status !== 'published') return null;
  const t = now.getTime();
  if (t >= campaign.stage1OpensAt.getTime() && t < campaign.stage1ClosesAt.getTime()) return 1;
  if (t >= campaign.stage2OpensAt.getTime() && t < campaign.stage2ClosesAt.getTime()) return 2;
  return null;
}

function windowText(opensAt: Date, closesAt: Date, locale: 'ru' | 'en'): string {
  const from = `${ruDate(regionDate(opensAt))} ${regionTime(opensAt)}`;
  // closes_at is exclusive: the last day is the one before (at midnight) or the day itself.
  const last = lastDayOf(closesAt);
  const to = regionTime(closesAt) === '00:00' ? ruDate(last) : `${ruDate(last)} ${regionTime(closesAt)}`;
  return locale === 'ru' ? `с ${from} по ${to}` : `from ${from} to ${to}`;
}

/** The refusal of an out-of-window submission, giving the dates of both stages (Moscow time). */
export function stageWindowMessage(campaign: CampaignWindow, now: Date): Message {
  const stages = {
    ru: `1 этап — ${windowText(campaign.stage1OpensAt, campaign.stage1ClosesAt, 'ru')}; 2 этап — ${windowText(campaign.stage2OpensAt, campaign.stage2ClosesAt, 'ru')} (время московское)`,
    en: `stage 1 ${windowText(campaign.stage1OpensAt, campaign.stage1ClosesAt, 'en')}; stage 2 ${windowText(campaign.stage2OpensAt, campaign.stage2ClosesAt, 'en')} (Moscow time)`,
  };
  if (campaign.status === 'closed') return { ru: `${closedCampaignMessage.ru}. ${stages.ru}`, en: `${closedCampaignMessage.en}. ${stages.en}` };
  if (campaign.status !== 'published') {
    return { ru: `Приём заявлений не объявлен: кампания не опубликована. ${stages.ru}`, en: `Applications are not accepted: the campaign is not published. ${stages.en}` };
  }
  const t = now.getTime();
  if (t < campaign.stage1OpensAt.getTime()) return { ru: `Приём заявлений ещё не начался. ${stages.ru}`, en: `Applications are not accepted yet. ${stages.en}` };
  if (t >= campaign.stage2ClosesAt.getTime()) return { ru: `Приём заявлений завершён. ${stages.ru}`, en: `Applications are closed. ${stages.en}` };
  if (t >= campaign.stage1ClosesAt.getTime() && t < campaign.stage2OpensAt.getTime()) {
    return { ru: `Между этапами заявления не принимаются. ${stages.ru}`, en: `No applications between the stages. ${stages.en}` };
  }
  return { ru: `Приём заявлений открыт. ${stages.ru}`, en: `Applications are open. ${stages.en}` };
}

export interface SubmissionCampaign extends CampaignWindow {
  id: string;
  municipalityId: number;
  year: number;
  ordering: CampaignOrdering;
  lotteryWindowHours: number | null;
  stage1DecisionDueOn: string | null;
}

/** The campaign as the accepting path needs it: dates, status, ordering. One indexed read. */
export async function loadCampaignForSubmission(db: Executor, campaignId: string): Promise<SubmissionCampaign | null> {
  const [row] = await db
    .select({
      id: admissionCampaign.id,
      municipalityId: admissionCampaign.municipalityId,
      year: admissionCampaign.year,
      status: admissionCampaign.status,
      ordering: admissionCampaign.ordering,
      lotteryWindowHours: admissionCampaign.lotteryWindowHours,
      stage1OpensAt: admissionCampaign.stage1OpensAt,
      stage1ClosesAt: admissionCampaign.stage1ClosesAt,
      stage2OpensAt: admissionCampaign.stage2OpensAt,
      stage2ClosesAt: admissionCampaign.stage2ClosesAt,
      stage1DecisionDueOn: admissionCampaign.stage1DecisionDueOn,
    })
    .from(admissionCampaign)
    .where(eq(admissionCampaign.id, campaignId));
  return row ?? null;
}

// Deadlines -------------------------------------------------------------------------------------

/** The last day of a stage that closes (exclusively) at `closesAt`. */
export function lastDayOf(closesAt: Date): string {
  return regionTime(closesAt) === '00:00' ? dayBefore(regionDate(closesAt)) : regionDate(closesAt);
}

/** Order 458 §17: in stage 2, within N working days after the application is received. */
export async function stage2DecisionDueOn(db: Executor, settings: AdmissionSettings, receivedAt: Date): Promise<string> {
  return addWorkingDays(db, regionDate(receivedAt), settings.stage2DecisionWorkingDays);
}

/** The day by which the originals are to be shown (Order 458 §24; the period is a setting). */
export async function documentsDueOn(db: Executor, settings: AdmissionSettings, receivedAt: Date): Promise<string> {
  return addWorkingDays(db, regionDate(receivedAt), settings.documentsWorkingDays);
}

// Campaign input ---------------------------------------------------------------------------------

export interface CampaignInput {
  stage1OpensOn: string;
  stage1OpensTime: string; // HH:MM, region time
  stage1LastDay: string;
  stage2OpensOn: string;
  stage2LastDay: string;
  ordering: CampaignOrdering;
  lotteryWindowHours: number | null;
  lotterySeedSha256: string | null;
  territoryActDueOn: string;
  placesDueOn: string;
  freePlacesDueOn: string;
}
export type CampaignField = keyof CampaignInput;
export const campaignFields: CampaignField[] = [
  'stage1OpensOn',
  'stage1OpensTime',
  'stage1LastDay',
  'stage2OpensOn',
  'stage2LastDay',
  'ordering',
  'lotteryWindowHours',
  'lotterySeedSha256',
  'territoryActDueOn',
  'placesDueOn',
  'freePlacesDueOn',
];

export const campaignFieldLabels: Record<CampaignField | 'year' | 'municipalityId', Message> = {
  municipalityId: { ru: 'Муниципалитет', en: 'Municipality' },
  year: { ru: 'Год приёма (1 сентября)', en: 'Year of admission (1 September)' },
  stage1OpensOn: { ru: 'Начало 1 этапа', en: 'Stage 1 opens on' },
  stage1OpensTime: { ru: 'Время начала приёма (МСК)', en: 'Opening time (Moscow)' },
  stage1LastDay: { ru: 'Последний день 1 этапа', en: 'Last day of stage 1' },
  stage2OpensOn: { ru: 'Начало 2 этапа', en: 'Stage 2 opens on' },
  stage2LastDay: { ru: 'Последний день 2 этапа', en: 'Last day of stage 2' },
  ordering: { ru: 'Порядок рассмотрения', en: 'Ordering' },
  lotteryWindowHours: { ru: 'Окно лотереи, часов', en: 'Lottery window, hours' },
  lotterySeedSha256: { ru: 'SHA-256 зерна лотереи', en: 'SHA-256 of the lottery seed' },
  territoryActDueOn: { ru: 'Акт о закреплении территорий — не позднее', en: 'Territory act due by' },
  placesDueOn: { ru: 'Школы публикуют число мест — не позднее', en: 'Schools publish places by' },
  freePlacesDueOn: { ru: 'Свободные места для 2 этапа — не позднее', en: 'Free places for stage 2 by' },
};

/** Defaults for a new campaign of `year` from the region's settings. */
export function defaultCampaignInput(settings: AdmissionSettings, year: number): CampaignInput {
  const act = isoDateOf(year, settings.territoryActMonth, settings.territoryActDay);
  const hh = String(Math.floor(settings.opensAtMinute / 60)).padStart(2, '0');
  const mm = String(settings.opensAtMinute % 60).padStart(2, '0');
  return {
    stage1OpensOn: isoDateOf(year, settings.stage1OpenMonth, settings.stage1OpenDay),
    stage1OpensTime: `${hh}:${mm}`,
    stage1LastDay: isoDateOf(year, settings.stage1CloseMonth, settings.stage1CloseDay),
    stage2OpensOn: isoDateOf(year, settings.stage2OpenMonth, settings.stage2OpenDay),
    stage2LastDay: isoDateOf(year, settings.stage2CloseMonth, settings.stage2CloseDay),
    ordering: 'receipt',
    lotteryWindowHours: null,
    lotterySeedSha256: null,
    territoryActDueOn: act,
    placesDueOn: addCalendarDays(act, settings.placesPublicationDays),
    freePlacesDueOn: isoDateOf(year, settings.freePlacesMonth, settings.freePlacesDay),
  };
}

export function campaignInputText(input: CampaignInput): Record<string, string> {
  return Object.fromEntries(campaignFields.map((f) => [f, input[f] === null ? '' : String(input[f])]));
}

/** The stored campaign as form input. */
export function campaignAsInput(c: CampaignRow): CampaignInput {
  return {
    stage1OpensOn: regionDate(c.stage1OpensAt),
    stage1OpensTime: regionTime(c.stage1OpensAt),
    stage1LastDay: lastDayOf(c.stage1ClosesAt),
    stage2OpensOn: regionDate(c.stage2OpensAt),
    stage2LastDay: lastDayOf(c.stage2ClosesAt),
    ordering: c.ordering,
    lotteryWindowHours: c.lotteryWindowHours,
    lotterySeedSha256: c.lotterySeedSha256,
    territoryActDueOn: c.territoryActDueOn ?? '',
    placesDueOn: c.placesDueOn ?? '',
    freePlacesDueOn: c.freePlacesDueOn ?? '',
  };
}

function text(raw: Record<string, unknown>, field: string): string {
  const v = raw[field];
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

const needDate: Message = { ru: 'Введите дату в формате ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' };

/** Reads the campaign form or JSON; checks the order of the dates and Order 458's limits. */
export function parseCampaignInput(raw: Record<string, unknown>, year: number): { ok: true; value: CampaignInput } | { ok: false; errors: FieldErrors } {
  const e: FieldErrors = {};
  const dates = ['stage1OpensOn', 'stage1LastDay', 'stage2OpensOn', 'stage2LastDay', 'territoryActDueOn', 'placesDueOn', 'freePlacesDueOn'] as const;
  const v: Record<string, string> = {};
  for (const f of dates) {
    v[f] = text(raw, f);
    if (!isIsoDate(v[f]!)) e[f] = needDate;
  }
  const time = text(raw, 'stage1OpensTime') || '00:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) e.stage1OpensTime = { ru: 'Время в формате ЧЧ:ММ', en: 'Time as HH:MM' };
  const ordering = text(raw, 'ordering') || 'receipt';
  if (ordering !== 'receipt' && ordering !== 'lottery') e.ordering = { ru: 'Выберите порядок', en: 'Choose the ordering' };
  let hours: number | null = null;
  let sha: string | null = text(raw, 'lotterySeedSha256').toLowerCase() || null;
  if (ordering === 'lottery') {
    const h = text(raw, 'lotteryWindowHours');
    hours = /^\d{1,3}$/.test(h) ? Number(h) : NaN;
    if (!(hours >= 1 && hours <= 720)) e.lotteryWindowHours = { ru: 'Целое число часов от 1 до 720', en: 'Whole hours from 1 to 720' };
    if (sha !== null && !/^[0-9a-f]{64}$/.test(sha)) e.lotterySeedSha256 = { ru: '64 шестнадцатеричных знака', en: '64 hexadecimal characters' };
  } else {
    sha = null;
  }
  if (!e.stage1OpensOn && !e.stage1LastDay && !e.stage2OpensOn && !e.stage2LastDay) {
    // Order 458 §17: stage 1 opens no later than 1 April (earlier is allowed) of the year of admission.
    if (v.stage1OpensOn! > isoDateOf(year, 4, 1)) e.stage1OpensOn = { ru: `Не позднее 01.04.${year} (приказ 458, п. 17)`, en: `No later than 1 April ${year} (Order 458 §17)` };
    else if (v.stage1OpensOn!.slice(0, 4) !== String(year)) e.stage1OpensOn = { ru: `Дата ${year} года`, en: `A date in ${year}` };
    if (v.stage1LastDay! < v.stage1OpensOn!) e.stage1LastDay = { ru: 'Не раньше начала 1 этапа', en: 'Not before stage 1 opens' };
    if (v.stage2OpensOn! <= v.stage1LastDay!) e.stage2OpensOn = { ru: 'После окончания 1 этапа', en: 'After stage 1 ends' };
    if (v.stage2LastDay! < v.stage2OpensOn!) e.stage2LastDay = { ru: 'Не раньше начала 2 этапа', en: 'Not before stage 2 opens' };
    // Order 458 §17: stage 2 lasts no later than 5 September.
    if (v.stage2LastDay! > isoDateOf(year, 9, 5)) e.stage2LastDay = { ru: `Не позднее 05.09.${year} (приказ 458, п. 17)`, en: `No later than 5 September ${year} (Order 458 §17)` };
  }
  if (Object.keys(e).length) return { ok: false, errors: e };
  return {
    ok: true,
    value: {
      stage1OpensOn: v.stage1OpensOn!,
      stage1OpensTime: time,
      stage1LastDay: v.stage1LastDay!,
      stage2OpensOn: v.stage2OpensOn!,
      stage2LastDay: v.stage2LastDay!,
      ordering: ordering as CampaignOrdering,
      lotteryWindowHours: hours,
      lotterySeedSha256: sha,
      territoryActDueOn: v.territoryActDueOn!,
      placesDueOn: v.placesDueOn!,
      freePlacesDueOn: v.freePlacesDueOn!,
    },
  };
}

async function campaignColumns(db: Executor, settings: AdmissionSettings, input: CampaignInput) {
  const [h, m] = input.stage1OpensTime.split(':').map(Number);
  const stage1ClosesAt = regionInstant(addCalendarDays(input.stage1LastDay, 1));
  return {
    stage1OpensAt: regionInstant(input.stage1OpensOn, h! * 60 + m!),
    stage1ClosesAt,
    stage2OpensAt: regionInstant(input.stage2OpensOn, settings.opensAtMinute),
    stage2ClosesAt: regionInstant(addCalendarDays(input.stage2LastDay, 1)),
    ordering: input.ordering,
    lotteryWindowHours: input.lotteryWindowHours,
    lotterySeedSha256: input.lotterySeedSha256,
    territoryActDueOn: input.territoryActDueOn,
    placesDueOn: input.placesDueOn,
    freePlacesDueOn: input.freePlacesDueOn,
    stage1DecisionDueOn: await addWorkingDays(db, input.stage1LastDay, settings.stage1DecisionWorkingDays),
  };
}

// Campaign operations ----------------------------------------------------------------------------

export const campaignExists: Message = { ru: 'Кампания этого года для муниципалитета уже есть', en: 'This municipality already has a campaign for that year' };
export const staleCampaign: Message = { ru: 'Кампанию изменил кто-то другой. Обновите страницу', en: 'Someone else changed the campaign. Reload the page' };

/**
 * Creates a campaign with its receipt counter and a plan row for every school of the
 * municipality (0 classes of the default size until the operator enters them).
 */
export async function createCampaign(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  municipalityId: number,
  year: number,
  input: CampaignInput,
): Promise<CampaignRow> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const settings = await getAdmissionSettings(tx);
    const [row] = await tx
      .insert(admissionCampaign)
      .values({ municipalityId, year, ...(await campaignColumns(tx, settings, input)), createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError(409, 'campaign-exists', campaignExists, { year: campaignExists });
    await tx.insert(admissionReceiptCounter).values({ campaignId: row.id });
    const schools = await listSchools(tx, municipalityId);
    if (schools.length) {
      await tx
        .insert(admissionSchoolPlan)
        .values(schools.map((s) => ({ campaignId: row.id, organizationId: s.id, classes: 0, classSize: settings.defaultClassSize, plannedPlaces: 0, updatedAt: now })));
    }
    await recordAudit(tx, origin, { action: 'create', entityType: 'admission_campaign', entityId: row.id, municipalityId, details: { year, ...campaignInputText(input) } });
    return row;
  });
}

export async function updateCampaign(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, campaign: CampaignRow, version: number, input: CampaignInput): Promise<CampaignRow> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    if (campaign.status === 'closed') throw errors.conflict('campaign-closed', { ru: 'Кампания закрыта: её данные не меняются', en: 'The campaign is closed: it cannot be changed' });
    const settings = await getAdmissionSettings(tx);
    // The lottery's commitment is fixed once published: changing it would void the published hash.
    const columns = await campaignColumns(tx, settings, input);
    if (campaign.status !== 'draft' && campaign.lotterySeedSha256 !== columns.lotterySeedSha256) {
      throw errors.validation({ lotterySeedSha256: { ru: 'После публикации хеш зерна не меняется', en: 'The seed hash cannot change after publication' } });
    }
    const [row] = await tx
      .update(admissionCampaign)
      .set({ ...columns, updatedAt: now, version: sql`${admissionCampaign.version} + 1` })
      .where(and(eq(admissionCampaign.id, campaign.id), eq(admissionCampaign.version, version)))
      .returning();
    if (!row) throw errors.conflict('stale-version', staleCampaign);
    await recordAudit(tx, origin, { action: 'update', entityType: 'admission_campaign', entityId: row.id, municipalityId: row.municipalityId, details: campaignInputText(input) });
    return row;
  });
}

export const publishErrors = {
  noPlaces: { ru: 'Сначала внесите план мест хотя бы одной школы', en: 'Enter the plan of places for at least one school first' },
  noSeedHash: { ru: 'Для лотереи опубликуйте SHA-256 зерна до начала приёма', en: 'For a lottery, publish the seed SHA-256 before opening' },
  alreadyOpen: { ru: 'Приём уже начался: публиковать кампанию поздно', en: 'Applications have already opened: too late to publish' },
} satisfies Record<string, Message>;

/** Publishes a draft campaign: its dates, plans and (for a lottery) the seed's hash become public. */
export async function publishCampaign(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, campaign: CampaignRow): Promise<CampaignRow> {
  const now = context.clock.now();
  if (campaign.status !== 'draft') throw errors.conflict('campaign-published', { ru: 'Кампания уже опубликована', en: 'The campaign is already published' });
  if (campaign.ordering === 'lottery' && !campaign.lotterySeedSha256) throw new AppError(422, 'validation', publishErrors.noSeedHash, { lotterySeedSha256: publishErrors.noSeedHash });
  return context.db.transaction(async (tx) => {
    const [sum] = await queryRows<{ places: number | string }>(tx, sql`SELECT coalesce(sum(planned_places), 0) AS places FROM admission_school_plan WHERE campaign_id = ${campaign.id}`);
    if (Number(sum?.places ?? 0) <= 0) throw new AppError(422, 'validation', publishErrors.noPlaces, {});
    const [row] = await tx
      .update(admissionCampaign)
      .set({ status: 'published', publishedAt: now, updatedAt: now, version: sql`${admissionCampaign.version} + 1` })
      .where(and(eq(admissionCampaign.id, campaign.id), eq(admissionCampaign.status, 'draft')))
      .returning();
    if (!row) throw errors.conflict('stale-version', staleCampaign);
    await recordAudit(tx, origin, { action: 'update', entityType: 'admission_campaign', entityId: row.id, municipalityId: row.municipalityId, details: { published: true } });
    return row;
  });
}

export const closedCampaignMessage: Message = {
  ru: 'Приёмная кампания закрыта: черновики и заявления по ней больше не принимаются',
  en: 'The admission campaign is closed: drafts and applications are no longer accepted',
};

/** Drafts are prepared and edited only in a published campaign (a closed one refuses them). */
export function assertCampaignTakesDrafts(campaign: Pick<CampaignRow, 'status'>): void {
  if (campaign.status === 'closed') throw errors.conflict('campaign-closed', closedCampaignMessage);
  if (campaign.status !== 'published') throw errors.conflict('campaign-not-published', { ru: 'Кампания не опубликована', en: 'The campaign is not published' });
}

/**
 * Closes a published campaign once stage 2 has ended (Order 458 § 17: stage 2 runs until
 * 5 September at the latest): no drafts, no submissions, no edits of its dates afterwards.
 * The decisions, orders and protocols stay readable. Audited.
 */
export async function closeCampaign(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, campaign: CampaignRow): Promise<CampaignRow> {
  const now = context.clock.now();
  if (campaign.status === 'closed') throw errors.conflict('campaign-closed', { ru: 'Кампания уже закрыта', en: 'The campaign is already closed' });
  if (campaign.status !== 'published') throw errors.conflict('campaign-not-published', { ru: 'Закрыть можно только опубликованную кампанию', en: 'Only a published campaign can be closed' });
  if (now.getTime() < campaign.stage2ClosesAt.getTime()) {
    throw errors.conflict('stage2-not-ended', {
      ru: `Закрыть кампанию можно после окончания 2 этапа (${ruDate(lastDayOf(campaign.stage2ClosesAt))})`,
      en: `The campaign can be closed once stage 2 has ended (${lastDayOf(campaign.stage2ClosesAt)})`,
    });
  }
  return context.db.transaction(async (tx) => {
    const [row] = await tx
      .update(admissionCampaign)
      .set({ status: 'closed', updatedAt: now, version: sql`${admissionCampaign.version} + 1` })
      .where(and(eq(admissionCampaign.id, campaign.id), eq(admissionCampaign.status, 'published')))
      .returning();
    if (!row) throw errors.conflict('stale-version', staleCampaign);
    await recordAudit(tx, origin, { action: 'update', entityType: 'admission_campaign', entityId: row.id, municipalityId: row.municipalityId, details: { closed: true } });
    return row;
  });
}

export async function findCampaign(db: Executor, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(admissionCampaign).where(eq(admissionCampaign.id, id));
  return row;
}

export async function findCampaignByYear(db: Executor, municipalityId: number, year: number): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(admissionCampaign).where(and(eq(admissionCampaign.municipalityId, municipalityId), eq(admissionCampaign.year, year)));
  return row;
}

/** Campaigns, newest year first; `municipalityIds` undefined → all. */
export async function listCampaigns(db: Executor, municipalityIds: number[] | undefined, statuses?: CampaignStatus[]): Promise<CampaignRow[]> {
  const conditions = [];
  if (municipalityIds) {
    if (municipalityIds.length === 0) return [];
    conditions.push(inArray(admissionCampaign.municipalityId, municipalityIds));
  }
  if (statuses) conditions.push(inArray(admissionCampaign.status, statuses));
  return db
    .select()
    .from(admissionCampaign)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(admissionCampaign.year), asc(admissionCampaign.municipalityId))
    .limit(500);
}

/**
 * The campaign a family prepares a draft for: the municipality's published campaign that has not
 * ended yet (drafts are allowed any time before and during the stages).
 */
export async function currentCampaign(db: Executor, municipalityId: number, now: Date): Promise<CampaignRow | undefined> {
  const [row] = await db
    .select()
    .from(admissionCampaign)
    .where(and(eq(admissionCampaign.municipalityId, municipalityId), eq(admissionCampaign.status, 'published'), sql`${admissionCampaign.stage2ClosesAt} > ${now}`))
    .orderBy(asc(admissionCampaign.year))
    .limit(1);
  return row;
}

// School plans -----------------------------------------------------------------------------------

export interface SchoolPlanView extends SchoolPlanRow {
  schoolName: string;
}

export async function listSchoolPlans(db: Executor, campaign: Pick<CampaignRow, 'id' | 'municipalityId'>): Promise<SchoolPlanView[]> {
  const [plans, schools] = await Promise.all([
    db.select().from(admissionSchoolPlan).where(eq(admissionSchoolPlan.campaignId, campaign.id)),
    listSchools(db, campaign.municipalityId),
  ]);
  const byId = new Map(plans.map((p) => [p.organizationId, p]));
  // Schools opened after the campaign was created appear with an empty plan.
  return schools.map((s) => ({
    ...(byId.get(s.id) ?? { campaignId: campaign.id, organizationId: s.id, classes: 0, classSize: 25, plannedPlaces: 0, updatedAt: new Date(0) }),
    schoolName: s.shortName,
  }));
}

export interface SchoolPlanInput {
  organizationId: string;
  classes: number;
  classSize: number;
}

/** Reads `classes.<id>` and `classSize.<id>` fields for the given schools. */
export function parseSchoolPlans(raw: Record<string, unknown>, schoolIds: string[]): { ok: true; value: SchoolPlanInput[] } | { ok: false; errors: FieldErrors } {
  const e: FieldErrors = {};
  const value: SchoolPlanInput[] = [];
  for (const id of schoolIds) {
    const classes = text(raw, `classes.${id}`);
    const size = text(raw, `classSize.${id}`);
    const c = /^\d{1,3}$/.test(classes) ? Number(classes) : NaN;
    const s = /^\d{1,2}$/.test(size) ? Number(size) : NaN;
    if (!(c >= 0 && c <= 60)) e[`classes.${id}`] = { ru: 'Число классов от 0 до 60', en: 'Classes from 0 to 60' };
    if (!(s >= 1 && s <= 40)) e[`classSize.${id}`] = { ru: 'Наполняемость от 1 до 40', en: 'Class size from 1 to 40' };
    value.push({ organizationId: id, classes: c, classSize: s });
  }
  return Object.keys(e).length ? { ok: false, errors: e } : { ok: true, value };
}

/** Saves the plan of places (classes × class size) of the given schools; audited. */
export async function saveSchoolPlans(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, campaign: CampaignRow, plans: SchoolPlanInput[]): Promise<void> {
  if (plans.length === 0) return;
  const now = context.clock.now();
  await context.db.transaction(async (tx) => {
    await tx
      .insert(admissionSchoolPlan)
      .values(plans.map((p) => ({ campaignId: campaign.id, organizationId: p.organizationId, classes: p.classes, classSize: p.classSize, plannedPlaces: p.classes * p.classSize, updatedAt: now })))
      .onConflictDoUpdate({
        target: [admissionSchoolPlan.campaignId, admissionSchoolPlan.organizationId],
        set: { classes: sql`excluded.classes`, classSize: sql`excluded.class_size`, plannedPlaces: sql`excluded.planned_places`, updatedAt: now },
      });
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'admission_school_plan',
      entityId: campaign.id,
      municipalityId: campaign.municipalityId,
      details: { plans: plans.map((p) => ({ organizationId: p.organizationId, classes: p.classes, classSize: p.classSize })) },
    });
  });
}

/** One school's planned places in a campaign (0 without a plan). */
export async function plannedPlaces(db: Executor, campaignId: string, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ planned: admissionSchoolPlan.plannedPlaces })
    .from(admissionSchoolPlan)
    .where(and(eq(admissionSchoolPlan.campaignId, campaignId), eq(admissionSchoolPlan.organizationId, organizationId)));
  return row?.planned ?? 0;
}
