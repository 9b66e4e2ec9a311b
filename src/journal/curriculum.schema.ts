/** Subjects, hours per week by grade, and teaching assignments (migration 0020). */
import { boolean, integer, numeric, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';

/** The federal list of subjects (reference data, editable by the regional administrator). */
export const subject = pgTable('subject', {
  code: text('code').primaryKey(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const curriculumHours = pgTable(
  'curriculum_hours',
  {
    yearId: uuid('year_id').notNull(),
    grade: smallint('grade').notNull(),
    subjectCode: text('subject_code').notNull(),
    /** numeric(3,1) comes back as a string, e.g. '4.0'. */
    hoursPerWeek: numeric('hours_per_week', { precision: 3, scale: 1 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.yearId, t.grade, t.subjectCode] })],
);

/** A teacher teaching a subject to a class, or to one subgroup of it. */
export const teachingAssignment = pgTable('teaching_assignment', {
  id: uuid('id').primaryKey().defaultRandom(),
  classId: uuid('class_id').notNull(),
  subgroupId: uuid('subgroup_id'),
  subjectCode: text('subject_code').notNull(),
  teacherId: uuid('teacher_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
});
