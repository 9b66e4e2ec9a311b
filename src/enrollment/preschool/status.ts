/**
 * The statuses of a kindergarten application as a state machine: every allowed transition is
 * listed here, and nowhere else. (Order No. 236 of 15.05.2020; the municipal regulation.)
 */
import type { Message } from '../../platform/i18n/i18n.ts';
import type { ApplicationStatus } from './preschool.schema.ts';

export const transitions: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  // registered, documents not yet checked (decision due within the regulation period)
  new: ['documentsChecked', 'suspended', 'removed'],
  documentsChecked: ['inQueue', 'suspended', 'removed'],
  // очередник: waiting for an allocation run
  inQueue: ['offered', 'suspended', 'removed'],
  // направлен: an offer with a deadline
  offered: ['enrolled', 'declined', 'offerExpired', 'removed'],
  enrolled: [],
  // after a declined or expired offer the child returns to the queue or is removed, as the guardian chooses
  declined: ['inQueue', 'removed'],
  offerExpired: ['inQueue', 'removed'],
  // while documents are missing; resumes to where it was
  suspended: ['new', 'documentsChecked', 'inQueue', 'removed'],
  removed: [],
};

/** Statuses in which an application holds the child's one active place in the waiting list. */
export const activeStatuses: readonly ApplicationStatus[] = ['new', 'documentsChecked', 'inQueue', 'offered', 'declined', 'offerExpired', 'suspended'];
/** Statuses counted in the public queue. */
export const queuedStatuses: readonly ApplicationStatus[] = ['inQueue'];

export function canTransition(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return transitions[from].includes(to);
}

export const statusNames: Record<ApplicationStatus, Message> = {
  new: { ru: 'Новое, документы на проверке', en: 'New, documents being checked' },
  documentsChecked: { ru: 'Документы проверены', en: 'Documents checked' },
  inQueue: { ru: 'В очереди', en: 'In the queue' },
  offered: { ru: 'Выдано направление', en: 'Place offered' },
  enrolled: { ru: 'Зачислен', en: 'Enrolled' },
  declined: { ru: 'Отказ от направления', en: 'Offer declined' },
  offerExpired: { ru: 'Срок направления истёк', en: 'Offer expired' },
  suspended: { ru: 'Приостановлено', en: 'Suspended' },
  removed: { ru: 'Снято с учёта', en: 'Removed from the list' },
};
