/**
 * Queue position (место в очереди), defined once and used by the guardian's page, the public
 * queue and its API.
 *
 * The queue of a kindergarten for an age group is every application that
 *   - is in status `inQueue` (очередник: documents checked, waiting for an allocation run),
 *   - belongs to the same municipality,
 *   - has the same age group (age on the reference day of the desired start year),
 *   - lists that kindergarten among its preferred ones (at any rank),
 * ordered by
 *   1. the tier of a VERIFIED benefit: out of turn (внеочередное) → first priority
 *      (первоочередное) → preferential (преимущественное) → everyone else; a benefit that is only
 *      claimed, or was rejected, counts as none until the operator verifies it;
 *   2. registration time (`registered_at`, fixed at acceptance and kept when preferences change);
 *   3. the application id, so that two applications registered in the same microsecond still
 *      have one order.
 * The position is 1 + the number of applications of that queue ahead of this one. An
 * application has one position per preferred kindergarten.
 *
 * This is the waiting order, not a promise of a place: an allocation run also weighs the
 * preference ranks of everyone and the free places of each group.
 */
import type { Message } from '../../platform/i18n/i18n.ts';
import type { BenefitLevel, BenefitStatus } from './preschool.schema.ts';

/** 0 = out of turn, 1 = first priority, 2 = preferential, 3 = general. */
export type Tier = 0 | 1 | 2 | 3;
export const generalTier: Tier = 3;

const levelTiers: Record<BenefitLevel, Tier> = { outOfTurn: 0, firstPriority: 1, preferential: 2 };

export const tierNames: Record<Tier, Message> = {
  0: { ru: 'внеочередное право', en: 'out of turn' },
  1: { ru: 'первоочередное право', en: 'first priority' },
  2: { ru: 'преимущественное право', en: 'preferential' },
  3: { ru: 'общая очередь', en: 'general queue' },
};

/** The tier an application queues in: only a verified benefit lifts it. */
export function benefitTier(level: BenefitLevel | null, benefitStatus: BenefitStatus): Tier {
  if (level === null || benefitStatus !== 'verified') return generalTier;
  return levelTiers[level];
}

export interface QueueEntry {
  id: string;
  tier: Tier;
  registeredAt: Date;
}

/** Negative when `a` stands before `b` in a queue. */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  const dt = a.registeredAt.getTime() - b.registeredAt.getTime();
  if (dt !== 0) return dt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Position (1-based) of `subject` in the queue formed by `queue` (the other `inQueue`
 * applications of the same municipality and age group that list the kindergarten; the subject
 * itself, if present, is ignored).
 */
export function queuePosition(subject: QueueEntry, queue: readonly QueueEntry[]): number {
  let ahead = 0;
  for (const other of queue) if (other.id !== subject.id && compareQueueEntries(other, subject) < 0) ahead += 1;
  return ahead + 1;
}

/** The explanation shown beside a position (Russian first). */
export const queueRuleExplanation: Message = {
  ru:
    'Очередь считается отдельно для каждого выбранного детского сада и возрастной группы ребёнка. ' +
    'В неё входят заявления муниципального образования в статусе «В очереди», в которых выбран этот детский сад ' +
    '(под любым номером) и возрастная группа совпадает (возраст на 1 сентября года желаемого начала посещения). ' +
    'Сначала идут дети с подтверждённым внеочередным правом, затем с первоочередным, затем с преимущественным, ' +
    'затем все остальные; внутри каждой группы — по дате и времени регистрации заявления. ' +
    'Заявленная, но ещё не подтверждённая льгота не учитывается. Место в очереди — это число заявлений впереди плюс один; ' +
    'оно не гарантирует места: при комплектовании учитываются также приоритеты всех заявлений и свободные места в группах.',
  en:
    'The queue is counted separately for each chosen kindergarten and the child’s age group. It holds the municipality’s ' +
    'applications in status "In the queue" that list this kindergarten (at any rank) with the same age group (age on ' +
    '1 September of the desired start year). Children with a verified out-of-turn right come first, then first priority, ' +
    'then preferential, then everyone else; within each, by registration date and time. A claimed but unverified benefit ' +
    'does not count. The position is the number of applications ahead plus one; it is not a promise of a place.',
};
