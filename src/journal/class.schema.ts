/** Classes and their subgroups (migration 0020). */
import { integer, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';

export const schoolClass = pgTable('school_class', {
  id: uuid('id').primaryKey().defaultRandom(),
  yearId: uuid('year_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  grade: smallint('grade').notNull(),
  letter: text('letter').notNull(),
  classTeacherId: uuid('class_teacher_id'),
});

export const classSubgroup = pgTable('class_subgroup', {
  id: uuid('id').primaryKey().defaultRandom(),
  classId: uuid('class_id').notNull(),
  name: text('name').notNull(),
});

export const classSubgroupMember = pgTable(
  'class_subgroup_member',
  {
    subgroupId: uuid('subgroup_id').notNull(),
    pupilId: uuid('pupil_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subgroupId, t.pupilId] })],
);
