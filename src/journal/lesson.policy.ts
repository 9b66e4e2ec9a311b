/**
 * Who may read and write a lesson: the rules of the lesson's teaching assignment
 * (journal.policy.ts: its teacher and the head write, the class teacher reads), plus the teacher
 * who substitutes for that one lesson — they write its topic, attendance and marks as the
 * assignment's teacher would, and nothing else of the assignment. Timetable changes
 * (substitutions, cancellations, moves, the template) are the head's: `canEditSchoolYear`.
 */
import { can, definePolicy, scopeFilter, type Actor } from '../platform/access/access.ts';
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

/**
 * Whose lessons a teacher's own list of what is missing covers (/journal/teaching/missing): the
 * lessons that count for their person (its substitute's, else the assignment's teacher's — the
 * completeness report's attribution) at the schools where they work as a teacher or the head.
 * Null for an actor without a person or such a grant. Each listed lesson is also checked with
 * `lessonPolicy` 'write' before it is shown.
 */
export function ownLessonScope(actor: Actor): { teacherId: string; organizationIds: string[] } | null {
  if (actor.kind !== 'account' || !actor.personId) return null;
  const schools = scopeFilter(actor, ['teacher', 'organizationHead']);
  if (schools.kind !== 'some' || schools.organizationIds.length === 0) return null;
  return { teacherId: actor.personId, organizationIds: schools.organizationIds };
}

export function canWriteLesson(actor: Actor, l: LessonAccess): boolean {
  return can(actor, lessonPolicy, 'write', l);
}
