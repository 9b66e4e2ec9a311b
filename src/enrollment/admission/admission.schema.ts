import { bigint, bigserial, boolean, date, integer, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const priorityLevels = ['outOfTurn', 'first', 'sibling', 'territory'] as const;
export type PriorityLevel = (typeof priorityLevels)[number];

export const admissionStatuses = ['draft', 'received', 'documentsChecked', 'enrolled', 'refused', 'withdrawn'] as const;
export type AdmissionStatus = (typeof admissionStatuses)[number];

export const campaignStatuses = ['draft', 'published', 'closed'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export type CampaignOrdering = 'receipt' | 'lottery';
export type DocumentsResult = 'confirmed' | 'notConfirmed' | 'notShown';

export const admissionPriorityCategory = pgTable('admission_priority_category', {
  code: text('code').primaryKey(),
  level: text('level').$type<PriorityLevel>().notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  legalBasis: text('legal_basis').notNull(),
  documentRequired: boolean('document_required').notNull().default(true),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const admissionSetting = pgTable('admission_setting', {
  regionId: smallint('region_id').primaryKey(),
  stage1OpenMonth: integer('stage1_open_month').notNull().default(4),
  stage1OpenDay: integer('stage1_open_day').notNull().default(1),
  stage1CloseMonth: integer('stage1_close_month').notNull().default(6),
  stage1CloseDay: integer('stage1_close_day').notNull().default(30),
  stage2OpenMonth: integer('stage2_open_month').notNull().default(7),
  stage2OpenDay: integer('stage2_open_day').notNull().default(6),
  stage2CloseMonth: integer('stage2_close_month').notNull().default(9),
  stage2CloseDay: integer('stage2_close_day').notNull().default(5),
  opensAtMinute: integer('opens_at_minute').notNull().default(0),
  stage1DecisionWorkingDays: integer('stage1_decision_working_days').notNull().default(3),
  stage2DecisionWorkingDays: integer('stage2_decision_working_days').notNull().default(5),
  documentsWorkingDays: integer('documents_working_days').notNull().default(5),
  minAgeMonths: integer('min_age_months').notNull().default(78),
  maxAgeMonths: integer('max_age_months').notNull().default(96),
  territoryActMonth: integer('territory_act_month').notNull().default(3),
  territoryActDay: integer('territory_act_day').notNull().default(15),
  placesPublicationDays: integer('places_publication_days').notNull().default(10),
  freePlacesMonth: integer('free_places_month').notNull().default(7),
  freePlacesDay: integer('free_places_day').notNull().default(5),
  defaultClassSize: integer('default_class_size').notNull().default(25),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

export const admissionCampaign = pgTable('admission_campaign', {
  id: uuid('id').primaryKey().defaultRandom(),
  municipalityId: integer('municipality_id').notNull(),
  year: integer('year').notNull(),
  stage1OpensAt: timestamp('stage1_opens_at', tz).notNull(),
  stage1ClosesAt: timestamp('stage1_closes_at', tz).notNull(),
  stage2OpensAt: timestamp('stage2_opens_at', tz).notNull(),
  stage2ClosesAt: timestamp('stage2_closes_at', tz).notNull(),
  ordering: text('ordering').$type<CampaignOrdering>().notNull().default('receipt'),
  lotteryWindowHours: integer('lottery_window_hours'),
  lotterySeedSha256: text('lottery_seed_sha256'),
  lotterySeed: text('lottery_seed'),
  status: text('status').$type<CampaignStatus>().notNull().default('draft'),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  territoryActDueOn: date('territory_act_due_on'),
  placesDueOn: date('places_due_on'),
  freePlacesDueOn: date('free_places_due_on'),
  stage1DecisionDueOn: date('stage1_decision_due_on'),
  publishedAt: timestamp('published_at', tz),
});

export const admissionSchoolPlan = pgTable(
  'admission_school_plan',
  {
    campaignId: uuid('campaign_id').notNull(),
    organizationId: uuid('organization_id').notNull(),
    classes: integer('classes').notNull(),
    classSize: integer('class_size').notNull(),
    plannedPlaces: integer('planned_places').notNull(),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.campaignId, table.organizationId] })],
);

export const admissionReceiptCounter = pgTable('admission_receipt_counter', {
  campaignId: uuid('campaign_id').primaryKey(),
  lastNumber: bigint('last_number', { mode: 'number' }).notNull().default(0),
});

export const admissionEnrolmentOrder = pgTable('admission_enrolment_order', {
  id: uuid('id').primaryKey().defaultRandom(),
  campaignId: uuid('campaign_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  number: text('number').notNull(),
  issuedOn: date('issued_on').notNull(),
  createdByAccountId: uuid('created_by_account_id'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
});

export const admissionApplication = pgTable('admission_application', {
  id: uuid('id').primaryKey().defaultRandom(),
  campaignId: uuid('campaign_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  childId: uuid('child_id').notNull(),
  guardianId: uuid('guardian_id').notNull(),
  createdByAccountId: uuid('created_by_account_id'),
  houseId: uuid('house_id'),
  apartment: text('apartment'),
  registeredSince: date('registered_since'),
  priorityCode: text('priority_code'),
  priorityDocument: text('priority_document'),
  siblingId: uuid('sibling_id'),
  inTerritory: boolean('in_territory').notNull().default(false),
  status: text('status').$type<AdmissionStatus>().notNull(),
  stage: smallint('stage').$type<1 | 2>(),
  receiptNumber: bigint('receipt_number', { mode: 'number' }),
  receivedAt: timestamp('received_at', tz),
  decisionDueOn: date('decision_due_on'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
  documentsDueOn: date('documents_due_on'),
  documentsCheckedOn: date('documents_checked_on'),
  documentsResult: text('documents_result').$type<DocumentsResult>(),
  documentsNote: text('documents_note'),
  offeredOrganizationId: uuid('offered_organization_id'),
  enrolmentOrderId: uuid('enrolment_order_id'),
  decidedAt: timestamp('decided_at', tz),
});

export const admissionStatusChange = pgTable('admission_status_change', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  applicationId: uuid('application_id').notNull(),
  fromStatus: text('from_status').$type<AdmissionStatus>(),
  toStatus: text('to_status').$type<AdmissionStatus>().notNull(),
  at: timestamp('at', tz).notNull(),
  actorAccountId: uuid('actor_account_id'),
  actorLabel: text('actor_label').notNull(),
  reason: text('reason').notNull(),
});
