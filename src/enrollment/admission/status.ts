/** The states of a first-grade application and the moves between them (docs/admission.md). */
import type { AdmissionStatus } from './admission.schema.ts';

export const admissionStatusNames: Record<AdmissionStatus, { ru: string; en: string }> = {
  draft: { ru: 'черновик', en: 'draft' },
  received: { ru: 'принято', en: 'received' },
  documentsChecked: { ru: 'документы проверены', en: 'documents checked' },
  enrolled: { ru: 'зачислен', en: 'enrolled' },
  refused: { ru: 'отказано (нет мест)', en: 'refused (no places)' },
  withdrawn: { ru: 'отозвано', en: 'withdrawn' },
};

// draft → received happens only in the accepting path (submission.*), set-based.
const moves: Record<AdmissionStatus, readonly AdmissionStatus[]> = {
  draft: ['withdrawn'],
  received: ['documentsChecked', 'refused', 'withdrawn'],
  // Order 458 §16: the decision follows the check of the originals
  documentsChecked: ['enrolled', 'refused', 'withdrawn'],
  enrolled: [],
  refused: [],
  withdrawn: [],
};

export function canMove(from: AdmissionStatus, to: AdmissionStatus): boolean {
  return moves[from].includes(to);
}

/** Statuses in which an application holds its child's one active place in the campaign. */
export const activeStatuses: readonly AdmissionStatus[] = ['draft', 'received', 'documentsChecked', 'enrolled'];
