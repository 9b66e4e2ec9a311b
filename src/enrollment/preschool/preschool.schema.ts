import { bigserial, boolean, date, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const benefitLevels = ['outOfTurn', 'firstPriority', 'preferential'] as const;
export type BenefitLevel = (typeof benefitLevels)[number];

export const preschoolSetting = pgTable('preschool_setting', {
  regionId: smallint('region_id').primaryKey(),
  maxPreferences: integer('max_preferences').notNull().default(5),
  offerAcceptanceDays: integer('offer_acceptance_days').notNull().default(10),
  registrationDecisionDays: integer('registration_decision_days').notNull().default(15),
  ageReferenceMonth: integer('age_reference_month').notNull().default(9),
  ageReferenceDay: integer('age_reference_day').notNull().default(1),
  maxAgeYears: integer('max_age_years').notNull().default(8),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

export const preschoolAgeGroup = pgTable('preschool_age_group', {
  code: text('code').primaryKey(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  minMonths: integer('min_months').notNull(),
  maxMonths: integer('max_months').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const preschoolOrientation = pgTable('preschool_orientation', {
  code: text('code').primaryKey(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const preschoolStayMode = pgTable('preschool_stay_mode', {
  code: text('code').primaryKey(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const preschoolBenefit = pgTable('preschool_benefit', {
  code: text('code').primaryKey(),
  level: text('level').$type<BenefitLevel>().notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  legalBasis: text('legal_basis').notNull(),
  provingDocument: text('proving_document').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const kindergartenGroup = pgTable('kindergarten_group', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id').notNull(),
  name: text('name').notNull(),
  ageGroupCode: text('age_group_code').notNull(),
  orientationCode: text('orientation_code').notNull(),
  stayModeCode: text('stay_mode_code').notNull(),
  capacity: integer('capacity').notNull(),
  occupied: integer('occupied').notNull().default(0),
  planStatus: text('plan_status').$type<'draft' | 'approved'>().notNull().default('draft'),
  approvedBy: uuid('approved_by'),
  approvedAt: timestamp('approved_at', tz),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

export const applicationStatuses = ['new', 'documentsChecked', 'inQueue', 'offered', 'enrolled', 'declined', 'offerExpired', 'suspended', 'removed'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type BenefitStatus = 'none' | 'claimed' | 'verified' | 'rejected';

export const preschoolApplication = pgTable('preschool_application', {
  id: uuid('id').primaryKey().defaultRandom(),
  number: text('number').notNull(),
  childId: uuid('child_id').notNull(),
  guardianId: uuid('guardian_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  registeredAt: timestamp('registered_at', tz).notNull(),
  submittedVia: text('submitted_via').$type<'online' | 'serviceDesk'>().notNull(),
  submittedByAccountId: uuid('submitted_by_account_id'),
  desiredStartDate: date('desired_start_date', { mode: 'string' }).notNull(),
  orientationCode: text('orientation_code').notNull(),
  stayModeCode: text('stay_mode_code').notNull(),
  benefitCode: text('benefit_code'),
  benefitDocument: text('benefit_document'),
  benefitStatus: text('benefit_status').$type<BenefitStatus>().notNull().default('none'),
  benefitReason: text('benefit_reason'),
  consentAlternative: boolean('consent_alternative').notNull().default(false),
  status: text('status').$type<ApplicationStatus>().notNull(),
  statusChangedAt: timestamp('status_changed_at', tz).notNull(),
  decisionDueAt: timestamp('decision_due_at', tz).notNull(),
  version: integer('version').notNull().default(1),
});

export const preschoolPreference = pgTable(
  'preschool_preference',
  {
    applicationId: uuid('application_id').notNull(),
    rank: smallint('rank').notNull(),
    organizationId: uuid('organization_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.rank] })],
);

export const preschoolStatusChange = pgTable('preschool_status_change', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  applicationId: uuid('application_id').notNull(),
  fromStatus: text('from_status').$type<ApplicationStatus | null>(),
  toStatus: text('to_status').$type<ApplicationStatus>().notNull(),
  changedAt: timestamp('changed_at', tz).notNull(),
  actorAccountId: uuid('actor_account_id'),
  actorLabel: text('actor_label').notNull(),
  reason: text('reason').notNull(),
});

export const allocationRun = pgTable('allocation_run', {
  id: uuid('id').primaryKey().defaultRandom(),
  municipalityId: integer('municipality_id').notNull(),
  kind: text('kind').$type<'main' | 'topUp'>().notNull(),
  mechanism: text('mechanism').notNull(),
  allocationDate: date('allocation_date', { mode: 'string' }).notNull(),
  status: text('status').$type<'dryRun' | 'committed' | 'discarded'>().notNull(),
  instance: jsonb('instance').notNull(),
  result: jsonb('result').notNull(),
  instanceSha256: text('instance_sha256').notNull(),
  engineVersion: text('engine_version').notNull(),
  offerNearest: boolean('offer_nearest').notNull().default(false),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  committedBy: uuid('committed_by'),
  committedAt: timestamp('committed_at', tz),
});

export type OfferStatus = 'pending' | 'accepted' | 'declined' | 'expired' | 'enrolled' | 'cancelled';

export const preschoolOffer = pgTable('preschool_offer', {
  id: uuid('id').primaryKey().defaultRandom(),
  applicationId: uuid('application_id').notNull(),
  groupId: uuid('group_id').notNull(),
  runId: uuid('run_id'),
  status: text('status').$type<OfferStatus>().notNull(),
  issuedAt: timestamp('issued_at', tz).notNull(),
  deadlineAt: timestamp('deadline_at', tz).notNull(),
  respondedAt: timestamp('responded_at', tz),
});
