/**
 * The region's admission reference data, editable by the regional administrator (rules of the
 * house: yearly rules are data): the numbers of admission_setting (Order 458 defaults) and the
 * priority categories with their level and legal basis. Codes are never deleted — applications
 * refer to them — only deactivated. Every change is audited in its transaction.
 */
import { eq } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { Database } from '../../platform/db/connect.ts';
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { admissionPriorityCategory, admissionSetting, priorityLevels, type PriorityLevel } from './admission.schema.ts';
import { getAdmissionSettings, type AdmissionSettings } from './campaign.service.ts';

export const admissionSettingFields = [
  'stage1OpenMonth',
  'stage1OpenDay',
  'stage1CloseMonth',
  'stage1CloseDay',
  'stage2OpenMonth',
  'stage2OpenDay',
  'stage2CloseMonth',
  'stage2CloseDay',
  'opensAtMinute',
  'stage1DecisionWorkingDays',
  'stage2DecisionWorkingDays',
  'documentsWorkingDays',
  'minAgeMonths',
  'maxAgeMonths',
  'territoryActMonth',
  'territoryActDay',
  'placesPublicationDays',
  'freePlacesMonth',
  'freePlacesDay',
  'defaultClassSize',
] as const;
export type AdmissionSettingField = (typeof admissionSettingFields)[number];

/** Labels, and the database's CHECK bounds repeated to answer in words. */
export const admissionSettingMeta: Record<AdmissionSettingField, { label: Message; min: number; max: number }> = {
  stage1OpenMonth: { label: { ru: '1 этап: месяц начала (п. 17 приказа 458 — не позднее 1 апреля)', en: 'Stage 1 opens: month (Order 458 §17 — by 1 April)' }, min: 1, max: 12 },
  stage1OpenDay: { label: { ru: '1 этап: день начала', en: 'Stage 1 opens: day' }, min: 1, max: 31 },
  stage1CloseMonth: { label: { ru: '1 этап: месяц окончания', en: 'Stage 1 ends: month' }, min: 1, max: 12 },
  stage1CloseDay: { label: { ru: '1 этап: последний день', en: 'Stage 1 ends: day' }, min: 1, max: 31 },
  stage2OpenMonth: { label: { ru: '2 этап: месяц начала', en: 'Stage 2 opens: month' }, min: 1, max: 12 },
  stage2OpenDay: { label: { ru: '2 этап: день начала', en: 'Stage 2 opens: day' }, min: 1, max: 31 },
  stage2CloseMonth: { label: { ru: '2 этап: месяц окончания', en: 'Stage 2 ends: month' }, min: 1, max: 12 },
  stage2CloseDay: { label: { ru: '2 этап: последний день', en: 'Stage 2 ends: day' }, min: 1, max: 31 },
  opensAtMinute: { label: { ru: 'Время открытия приёма, минут от полуночи (МСК)', en: 'Opening time, minutes after midnight (Moscow)' }, min: 0, max: 1439 },
  stage1DecisionWorkingDays: { label: { ru: 'Приказ по 1 этапу: рабочих дней после его окончания', en: 'Stage 1 order: working days after it ends' }, min: 1, max: 30 },
  stage2DecisionWorkingDays: { label: { ru: 'Решение во 2 этапе: рабочих дней после приёма заявления', en: 'Stage 2 decision: working days after receipt' }, min: 1, max: 30 },
  documentsWorkingDays: { label: { ru: 'Срок предъявления подлинников, рабочих дней', en: 'Originals to be shown within, working days' }, min: 1, max: 30 },
  minAgeMonths: { label: { ru: 'Возраст на 1 сентября не менее, месяцев', en: 'Age on 1 September at least, months' }, min: 48, max: 120 },
  maxAgeMonths: { label: { ru: 'Возраст на 1 сентября менее, месяцев', en: 'Age on 1 September below, months' }, min: 48, max: 144 },
  territoryActMonth: { label: { ru: 'Акт о закреплении территорий: месяц', en: 'Territory act: month' }, min: 1, max: 12 },
  territoryActDay: { label: { ru: 'Акт о закреплении территорий: день', en: 'Territory act: day' }, min: 1, max: 31 },
  placesPublicationDays: { label: { ru: 'Публикация числа мест: дней после акта', en: 'Places published: days after the act' }, min: 1, max: 60 },
  freePlacesMonth: { label: { ru: 'Свободные места для 2 этапа: месяц', en: 'Free places for stage 2: month' }, min: 1, max: 12 },
  freePlacesDay: { label: { ru: 'Свободные места для 2 этапа: день', en: 'Free places for stage 2: day' }, min: 1, max: 31 },
  defaultClassSize: { label: { ru: 'Наполняемость класса по умолчанию', en: 'Default class size' }, min: 1, max: 40 },
};

export function parseAdmissionSettings(raw: Record<string, unknown>): { ok: true; value: Record<AdmissionSettingField, number> } | { ok: false; errors: FieldErrors } {
  const e: FieldErrors = {};
  const value = {} as Record<AdmissionSettingField, number>;
  for (const f of admissionSettingFields) {
    const text = typeof raw[f] === 'string' ? (raw[f] as string).trim() : typeof raw[f] === 'number' ? String(raw[f]) : '';
    const n = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
    const { min, max } = admissionSettingMeta[f];
    if (!(n >= min && n <= max)) e[f] = { ru: `Целое число от ${min} до ${max}`, en: `A whole number from ${min} to ${max}` };
    else value[f] = n;
  }
  if (!e.minAgeMonths && !e.maxAgeMonths && value.maxAgeMonths <= value.minAgeMonths) e.maxAgeMonths = { ru: 'Больше нижней границы', en: 'Above the lower bound' };
  return Object.keys(e).length ? { ok: false, errors: e } : { ok: true, value };
}

export async function updateAdmissionSettings(db: Database, origin: AuditOrigin, input: Record<AdmissionSettingField, number>, now: Date): Promise<AdmissionSettings> {
  return db.transaction(async (tx) => {
    const before = await getAdmissionSettings(tx);
    const [row] = await tx.update(admissionSetting).set({ ...input, updatedAt: now }).where(eq(admissionSetting.regionId, before.regionId)).returning();
    const changes = Object.fromEntries(admissionSettingFields.filter((f) => before[f] !== input[f]).map((f) => [f, { from: before[f], to: input[f] }]));
    await recordAudit(tx, origin, { action: 'update', entityType: 'admission_setting', entityId: String(before.regionId), details: { changes } });
    return row!;
  });
}

export interface CategoryInput {
  code: string;
  level: PriorityLevel;
  nameRu: string;
  nameEn: string;
  legalBasis: string;
  documentRequired: boolean;
  sort: number;
  active: boolean;
}

export function parseCategory(raw: Record<string, unknown>): { ok: true; value: CategoryInput } | { ok: false; errors: FieldErrors } {
  const s = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const e: FieldErrors = {};
  const code = s('code');
  if (!/^[a-zA-Z][a-zA-Z0-9]{1,39}$/.test(code)) e.code = { ru: 'Латинские буквы и цифры, 2–40 знаков', en: 'Latin letters and digits, 2–40 characters' };
  const level = s('level');
  if (!(priorityLevels as readonly string[]).includes(level)) e.level = { ru: 'Выберите вид права', en: 'Choose the level' };
  for (const [k, max] of [['nameRu', 300], ['nameEn', 300], ['legalBasis', 1000]] as const) if (s(k).length < 2 || s(k).length > max) e[k] = { ru: `От 2 до ${max} знаков`, en: `2 to ${max} characters` };
  const sort = /^\d{1,5}$/.test(s('sort')) ? Number(s('sort')) : NaN;
  if (Number.isNaN(sort)) e.sort = { ru: 'Целое число', en: 'A whole number' };
  if (Object.keys(e).length) return { ok: false, errors: e };
  return { ok: true, value: { code, level: level as PriorityLevel, nameRu: s('nameRu'), nameEn: s('nameEn'), legalBasis: s('legalBasis'), documentRequired: raw.documentRequired === 'on', sort, active: raw.active === 'on' } };
}

/** Adds or changes a category (by code); audited with the new values. */
export async function saveCategory(db: Database, origin: AuditOrigin, input: CategoryInput): Promise<void> {
  await db.transaction(async (tx) => {
    const [existing] = await tx.select().from(admissionPriorityCategory).where(eq(admissionPriorityCategory.code, input.code));
    if (existing) await tx.update(admissionPriorityCategory).set(input).where(eq(admissionPriorityCategory.code, input.code));
    else await tx.insert(admissionPriorityCategory).values(input);
    await recordAudit(tx, origin, { action: existing ? 'update' : 'create', entityType: 'admission_priority_category', entityId: input.code, details: { ...input } });
  });
}


