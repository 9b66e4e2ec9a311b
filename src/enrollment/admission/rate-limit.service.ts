/**
 * The regional administrator's editor of the admission rate limits (`admission_rate_rule`,
 * migration 0018): per action (submission, draft) and scope (account, address), at most
 * `max_hits` hits in a fixed window of `window_seconds`. Issue 4 item 6: limits shed the scripts
 * of the opening minute; DESIGN.md rule 6: limits are reference data, not code. Every change is
 * audited with its old and new values in the transaction that makes it. The processes read the
 * limits through `rateRules`, cached for `RATE_RULES_TTL_MS`: this process forgets its copy at
 * once, every other one reads the new limits within that interval (rate-limit.ts).
 */
import { and, asc, eq } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { forgetRateRules } from './rate-limit.ts';
import { admissionRateRule, type RateAction, type RateScope } from './rate-limit.schema.ts';

export type RateRuleRow = typeof admissionRateRule.$inferSelect;

export const rateActions: readonly RateAction[] = ['submission', 'draft'];
export const rateScopes: readonly RateScope[] = ['account', 'address'];

export const rateActionNames: Record<RateAction, Message> = {
  submission: { ru: 'Подача заявления', en: 'Submitting an application' },
  draft: { ru: 'Сохранение черновика', en: 'Saving a draft' },
};

export const rateScopeNames: Record<RateScope, Message> = {
  account: { ru: 'на одну учётную запись', en: 'per account' },
  address: { ru: 'на один адрес (дом и квартира)', en: 'per address (house and apartment)' },
};

/**
 * Bounds that make sense (inside the table's CHECKs: hits 1–100,000, window 1 s – 7 days): a
 * window shorter than a minute would let a script spread its attempts over many windows, and a
 * week is the longest a family can reasonably be asked to wait.
 */
export const rateRuleBounds = {
  maxHits: { min: 1, max: 100_000 },
  windowSeconds: { min: 60, max: 604_800 },
} as const;

export type RateRuleField = keyof typeof rateRuleBounds;
export const rateRuleFields: readonly RateRuleField[] = ['windowSeconds', 'maxHits'];

/** The form field of one number of one rule: 'submission-account-maxHits'. */
export function rateRuleFieldName(action: RateAction, scope: RateScope, field: RateRuleField): string {
  return `${action}-${scope}-${field}`;
}

export const rateRuleFieldLabels: Record<RateRuleField, Message> = {
  windowSeconds: { ru: 'Окно, секунд', en: 'Window, seconds' },
  maxHits: { ru: 'Не более попыток за окно', en: 'At most attempts per window' },
};

/** Labels of every form field, for the error summary: 'Подача заявления, на одну учётную запись: окно, секунд'. */
export function rateRuleFormLabels(): Record<string, Message> {
  const labels: Record<string, Message> = {};
  for (const action of rateActions) {
    for (const scope of rateScopes) {
      for (const field of rateRuleFields) {
        const [a, s, f] = [rateActionNames[action], rateScopeNames[scope], rateRuleFieldLabels[field]];
        labels[rateRuleFieldName(action, scope, field)] = { ru: `${a.ru} ${s.ru}: ${f.ru.toLowerCase()}`, en: `${a.en} ${s.en}: ${f.en.toLowerCase()}` };
      }
    }
  }
  return labels;
}

/** The four rules in a fixed order: submission then draft, account then address. */
export async function listRateRules(db: Executor): Promise<RateRuleRow[]> {
  const rows = await db.select().from(admissionRateRule).orderBy(asc(admissionRateRule.action), asc(admissionRateRule.scope));
  const rank = (r: RateRuleRow) => rateActions.indexOf(r.action) * 10 + rateScopes.indexOf(r.scope);
  return rows.sort((a, b) => rank(a) - rank(b));
}

export interface RateRuleInput {
  action: RateAction;
  scope: RateScope;
  windowSeconds: number;
  maxHits: number;
}

/**
 * Reads the form (or the API body, numbers or strings) for the given rules: whole numbers within
 * rateRuleBounds; messages in Russian and English, per field.
 */
export function parseRateRules(raw: Record<string, unknown>, rules: readonly Pick<RateRuleRow, 'action' | 'scope'>[]): { ok: true; value: RateRuleInput[] } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const value: RateRuleInput[] = [];
  for (const { action, scope } of rules) {
    const numbers = {} as Record<RateRuleField, number>;
    for (const field of rateRuleFields) {
      const name = rateRuleFieldName(action, scope, field);
      const given = raw[name];
      const text = typeof given === 'string' ? given.trim().replace(/[\s\u00a0]/g, '') : typeof given === 'number' ? String(given) : '';
      const { min, max } = rateRuleBounds[field];
      const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      if (!(n >= min && n <= max)) fieldErrors[name] = { ru: `Целое число от ${min.toLocaleString('ru-RU')} до ${max.toLocaleString('ru-RU')}`, en: `A whole number from ${min} to ${max}` };
      else numbers[field] = n;
    }
    value.push({ action, scope, ...numbers });
  }
  return Object.keys(fieldErrors).length ? { ok: false, errors: fieldErrors } : { ok: true, value };
}

/**
 * Saves the limits that differ from the stored ones and audits them (old and new values) in one
 * transaction; then this process forgets its cached limits. Unknown (action, scope) pairs are
 * refused. Returns the names of the rules changed ('submission.account').
 */
export async function updateRateRules(context: Pick<AppContext, 'db'>, origin: AuditOrigin, input: readonly RateRuleInput[]): Promise<string[]> {
  const changed = await context.db.transaction(async (tx) => {
    const current = new Map((await tx.select().from(admissionRateRule).for('update')).map((r) => [`${r.action}.${r.scope}`, r]));
    const changes: Record<string, Partial<Record<RateRuleField, { from: number; to: number }>>> = {};
    for (const rule of input) {
      const key = `${rule.action}.${rule.scope}`;
      const before = current.get(key);
      if (!before) throw errors.validation({ [rateRuleFieldName(rule.action, rule.scope, 'maxHits')]: { ru: 'Такого ограничения нет', en: 'No such limit' } });
      const diff = Object.fromEntries(rateRuleFields.filter((f) => before[f] !== rule[f]).map((f) => [f, { from: before[f], to: rule[f] }]));
      if (Object.keys(diff).length === 0) continue;
      await tx
        .update(admissionRateRule)
        .set({ windowSeconds: rule.windowSeconds, maxHits: rule.maxHits })
        .where(and(eq(admissionRateRule.action, rule.action), eq(admissionRateRule.scope, rule.scope)));
      changes[key] = diff;
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, origin, { action: 'update', entityType: 'admission_rate_rule', entityId: null, details: { changes } });
    }
    return Object.keys(changes);
  });
  if (changed.length > 0) forgetRateRules(context.db);
  return changed;
}
