/**
 * Kindergarten applications (заявления на учёт в ДОО): registering one online or at the desk,
 * the guardian's and the desk's lists, one application's card, its queue position, editing the
 * preferences (the registration time is kept), withdrawing, the desk's transitions and benefit
 * decisions, and probable duplicates. Authorisation is the caller's (application.policy.ts);
 * every status goes through application-status.service.ts.
 */
import { isIsoDate } from '../../platform/validation.ts';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Database, type Executor } from '../../platform/db/connect.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { notifyPerson } from '../../platform/notify/notify.ts';
import { krasnodarKrai } from '../../registry/krasnodar-krai.ts';
import { findOrganization, listOrganizations, type OrganizationRow } from '../../registry/organization.service.ts';
import { personReadScope } from '../../registry/person.policy.ts';
import {
  createPerson,
  databaseErrorOf,
  DuplicatePersonError,
  findPersonAccess,
  findPersonNames,
  findPersonRecord,
  findProbableDuplicatePeople,
  isGuardianRelation,
  isUuid,
  linkGuardian,
  listOwnPeople,
  listPeople,
  parsePersonInput,
  personFullName,
  regionToday,
  resolvePersonReference,
  type GuardianRelation,
  type PersonFormValues,
  type PersonInput,
} from '../../registry/person.service.ts';
import type { ApplicationAccessFacts, ApplicationListScope } from './application.policy.ts';
import { changeApplicationStatus, lockApplication, recordStatusChange, type ApplicationRow } from './application-status.service.ts';
import {
  preschoolApplication,
  preschoolPreference,
  preschoolStatusChange,
  type ApplicationStatus,
} from './preschool.schema.ts';
import { benefitTier, type Tier } from './queue-position.ts';
import { ageGroupFor, ageInMonths, getPreschoolSettings, listAllReference, type PreschoolSettings, type ReferenceLists } from './reference.service.ts';
import { activeStatuses, statusNames } from './status.ts';

// migrations/0009: the age group fixed at registration (Drizzle mirror of the added column).
const applicationAgeGroup = pgTable('preschool_application', {
  id: uuid('id').primaryKey(),
  ageGroupCode: text('age_group_code'),
});

// Reference data (reference.service.ts) ---------------------------------------------------------

export type PreschoolSettingsValues = Pick<PreschoolSettings, 'maxPreferences' | 'registrationDecisionDays' | 'ageReferenceMonth' | 'ageReferenceDay' | 'maxAgeYears'>;

/** The settings and every list, inactive entries included (old applications still name them). */
export interface PreschoolReference extends ReferenceLists {
  settings: PreschoolSettingsValues;
}

export async function loadReference(db: Executor): Promise<PreschoolReference> {
  const [settings, lists] = await Promise.all([getPreschoolSettings(db), listAllReference(db)]);
  return { settings, ...lists };
}

/** Active entries only: what a new application may choose. */
function active<T extends { active: boolean }>(items: readonly T[]): T[] {
  return items.filter((i) => i.active);
}

// The application's own fields -------------------------------------------------------------

/** The form (or API body) of an application as strings; preferences in order. */
export interface ApplicationFormValues {
  municipalityId: string;
  preferences: string[];
  desiredStartDate: string;
  orientationCode: string;
  stayModeCode: string;
  benefitCode: string;
  benefitDocument: string;
  consentAlternative: boolean;
}

export interface ApplicationInput {
  municipalityId: number;
  /** Organisation ids in order of preference (1 = the main choice). */
  preferences: string[];
  desiredStartDate: string;
  orientationCode: string;
  stayModeCode: string;
  benefitCode: string | null;
  benefitDocument: string | null;
  consentAlternative: boolean;
}

export const applicationFieldLabels: Record<string, Message> = {
  childId: { ru: 'Ребёнок', en: 'Child' },
  municipalityId: { ru: 'Муниципальное образование', en: 'Municipality' },
  preferences: { ru: 'Детские сады', en: 'Kindergartens' },
  desiredStartDate: { ru: 'Желаемая дата начала посещения', en: 'Desired start date' },
  orientationCode: { ru: 'Направленность группы', en: 'Group orientation' },
  stayModeCode: { ru: 'Режим пребывания', en: 'Stay mode' },
  benefitCode: { ru: 'Льгота', en: 'Benefit' },
  benefitDocument: { ru: 'Документ, подтверждающий льготу', en: 'Document proving the benefit' },
  relation: { ru: 'Кем вы приходитесь ребёнку', en: 'Your relation to the child' },
  guardianRelation: { ru: 'Кем заявитель приходится ребёнку', en: 'Applicant’s relation to the child' },
  reason: { ru: 'Причина', en: 'Reason' },
};

/** Kindergartens by id, each checked to be a kindergarten of the municipality. */
async function loadKindergartens(db: Executor, ids: string[]): Promise<Map<string, OrganizationRow>> {
  const found = new Map<string, OrganizationRow>();
  for (const id of ids) {
    const row = await findOrganization(db, id.toLowerCase());
    if (row) found.set(row.id, row);
  }
  return found;
}

/** The ordered kindergartens: 1..max distinct kindergartens of the municipality. */
export async function parsePreferences(
  db: Executor,
  reference: Pick<PreschoolReference, 'settings'>,
  municipalityId: number | null,
  raw: string[],
): Promise<{ ok: true; value: string[] } | { ok: false; error: Message }> {
  const ids = raw.map((p) => p.trim().toLowerCase()).filter(Boolean);
  const max = reference.settings.maxPreferences;
  if (ids.length === 0) return { ok: false, error: { ru: 'Выберите хотя бы один детский сад', en: 'Choose at least one kindergarten' } };
  if (ids.length > max) return { ok: false, error: { ru: `Можно выбрать не больше ${max} детских садов`, en: `At most ${max} kindergartens` } };
  if (new Set(ids).size !== ids.length) return { ok: false, error: { ru: 'Детский сад выбран дважды', en: 'A kindergarten is chosen twice' } };
  if (!ids.every(isUuid)) return { ok: false, error: { ru: 'Детский сад не найден', en: 'Kindergarten not found' } };
  const found = await loadKindergartens(db, ids);
  const bad = ids.some((id) => {
    const row = found.get(id);
    return !row || row.kind !== 'kindergarten' || (municipalityId !== null && row.municipalityId !== municipalityId);
  });
  if (bad) return { ok: false, error: { ru: 'Все детские сады должны быть из выбранного муниципального образования', en: 'Every kindergarten must be in the chosen municipality' } };
  return { ok: true, value: ids };
}

/**
 * Validates the application's own fields against the reference data (the same for the form and
 * the API). `birthDate` (when known) checks that the child fits an age group on the desired start.
 */
export async function parseApplicationInput(
  db: Executor,
  reference: PreschoolReference,
  raw: ApplicationFormValues,
  today: string,
): Promise<{ ok: true; value: ApplicationInput } | { ok: false; errors: FieldErrors }> {
  const fieldErrors: FieldErrors = {};
  const municipalityId = /^\d{1,6}$/.test(raw.municipalityId.trim()) ? Number(raw.municipalityId.trim()) : NaN;
  if (!Number.isInteger(municipalityId) || municipalityId <= 0) fieldErrors.municipalityId = { ru: 'Выберите муниципальное образование', en: 'Choose the municipality' };

  const preferences = await parsePreferences(db, reference, Number.isInteger(municipalityId) ? municipalityId : null, raw.preferences);
  if (!preferences.ok) fieldErrors.preferences = preferences.error;
  const ids = preferences.ok ? preferences.value : [];

  const desiredStartDate = raw.desiredStartDate.trim();
  if (!desiredStartDate) fieldErrors.desiredStartDate = { ru: 'Введите желаемую дату начала посещения', en: 'Enter the desired start date' };
  else if (!isIsoDate(desiredStartDate)) fieldErrors.desiredStartDate = { ru: 'Дата в формате ГГГГ-ММ-ДД', en: 'Date as YYYY-MM-DD' };
  else if (desiredStartDate < today) fieldErrors.desiredStartDate = { ru: 'Дата не может быть в прошлом', en: 'The date cannot be in the past' };
  else if (Number(desiredStartDate.slice(0, 4)) > Number(today.slice(0, 4)) + 8) fieldErrors.desiredStartDate = { ru: 'Проверьте год', en: 'Check the year' };

  const orientationCode = raw.orientationCode.trim();
  if (!active(reference.orientations).some((o) => o.code === orientationCode)) fieldErrors.orientationCode = { ru: 'Выберите направленность группы', en: 'Choose the orientation' };
  const stayModeCode = raw.stayModeCode.trim();
  if (!active(reference.stayModes).some((o) => o.code === stayModeCode)) fieldErrors.stayModeCode = { ru: 'Выберите режим пребывания', en: 'Choose the stay mode' };

  const benefitCode = raw.benefitCode.trim() || null;
  const benefitDocument = raw.benefitDocument.trim().replace(/\s+/g, ' ') || null;
  if (benefitCode && !active(reference.benefits).some((b) => b.code === benefitCode)) fieldErrors.benefitCode = { ru: 'Льгота не найдена', en: 'Unknown benefit' };
  if (benefitCode && !benefitDocument) fieldErrors.benefitDocument = { ru: 'Укажите реквизиты документа, подтверждающего льготу', en: 'Enter the details of the proving document' };
  if (benefitDocument && benefitDocument.length > 300) fieldErrors.benefitDocument = { ru: 'Не длиннее 300 символов', en: 'At most 300 characters' };

  if (Object.keys(fieldErrors).length) return { ok: false, errors: fieldErrors };
  return {
    ok: true,
    value: {
      municipalityId,
      preferences: ids,
      desiredStartDate,
      orientationCode,
      stayModeCode,
      benefitCode,
      benefitDocument: benefitCode ? benefitDocument : null,
      consentAlternative: raw.consentAlternative,
    },
  };
}

// Registering --------------------------------------------------------------------------------

export const activeApplicationExists: Message = {
  ru: 'У ребёнка уже есть действующее заявление в детский сад. Измените его или отзовите, прежде чем подавать новое.',
  en: 'The child already has an active kindergarten application. Change or withdraw it before applying again.',
};

export class ActiveApplicationError extends AppError {
  constructor(readonly existingId: string | null) {
    super(409, 'preschool-application-active', activeApplicationExists, { childId: activeApplicationExists });
  }
}

/** `23-<municipality, 2 digits>-<year>-<6-digit sequence>`: the public number, no personal data. */
export function formatApplicationNumber(municipalityId: number, year: number, sequence: number): string {
  return `${krasnodarKrai.code}-${String(municipalityId).padStart(2, '0')}-${year}-${String(sequence).padStart(6, '0')}`;
}

function regionYear(now: Date): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric' }).format(now));
}

async function findActiveApplicationId(db: Executor, childId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: preschoolApplication.id })
    .from(preschoolApplication)
    .where(and(eq(preschoolApplication.childId, childId), inArray(preschoolApplication.status, [...activeStatuses])))
    .limit(1);
  return row?.id ?? null;
}

export interface NewApplication {
  childId: string;
  guardianId: string;
  submittedVia: 'online' | 'serviceDesk';
  submittedByAccountId: string | null;
  ageGroupCode: string;
  input: ApplicationInput;
}

/**
 * Registers an application in one transaction: number, row, preferences, first status 'new'
 * with its history, audit and notice. registered_at = now (fixed for good); the decision is due
 * after the regulation's days. A second active application of the child answers 409.
 */
export async function createApplication(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, reference: PreschoolReference, application: NewApplication): Promise<ApplicationRow> {
  const now = context.clock.now();
  const { input } = application;
  try {
    return await context.db.transaction(async (tx) => {
      const [seq] = await queryRows<{ n: string | number }>(tx, sql`SELECT nextval('preschool_application_number') AS n`);
      const number = formatApplicationNumber(input.municipalityId, regionYear(now), Number(seq!.n));
      const [row] = await tx
        .insert(preschoolApplication)
        .values({
          number,
          childId: application.childId,
          guardianId: application.guardianId,
          municipalityId: input.municipalityId,
          registeredAt: now,
          submittedVia: application.submittedVia,
          submittedByAccountId: application.submittedByAccountId,
          desiredStartDate: input.desiredStartDate,
          orientationCode: input.orientationCode,
          stayModeCode: input.stayModeCode,
          benefitCode: input.benefitCode,
          benefitDocument: input.benefitDocument,
          benefitStatus: input.benefitCode ? 'claimed' : 'none',
          consentAlternative: input.consentAlternative,
          status: 'new',
          statusChangedAt: now,
          decisionDueAt: new Date(now.getTime() + reference.settings.registrationDecisionDays * 86_400_000),
        })
        .returning();
      await tx.update(applicationAgeGroup).set({ ageGroupCode: application.ageGroupCode }).where(eq(applicationAgeGroup.id, row!.id));
      await tx.insert(preschoolPreference).values(input.preferences.map((organizationId, i) => ({ applicationId: row!.id, rank: i + 1, organizationId })));
      await recordStatusChange(tx, origin, now, row!, null, application.submittedVia === 'online' ? 'Заявление подано через портал' : 'Заявление принято при личном обращении');
      return row!;
    });
  } catch (error) {
    const dbError = databaseErrorOf(error);
    if (dbError?.code === '23505' && (dbError.constraint === 'preschool_application_one_active' || /one_active/.test(dbError.message ?? ''))) {
      throw new ActiveApplicationError(await findActiveApplicationId(context.db, application.childId));
    }
    throw error;
  }
}

// Who the child and the guardian are -------------------------------------------------------

export interface PersonFields {
  lastName: string;
  firstName: string;
  middleName: string;
  birthDate: string;
  sex: string;
  snils: string;
  birthCertificateSeries: string;
  birthCertificateNumber: string;
  passportSeries: string;
  passportNumber: string;
  phone: string;
  email: string;
  relation: string;
}

export const emptyPersonFields: PersonFields = {
  lastName: '',
  firstName: '',
  middleName: '',
  birthDate: '',
  sex: '',
  snils: '',
  birthCertificateSeries: '',
  birthCertificateNumber: '',
  passportSeries: '',
  passportNumber: '',
  phone: '',
  email: '',
  relation: '',
};

/** A whole submission: the child (linked one or new), the applicant (desk only) and the application. */
export interface ApplicationSubmission {
  /** A linked child's id, or 'new' with `child` filled in. */
  childId: string;
  child: PersonFields;
  /** Desk only: the applicant who came in person. */
  guardian: PersonFields | null;
  application: ApplicationFormValues;
}

export type Applicant = { kind: 'online'; guardianId: string } | { kind: 'desk'; accountId: string };

/** Field name of a person's field in the combined form: childLastName, guardianSnils… */
export function prefixed(prefix: 'child' | 'guardian', field: string): string {
  return `${prefix}${field[0]!.toUpperCase()}${field.slice(1)}`;
}

function prefixErrors(prefix: 'child' | 'guardian', fieldErrors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [prefixed(prefix, k), v]));
}

function personValues(fields: PersonFields, municipalityId: string): PersonFormValues {
  const { relation: _relation, ...rest } = fields;
  return { ...rest, municipalityId, organizationId: '' };
}

export const childNotYoursMessage: Message = {
  ru:
    'Ребёнок с таким свидетельством о рождении уже есть в реестре, но не связан с вашей учётной записью. ' +
    'Обратитесь в управление образования или МФЦ с документами, подтверждающими, что вы законный представитель.',
  en: 'A child with this birth certificate is already registered but not linked to your account. Please visit the education office or MFC with the documents proving you are the legal representative.',
};

/** An existing record with the same identity document, found through the registry's services. */
async function findSamePerson(db: Executor, actor: Actor, input: PersonInput): Promise<string | null> {
  if (input.snils) {
    const id = await resolvePersonReference(db, input.snils);
    if (id) return id;
  }
  const probes: Array<{ number: string | null; matches: (p: { birthCertificateSeries: string | null; birthCertificateNumber: string | null; passportSeries: string | null; passportNumber: string | null }) => boolean }> = [
    { number: input.birthCertificateNumber, matches: (p) => p.birthCertificateSeries === input.birthCertificateSeries && p.birthCertificateNumber === input.birthCertificateNumber },
    { number: input.passportNumber, matches: (p) => p.passportSeries === input.passportSeries && p.passportNumber === input.passportNumber },
  ];
  for (const probe of probes) {
    if (!probe.number) continue;
    const { items } = await listPeople(db, personReadScope(actor), { q: probe.number, limit: 20 });
    for (const item of items) {
      const record = await findPersonRecord(db, item.id);
      if (record && probe.matches(record.person)) return record.person.id;
    }
  }
  return null;
}

/**
 * Resolves a submission to a child and a guardian in the registry (creating and linking them
 * through the registry's services), then registers the application. Validation errors of every
 * part are reported together (422); a child already registered but not the guardian's is a 409.
 */
export async function submitApplication(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  applicant: Applicant,
  submission: ApplicationSubmission,
): Promise<ApplicationRow> {
  const { db } = context;
  const today = regionToday(context.clock);
  const reference = await loadReference(db);
  const fieldErrors: FieldErrors = {};
  const parsedApplication = await parseApplicationInput(db, reference, submission.application, today);
  if (!parsedApplication.ok) Object.assign(fieldErrors, parsedApplication.errors);
  const municipalityText = submission.application.municipalityId;

  // the applicant (desk: the person who came in; online: the account's person)
  let guardianInput: PersonInput | null = null;
  if (applicant.kind === 'desk') {
    const parsed = parsePersonInput(personValues(submission.guardian ?? emptyPersonFields, municipalityText || '0'), today);
    if (!parsed.ok) Object.assign(fieldErrors, prefixErrors('guardian', parsed.errors));
    else if (!parsed.value.snils && !parsed.value.passportNumber) {
      fieldErrors.guardianSnils = { ru: 'Укажите СНИЛС или паспорт заявителя', en: 'Enter the applicant’s SNILS or passport' };
    } else guardianInput = parsed.value;
  }

  // the child: a linked one, or new details
  let childInput: PersonInput | null = null;
  let existingChildId: string | null = null;
  const relationText = applicant.kind === 'desk' ? (submission.guardian?.relation ?? '') : submission.child.relation;
  const relation: GuardianRelation | null = isGuardianRelation(relationText) ? relationText : null;
  if (applicant.kind === 'online' && isUuid(submission.childId)) {
    const own = await listOwnPeople(db, applicant.guardianId);
    existingChildId = own.children.find((c) => c.id === submission.childId.toLowerCase())?.id ?? null;
    if (!existingChildId) fieldErrors.childId = { ru: 'Выберите ребёнка из списка или добавьте нового', en: 'Choose a child from the list or add one' };
  } else if (applicant.kind === 'online' && submission.childId !== 'new') {
    fieldErrors.childId = { ru: 'Выберите ребёнка или добавьте нового', en: 'Choose a child or add one' };
  } else {
    const parsed = parsePersonInput(personValues(submission.child, municipalityText || '0'), today);
    if (!parsed.ok) Object.assign(fieldErrors, prefixErrors('child', parsed.errors));
    else if (!parsed.value.birthCertificateNumber) {
      fieldErrors.childBirthCertificateNumber = { ru: 'Введите номер свидетельства о рождении', en: 'Enter the birth certificate number' };
    } else childInput = parsed.value;
    if (!relation) fieldErrors[applicant.kind === 'desk' ? 'guardianRelation' : 'childRelation'] = { ru: 'Выберите, кем заявитель приходится ребёнку', en: 'Choose the relation' };
  }

  // the child's age on the desired start decides the age group
  let birthDate = childInput?.birthDate ?? null;
  if (existingChildId) birthDate = (await findPersonRecord(db, existingChildId))?.person.birthDate ?? null;
  let ageGroupCode: string | null = null;
  if (birthDate && parsedApplication.ok) {
    const group = ageGroupFor(birthDate, parsedApplication.value.desiredStartDate, reference.settings, reference.ageGroups);
    if (ageInMonths(birthDate, today) >= reference.settings.maxAgeYears * 12) {
      fieldErrors[existingChildId ? 'childId' : 'childBirthDate'] = {
        ru: `На учёт ставят детей младше ${reference.settings.maxAgeYears} лет`,
        en: `Children are registered until the age of ${reference.settings.maxAgeYears}`,
      };
    } else if (!group) {
      fieldErrors.desiredStartDate = {
        ru: 'На эту дату возраст ребёнка не подходит ни к одной возрастной группе: выберите другую дату начала посещения',
        en: 'On this date the child fits no age group: choose another start date',
      };
    } else ageGroupCode = group.code;
  }
  if (Object.keys(fieldErrors).length || !parsedApplication.ok || !ageGroupCode) throw errors.validation(fieldErrors);
  const input = parsedApplication.value;

  // resolve the people, through the registry's service functions
  let guardianId: string;
  if (applicant.kind === 'online') guardianId = applicant.guardianId;
  else {
    guardianInput = { ...guardianInput!, municipalityId: input.municipalityId };
    guardianId = (await findSamePerson(db, origin.actor, guardianInput)) ?? (await createPersonOrExisting(context, origin, guardianInput));
  }
  let childId: string;
  if (existingChildId) childId = existingChildId;
  else {
    const childRecord = { ...childInput!, municipalityId: input.municipalityId };
    if (applicant.kind === 'online') {
      childId = await createOwnChild(context, origin, applicant.guardianId, childRecord);
    } else {
      childId = (await findSamePerson(db, origin.actor, childRecord)) ?? (await createPersonOrExisting(context, origin, childRecord));
    }
    const facts = await findPersonAccess(db, childId);
    if (facts && !facts.guardianIds.includes(guardianId)) await linkGuardian(db as Database, origin, facts, guardianId, relation!);
  }

  return createApplication(context, origin, reference, {
    childId,
    guardianId,
    submittedVia: applicant.kind === 'online' ? 'online' : 'serviceDesk',
    submittedByAccountId: origin.actor.kind === 'account' ? origin.actor.accountId : null,
    ageGroupCode,
    input,
  });
}

async function createPersonOrExisting(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, input: PersonInput): Promise<string> {
  // a record with the same document outside the operator's scope answers 409 (DuplicatePersonError):
  // the operator must not silently take it over
  return createPerson(context.db as Database, origin, input, context.clock.now());
}

/**
 * A guardian adds a child: a new record, or — when the birth certificate (or SNILS) is already
 * recorded — the existing record only if it is already linked to this guardian.
 */
async function createOwnChild(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, guardianId: string, input: PersonInput): Promise<string> {
  try {
    return await createPerson(context.db as Database, origin, input, context.clock.now());
  } catch (error) {
    if (!(error instanceof DuplicatePersonError)) throw error;
    const own = await listOwnPeople(context.db, guardianId);
    for (const child of own.children) {
      const record = await findPersonRecord(context.db, child.id);
      const p = record?.person;
      if (!p) continue;
      const sameCertificate = p.birthCertificateSeries === input.birthCertificateSeries && p.birthCertificateNumber === input.birthCertificateNumber;
      const sameSnils = input.snils !== null && p.snils === input.snils;
      if (sameCertificate || sameSnils) return p.id;
    }
    throw new AppError(409, 'preschool-child-not-linked', childNotYoursMessage, { childBirthCertificateNumber: childNotYoursMessage });
  }
}

// Loading ------------------------------------------------------------------------------------

export interface PreferenceView {
  rank: number;
  organizationId: string;
  name: string;
  address: string;
}

export interface ApplicationDetail {
  application: ApplicationRow;
  ageGroupCode: string | null;
  access: ApplicationAccessFacts;
  child: { id: string; lastName: string; firstName: string; middleName: string | null; birthDate: string };
  guardian: { id: string; lastName: string; firstName: string; middleName: string | null } | null;
  preferences: PreferenceView[];
  history: Array<typeof preschoolStatusChange.$inferSelect>;
}

/** One application with everything its card shows (the child's record through the registry). */
export async function findApplicationDetail(db: Executor, id: string): Promise<ApplicationDetail | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(preschoolApplication).where(eq(preschoolApplication.id, id.toLowerCase()));
  if (!row) return null;
  const [[age], preferences, history, childRecord, guardianRecord] = await Promise.all([
    db.select({ code: applicationAgeGroup.ageGroupCode }).from(applicationAgeGroup).where(eq(applicationAgeGroup.id, row.id)),
    db.select().from(preschoolPreference).where(eq(preschoolPreference.applicationId, row.id)).orderBy(asc(preschoolPreference.rank)),
    db.select().from(preschoolStatusChange).where(eq(preschoolStatusChange.applicationId, row.id)).orderBy(asc(preschoolStatusChange.id)),
    findPersonRecord(db, row.childId),
    findPersonRecord(db, row.guardianId),
  ]);
  const organizations = await loadKindergartens(db, preferences.map((p) => p.organizationId));
  const child = childRecord!.person;
  return {
    application: row,
    ageGroupCode: age?.code ?? null,
    access: { municipalityId: row.municipalityId, guardianId: row.guardianId, childGuardianIds: childRecord?.access.guardianIds ?? [] },
    child: { id: child.id, lastName: child.lastName, firstName: child.firstName, middleName: child.middleName, birthDate: child.birthDate },
    guardian: guardianRecord ? { id: guardianRecord.person.id, lastName: guardianRecord.person.lastName, firstName: guardianRecord.person.firstName, middleName: guardianRecord.person.middleName } : null,
    preferences: preferences.map((p) => {
      const o = organizations.get(p.organizationId);
      return { rank: p.rank, organizationId: p.organizationId, name: o?.shortName ?? '—', address: o?.address ?? '' };
    }),
    history,
  };
}

/** One audit event for a staff read of an application's card (it shows a child's data). */
export async function recordApplicationRead(db: Executor, origin: AuditOrigin, detail: ApplicationDetail, channel: 'page' | 'api'): Promise<void> {
  await recordAudit(db, origin, {
    action: 'read',
    entityType: 'preschoolApplication',
    entityId: detail.application.id,
    municipalityId: detail.application.municipalityId,
    details: { channel, childId: detail.child.id },
  });
}

/** One audit event for a list of applications shown to staff (it names children), with the ids. */
export async function recordApplicationListRead(db: Executor, origin: AuditOrigin, items: Array<Pick<ApplicationListItem, 'id' | 'municipalityId'>>, channel: 'page' | 'api'): Promise<void> {
  if (items.length === 0) return;
  const municipalities = new Set(items.map((i) => i.municipalityId));
  await recordAudit(db, origin, {
    action: 'read',
    entityType: 'preschoolApplication',
    entityId: null,
    municipalityId: municipalities.size === 1 ? items[0]!.municipalityId : null,
    details: { channel, list: true, ids: items.map((i) => i.id) },
  });
}

export interface ApplicationListItem {
  id: string;
  number: string;
  status: ApplicationStatus;
  registeredAt: Date;
  municipalityId: number;
  childId: string;
  childName: string;
  childBirthDate: string;
  benefitStatus: string;
  ageGroupCode: string | null;
  decisionDueAt: Date;
}

export interface ApplicationListQuery {
  status?: ApplicationStatus;
  /** Exact application number (searched by POST: kept out of URLs and logs). */
  number?: string;
  /** Keyset: the id of the last application of the previous page. */
  after?: string;
  limit: number;
}

function listScopeCondition(scope: ApplicationListScope, childIds: string[]): SQL {
  if (scope.kind === 'all') return sql`true`;
  if (scope.kind === 'none') return sql`false`;
  const parts: SQL[] = [];
  if (scope.municipalityIds.length) parts.push(inArray(preschoolApplication.municipalityId, scope.municipalityIds));
  if (scope.guardianPersonId) parts.push(eq(preschoolApplication.guardianId, scope.guardianPersonId));
  if (childIds.length) parts.push(inArray(preschoolApplication.childId, childIds));
  return parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`false`;
}

/**
 * Applications in a scope, newest registration first, keyset-paginated by (registered_at, id).
 * Child names for the page come in the same query.
 */
export async function listApplications(db: Executor, scope: ApplicationListScope, query: ApplicationListQuery): Promise<{ items: ApplicationListItem[]; nextAfter: string | null }> {
  if (scope.kind === 'none') return { items: [], nextAfter: null };
  // a guardian sees the applications they made and those of the children linked to them
  const childIds = scope.kind === 'some' && scope.guardianPersonId ? (await listOwnPeople(db, scope.guardianPersonId)).children.map((c) => c.id) : [];
  const conditions: SQL[] = [listScopeCondition(scope, childIds)];
  if (query.status) conditions.push(eq(preschoolApplication.status, query.status));
  if (query.number) conditions.push(eq(preschoolApplication.number, query.number));
  if (query.after) {
    if (!isUuid(query.after)) return { items: [], nextAfter: null };
    conditions.push(
      sql`(${preschoolApplication.registeredAt}, ${preschoolApplication.id}) < (SELECT c.registered_at, c.id FROM preschool_application c WHERE c.id = ${query.after.toLowerCase()})`,
    );
  }
  const rows = await db
    .select({
      id: preschoolApplication.id,
      number: preschoolApplication.number,
      status: preschoolApplication.status,
      registeredAt: preschoolApplication.registeredAt,
      municipalityId: preschoolApplication.municipalityId,
      childId: preschoolApplication.childId,
      benefitStatus: preschoolApplication.benefitStatus,
      decisionDueAt: preschoolApplication.decisionDueAt,
      ageGroupCode: sql<string | null>`preschool_application.age_group_code`,
    })
    .from(preschoolApplication)
    .where(and(...conditions))
    .orderBy(desc(preschoolApplication.registeredAt), desc(preschoolApplication.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const names = await childNames(db, page.map((r) => r.childId));
  return {
    items: page.map((r) => ({ ...r, childName: names.get(r.childId)?.name ?? '—', childBirthDate: names.get(r.childId)?.birthDate ?? '' })),
    nextAfter: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}

// Registry reads in batch --------------------------------------------------------------------
// People are read through the registry's batch services (house rule 3), one query per list.

async function childNames(db: Executor, ids: string[]): Promise<Map<string, { name: string; birthDate: string }>> {
  const names = await findPersonNames(db, ids);
  return new Map([...names].map(([id, n]) => [id, { name: personFullName(n), birthDate: n.birthDate }]));
}

export interface DuplicateCandidate {
  applicationId: string;
  number: string;
  status: ApplicationStatus;
  municipalityId: number;
  registeredAt: Date;
  /** Why it looks like the same child. */
  reasons: Array<'sameChild' | 'birthCertificate' | 'snils' | 'nameAndBirthDate'>;
}

/**
 * Probable duplicates of an application: other applications (any status, any municipality) of
 * the same child record, or of a child with the same birth certificate or SNILS, or with the same
 * last name, first name and birth date ignoring case and ё/е (translate(lower(…), 'ё', 'е')).
 */
export async function findProbableDuplicates(db: Executor, applicationId: string): Promise<DuplicateCandidate[]> {
  const [me] = await db.select({ childId: preschoolApplication.childId }).from(preschoolApplication).where(eq(preschoolApplication.id, applicationId));
  if (!me) return [];
  // the people who look like this child come from the registry; their applications are ours
  const people = await findProbableDuplicatePeople(db, me.childId);
  const childIds = [me.childId, ...people.map((p) => p.personId)];
  const rows = await db
    .select({
      id: preschoolApplication.id,
      number: preschoolApplication.number,
      status: preschoolApplication.status,
      municipalityId: preschoolApplication.municipalityId,
      registeredAt: preschoolApplication.registeredAt,
      childId: preschoolApplication.childId,
    })
    .from(preschoolApplication)
    .where(and(inArray(preschoolApplication.childId, childIds), sql`${preschoolApplication.id} <> ${applicationId}`))
    .orderBy(desc(preschoolApplication.registeredAt))
    .limit(50);
  const why = new Map(people.map((p) => [p.personId, p]));
  return rows.map((r) => {
    const person = r.childId === me.childId ? null : why.get(r.childId);
    return {
      applicationId: r.id,
      number: r.number,
      status: r.status as ApplicationStatus,
      municipalityId: r.municipalityId,
      registeredAt: new Date(r.registeredAt),
      reasons: person
        ? [
            ...(person.sameBirthCertificate ? (['birthCertificate'] as const) : []),
            ...(person.sameSnils ? (['snils'] as const) : []),
            ...(person.sameNameAndBirthDate ? (['nameAndBirthDate'] as const) : []),
          ]
        : (['sameChild'] as const).slice(),
    };
  });
}

// Queue position -------------------------------------------------------------------------------

export interface QueuePlace {
  rank: number;
  organizationId: string;
  /** 1 + applications ahead; meaningful while the application is inQueue. */
  position: number;
  ahead: number;
  /** Everyone in that queue (inQueue, same municipality and age group, lists the kindergarten). */
  total: number;
}

export interface QueuePositionResult {
  status: ApplicationStatus;
  tier: Tier;
  ageGroupCode: string | null;
  places: QueuePlace[];
}

/**
 * The queue position of one application at each of its preferred kindergartens (the rule is in
 * queue-position.ts), in ONE query: the inQueue applications of the same municipality and age
 * group (covering index preschool_application_waiting_covering, migrations/0012) that list any
 * of its kindergartens (covering index preschool_preference_organization_application), read once
 * and counted per kindergarten — ahead by (tier, registered_at, id), and in total. The public
 * lookup by number (public-queue.service.ts) calls this too, so a parent sees one position.
 * Measured on PostgreSQL with 150,000 applications, 5 preferences each over 1,600 kindergartens
 * of one municipality (~27,000 waiting per age group), through the public lookup: p50 12 ms,
 * p95 18 ms on this 2-core machine (docs/benchmarks.md).
 */
export async function findQueuePosition(db: Executor, applicationId: string): Promise<QueuePositionResult | null> {
  if (!isUuid(applicationId)) return null;
  // the tier of a verified benefit (queue-position.ts): 0 out of turn … 3 general
  const tierOf = (application: string, benefit: string) =>
    sql.raw(
      `CASE WHEN ${application}.benefit_status = 'verified' THEN CASE ${benefit}.level WHEN 'outOfTurn' THEN 0 WHEN 'firstPriority' THEN 1 WHEN 'preferential' THEN 2 ELSE 3 END ELSE 3 END`,
    );
  const rows = await queryRows<{ status: ApplicationStatus; tier: number; age_group_code: string | null; rank: number | null; organization_id: string | null; ahead: string | number | null; total: string | number | null }>(
    db,
    sql`WITH me AS (
          SELECT a.id, a.status, a.municipality_id, a.age_group_code, a.registered_at, ${tierOf('a', 'b')} AS tier
          FROM preschool_application a LEFT JOIN preschool_benefit b ON b.code = a.benefit_code
          WHERE a.id = ${applicationId.toLowerCase()}
        ),
        mine AS (
          SELECT p.rank, p.organization_id FROM me JOIN preschool_preference p ON p.application_id = me.id
        ),
        -- the waiting list of the municipality and age group, read once through its partial index
        waiting AS MATERIALIZED (
          SELECT o.id, o.registered_at, ${tierOf('o', 'ob')} AS tier
          FROM preschool_application o
          LEFT JOIN preschool_benefit ob ON ob.code = o.benefit_code
          WHERE o.status = 'inQueue'
            AND o.municipality_id = (SELECT municipality_id FROM me)
            AND o.age_group_code = (SELECT age_group_code FROM me)
        ),
        counts AS (
          SELECT op.organization_id,
                 count(*) FILTER (WHERE (w.tier, w.registered_at, w.id) < (me.tier, me.registered_at, me.id)) AS ahead,
                 count(*) FILTER (WHERE w.id <> me.id) AS total
          FROM me
          CROSS JOIN preschool_preference op
          JOIN waiting w ON w.id = op.application_id
          WHERE op.organization_id = ANY (ARRAY(SELECT organization_id FROM mine))
          GROUP BY op.organization_id
        )
        SELECT me.status, me.tier, me.age_group_code, mine.rank, mine.organization_id, counts.ahead, counts.total
        FROM me
        LEFT JOIN mine ON true
        LEFT JOIN counts ON counts.organization_id = mine.organization_id
        ORDER BY mine.rank`,
  );
  const first = rows[0];
  if (!first) return null;
  return {
    status: first.status,
    tier: Number(first.tier) as Tier,
    ageGroupCode: first.age_group_code,
    places: rows
      .filter((r) => r.rank !== null)
      .map((r) => {
        const ahead = Number(r.ahead ?? 0);
        // `total` counts the others; the application itself is in the queue when inQueue
        const total = Number(r.total ?? 0) + (first.status === 'inQueue' ? 1 : 0);
        return { rank: Number(r.rank), organizationId: r.organization_id!, position: ahead + 1, ahead, total };
      }),
  };
}

/** The tier of an application row (for views). */
export function tierOfApplication(application: Pick<ApplicationRow, 'benefitCode' | 'benefitStatus'>, reference: Pick<PreschoolReference, 'benefits'>): Tier {
  const level = reference.benefits.find((b) => b.code === application.benefitCode)?.level ?? null;
  return benefitTier(level, application.benefitStatus);
}

// Changes by the guardian ------------------------------------------------------------------

/** Preferences may change while the application is active and no place is offered. */
export function mayEditPreferences(status: ApplicationStatus): boolean {
  return activeStatuses.includes(status) && status !== 'offered';
}

export function mayWithdraw(status: ApplicationStatus): boolean {
  return activeStatuses.includes(status) && status !== 'offered';
}

const notEditable: Message = {
  ru: 'Список детских садов можно менять, пока заявление действует и направление не выдано',
  en: 'The kindergartens can be changed while the application is active and no place is offered',
};

/**
 * Replaces the preferred kindergartens (in order). registered_at is not touched: the queue keeps
 * the original registration time (Order No. 236; Krasnodar regulation). Audited with the lists.
 */
export async function updatePreferences(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, applicationId: string, raw: string[]): Promise<ApplicationRow> {
  const { db } = context;
  const reference = await loadReference(db);
  return db.transaction(async (tx) => {
    const current = await lockApplication(tx, applicationId);
    if (!current) throw errors.notFound();
    if (!mayEditPreferences(current.status)) throw errors.conflict('preschool-preferences-locked', notEditable);
    const parsed = await parsePreferences(tx, reference, current.municipalityId, raw);
    if (!parsed.ok) throw errors.validation({ preferences: parsed.error });
    const before = await tx.select().from(preschoolPreference).where(eq(preschoolPreference.applicationId, current.id)).orderBy(asc(preschoolPreference.rank));
    await tx.delete(preschoolPreference).where(eq(preschoolPreference.applicationId, current.id));
    await tx.insert(preschoolPreference).values(parsed.value.map((organizationId, i) => ({ applicationId: current.id, rank: i + 1, organizationId })));
    const [updated] = await tx
      .update(preschoolApplication)
      .set({ version: sql`${preschoolApplication.version} + 1` })
      .where(eq(preschoolApplication.id, current.id))
      .returning();
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'preschoolApplication',
      entityId: current.id,
      municipalityId: current.municipalityId,
      details: { change: 'preferences', number: current.number, from: before.map((p) => p.organizationId), to: parsed.value },
    });
    return updated!;
  });
}

export const withdrawReason = 'отозвано заявителем';

/** The guardian withdraws: → removed with the reason 'отозвано заявителем'. */
export async function withdrawApplication(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, applicationId: string): Promise<ApplicationRow> {
  return context.db.transaction(async (tx) => {
    const current = await lockApplication(tx, applicationId);
    if (!current) throw errors.notFound();
    if (current.status === 'offered') {
      throw errors.conflict('preschool-withdraw-offered', {
        ru: 'Выдано направление: сначала примите его или откажитесь от него',
        en: 'A place is offered: accept or decline it first',
      });
    }
    return changeApplicationStatus(tx, origin, context.clock.now(), applicationId, { to: 'removed', reason: withdrawReason });
  });
}

// Changes at the desk --------------------------------------------------------------------

/** Statuses an operator may set by hand (offers and enrolment come from allocation runs). */
export const deskTargets: readonly ApplicationStatus[] = ['new', 'documentsChecked', 'inQueue', 'suspended', 'removed'];

const defaultReasons: Partial<Record<ApplicationStatus, string>> = {
  documentsChecked: 'Документы проверены',
  inQueue: 'Поставлен в очередь',
};

/** The status before the latest suspension, from the history (resume returns there). */
export async function statusBeforeSuspension(db: Executor, applicationId: string): Promise<ApplicationStatus | null> {
  const [row] = await db
    .select({ from: preschoolStatusChange.fromStatus })
    .from(preschoolStatusChange)
    .where(and(eq(preschoolStatusChange.applicationId, applicationId), eq(preschoolStatusChange.toStatus, 'suspended')))
    .orderBy(desc(preschoolStatusChange.id))
    .limit(1);
  return row?.from ?? null;
}

/**
 * An operator's transition: documents checked, put in the queue, suspend, resume (only back to
 * the status before the suspension), remove. Suspend and remove need a reason. The machine in
 * status.ts decides what is allowed (409 otherwise).
 */
export async function deskTransition(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  applicationId: string,
  change: { to: ApplicationStatus; reason: string; expectedFrom?: ApplicationStatus },
): Promise<ApplicationRow> {
  const reason = change.reason.trim().replace(/\s+/g, ' ');
  if (!deskTargets.includes(change.to)) {
    throw errors.conflict('status-transition', { ru: 'Этот статус устанавливается только по итогам комплектования', en: 'This status is set by allocation runs only' });
  }
  if ((change.to === 'suspended' || change.to === 'removed') && reason.length < 3) {
    throw errors.validation({ reason: { ru: 'Укажите причину', en: 'Enter the reason' } });
  }
  if (reason.length > 500) throw errors.validation({ reason: { ru: 'Не длиннее 500 символов', en: 'At most 500 characters' } });
  return context.db.transaction(async (tx) => {
    const current = await lockApplication(tx, applicationId);
    if (!current) throw errors.notFound();
    let finalReason = reason || defaultReasons[change.to] || '';
    if (current.status === 'suspended' && change.to !== 'removed') {
      const back = await statusBeforeSuspension(tx, applicationId);
      if (back !== change.to) {
        throw errors.conflict('status-transition', {
          ru: `Возобновить можно только в статус до приостановки: «${statusNames[back ?? 'new'].ru}»`,
          en: `Resume returns to the status before the suspension: "${statusNames[back ?? 'new'].en}"`,
        });
      }
      finalReason = reason || 'Рассмотрение возобновлено';
    }
    if (!finalReason) finalReason = statusNames[change.to].ru;
    return changeApplicationStatus(tx, origin, context.clock.now(), applicationId, { to: change.to, reason: finalReason, expectedFrom: change.expectedFrom });
  });
}

export type BenefitVerdict = 'verified' | 'rejected';

/** Verify or reject a claimed benefit, with a reason (required to reject); audited; the guardian is notified. */
export async function decideBenefit(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  applicationId: string,
  decision: { verdict: BenefitVerdict; reason: string },
): Promise<ApplicationRow> {
  const reason = decision.reason.trim().replace(/\s+/g, ' ');
  if (decision.verdict === 'rejected' && reason.length < 3) throw errors.validation({ reason: { ru: 'Укажите причину отказа в льготе', en: 'Enter the reason for rejecting' } });
  if (reason.length > 500) throw errors.validation({ reason: { ru: 'Не длиннее 500 символов', en: 'At most 500 characters' } });
  return context.db.transaction(async (tx) => {
    const current = await lockApplication(tx, applicationId);
    if (!current) throw errors.notFound();
    if (current.benefitStatus !== 'claimed') {
      throw errors.conflict('preschool-benefit-decided', { ru: 'Льгота не заявлена или решение по ней уже принято', en: 'No benefit is awaiting a decision' });
    }
    const [updated] = await tx
      .update(preschoolApplication)
      .set({ benefitStatus: decision.verdict, benefitReason: reason || null, version: sql`${preschoolApplication.version} + 1` })
      .where(eq(preschoolApplication.id, current.id))
      .returning();
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'preschoolApplication',
      entityId: current.id,
      municipalityId: current.municipalityId,
      details: { change: 'benefit', number: current.number, benefitCode: current.benefitCode, verdict: decision.verdict, reason },
    });
    const verdictText = decision.verdict === 'verified' ? 'подтверждена' : 'не подтверждена';
    await notifyPerson(tx, {
      personId: current.guardianId,
      subject: `Заявление № ${current.number}: льгота ${verdictText}`,
      body: `Льгота по заявлению в детский сад № ${current.number} ${verdictText}.${reason ? ` Причина: ${reason}` : ''}`,
      link: `/preschool/applications/${current.id}`,
    });
    return updated!;
  });
}

// Kindergarten search for the form -------------------------------------------------------------

/** Kindergartens of a municipality matching a name, district or address (through the registry). */
export async function searchKindergartens(db: Executor, municipalityId: number, q: string, limit = 20): Promise<OrganizationRow[]> {
  const page = await listOrganizations(db, { municipalityId, kind: 'kindergarten', ...(q.trim() ? { q: q.trim().slice(0, 200) } : {}) }, { limit });
  return page.items;
}

/** Names of the chosen kindergartens, for the draft (unknown ids are dropped). */
export async function kindergartensByIds(db: Executor, ids: string[]): Promise<OrganizationRow[]> {
  const found = await loadKindergartens(db, ids.filter(isUuid));
  return ids.map((id) => found.get(id.toLowerCase())).filter((o): o is OrganizationRow => o !== undefined && o.kind === 'kindergarten');
}
