/**
 * Who may read and write a lesson: the rules of the lesson's teaching assignment
 * (journal.policy.ts: its teacher and the head write, the class teacher reads), plus the teacher
 * who substitutes for that one lesson — they write its topic, attendance and marks as the
 * assignment's teacher would, and nothing else of the assignment. Timetable changes
 * (substitutions, cancellations, moves, the template) are the head's: `canEditSchoolYear`.
 */
import { can, definePolicy } from '../platform/access/access.ts';
import { canReadAssignment, canWriteAssignment, type AssignmentAccess } from './journal.policy.ts';

export interface LessonAccess extends AssignmentAccess {
  substituteTeacherId: string | null;
}

/** The substitute, seen by the assignment rules as the teacher of this lesson. */
function asSubstitute(l: LessonAccess): AssignmentAccess | null {
  return l.substituteTeacherId === null ? null : { ...l, teacherId: l.substituteTeacherId };
}

export const lessonPolicy = definePolicy<LessonAccess, 'read' | 'write'>('journal-lesson', {
  read: (actor, l) => {
    const sub = asSubstitute(l);
    return canReadAssignment(actor, l) || (sub !== null && canWriteAssignment(actor, sub));
  },
  write: (actor, l) => {
    const sub = asSubstitute(l);
    return canWriteAssignment(actor, l) || (sub !== null && canWriteAssignment(actor, sub));
  },
});

export function lessonAccessOf(ctx: { access: AssignmentAccess; lesson: { substituteTeacherId: string | null } }): LessonAccess {
  return { ...ctx.access, substituteTeacherId: ctx.lesson.substituteTeacherId };
}
