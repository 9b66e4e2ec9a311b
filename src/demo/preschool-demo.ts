/**
 * The kindergarten service's part of the demo region, seeded after the registry so a visitor of
 * a fresh demo can use the whole service at once:
 *  - every kindergarten gets a handful of groups across the age groups 1–2 … 6–7, mostly
 *    general / full day, 20–25 places, nearly full with a few free places in some, and the plan
 *    APPROVED (only approved places are allocated);
 *  - a waiting list: a few percent of the preschool children not yet in a kindergarten get an
 *    application in the queue (history new → documentsChecked → inQueue), registered over the
 *    two years before the snapshot day, with 1–5 kindergartens of their municipality, the age
 *    group stored as registration stores it, and now and then a verified benefit.
 * The demo parent's younger child (Варвара) never gets one, so the visitor can apply for her.
 *
 * Deterministic: one `Random` stream of the seed, children and kindergartens read in id order
 * (ids are deterministic), timestamps from the snapshot day, never the clock. Rows go through a
 * BulkSink (one unnest INSERT per table and batch), with table and column names taken from the
 * Drizzle mirrors in preschool.schema.ts.
 */
import { getTableName, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { formatApplicationNumber } from '../enrollment/preschool/application.service.ts';
import { kindergartenGroup, preschoolApplication, preschoolPreference, preschoolStatusChange } from '../enrollment/preschool/preschool.schema.ts';
import { ageGroupFor, ageInMonths, getPreschoolSettings, listAllReference } from '../enrollment/preschool/reference.service.ts';
import { BulkSink, columnsOf, type TableSpec } from './bulk-insert.ts';
import { dayOf, isoDate, referenceDay, yearOfDay } from './calendar.ts';
import { Random, cumulativeOf } from './random.ts';

/** Share of the eligible children (no kindergarten, 1½–7 on the desired start) who are on the waiting list. */
export const waitingListShare = 0.05;
/** Share of the applications with a verified benefit. */
export const verifiedBenefitShare = 0.08;

/** The random stream of this part (the generator uses 1, 100 + m and 1000 + m). */
const STREAM = 7000;
const DAY_MS = 86_400_000;
/** Moscow is UTC+3 all year (no DST since 2014). */
const MSK_MS = 3 * 3_600_000;

export interface DemoKindergarten {
  id: string;
  municipalityId: number;
  /** Children the generator placed there: decides how many groups it has. */
  target: number;
}

export interface PreschoolDemoOptions {
  seed: number;
  kindergartens: readonly DemoKindergarten[];
  /** Children who must get no application (the demo parent's child). */
  excludeChildIds: readonly string[];
  /** Deterministic ids (the generator's id source). */
  newId: () => string;
  batchRows: number;
}

export interface PreschoolDemoReport {
  /** Rows per table. */
  tables: Record<string, number>;
  serverMs: Record<string, number>;
}

// --- Table specs from the Drizzle mirrors --------------------------------------------------------


export const preschoolTableSpecs: TableSpec[] = [
  {
    table: getTableName(kindergartenGroup),
    columns: columnsOf(kindergartenGroup, [
      'id', 'organizationId', 'name', 'ageGroupCode', 'orientationCode', 'stayModeCode', 'capacity', 'occupied',
      'planStatus', 'approvedBy', 'approvedAt', 'createdAt', 'updatedAt',
    ]),
  },
  {
    table: getTableName(preschoolApplication),
    columns: [
      ...columnsOf(preschoolApplication, [
        'id', 'number', 'childId', 'guardianId', 'municipalityId', 'registeredAt', 'submittedVia', 'desiredStartDate',
        'orientationCode', 'stayModeCode', 'benefitCode', 'benefitDocument', 'benefitStatus', 'consentAlternative',
        'status', 'statusChangedAt', 'decisionDueAt',
      ]),
      // migrations/0009: the age group fixed at registration (not in the shared Drizzle mirror)
      ['age_group_code', 'text'],
    ],
  },
  { table: getTableName(preschoolPreference), after: [getTableName(preschoolApplication)], columns: columnsOf(preschoolPreference, ['applicationId', 'rank', 'organizationId']) },
  {
    table: getTableName(preschoolStatusChange),
    after: [getTableName(preschoolApplication)],
    columns: columnsOf(preschoolStatusChange, ['applicationId', 'fromStatus', 'toStatus', 'changedAt', 'actorAccountId', 'actorLabel', 'reason']),
  },
];

// --- Groups ----------------------------------------------------------------------------------------

/** The age groups a kindergarten's groups cover (the ясли-сад ages; '0-1' groups are rare). */
export const demoAgeGroups = ['1-2', '2-3', '3-4', '4-5', '5-6', '6-7'] as const;

/** What Russian kindergartens call a group of each age. */
const ageGroupTitles: Record<(typeof demoAgeGroups)[number], string> = {
  '1-2': 'группа раннего возраста',
  '2-3': 'первая младшая группа',
  '3-4': 'вторая младшая группа',
  '4-5': 'средняя группа',
  '5-6': 'старшая группа',
  '6-7': 'подготовительная группа',
};

const groupNicknames = [
  'Пчёлки', 'Гномики', 'Звёздочки', 'Капельки', 'Ромашки', 'Непоседы', 'Лучики', 'Бабочки', 'Кораблик', 'Почемучки',
  'Колокольчики', 'Улыбка', 'Светлячки', 'Матрёшки', 'Ягодки', 'Солнышко', 'Радуга', 'Теремок', 'Белочки', 'Дельфинчики',
];

export interface PlannedGroup {
  name: string;
  ageGroupCode: string;
  orientationCode: string;
  stayModeCode: string;
  capacity: number;
  occupied: number;
}

/**
 * A kindergarten's groups: one per age group 1–2 … 6–7, more of the middle ages in big ones
 * (6–10 in all, ~21 children a group); 20–25 places; ~85% general full-day; about two groups in
 * five keep 1–3 places free (what an allocation can offer), the rest are full.
 */
export function planGroups(random: Random, target: number): PlannedGroup[] {
  const count = Math.min(10, Math.max(demoAgeGroups.length, Math.round(target / 21)));
  const ages: string[] = [...demoAgeGroups];
  while (ages.length < count) ages.push(demoAgeGroups[random.int(1, 4)]!);
  ages.sort();
  const nicknames = random.shuffle([...groupNicknames]);
  return ages.map((ageGroupCode, i) => {
    const x = random.float();
    const orientationCode = x < 0.88 ? 'general' : x < 0.95 ? 'combined' : 'healthImproving';
    const stayModeCode = random.chance(0.92) ? 'fullDay' : 'shortStay';
    const capacity = random.int(20, 25);
    const free = random.chance(0.4) ? random.int(1, 3) : 0;
    const title = ageGroupTitles[ageGroupCode as (typeof demoAgeGroups)[number]];
    return { name: `№ ${i + 1} «${nicknames[i % nicknames.length]}», ${title}`, ageGroupCode, orientationCode, stayModeCode, capacity, occupied: capacity - free };
  });
}

// --- Applications ----------------------------------------------------------------------------------

// Benefits claimed and verified, by how often families have them (large families most).
const benefitWeights: Array<[code: string, weight: number, document: string]> = [
  ['largeFamily', 40, 'Удостоверение многодетной семьи'],
  ['serviceman', 14, 'Справка с места службы'],
  ['police', 10, 'Справка с места службы'],
  ['disability', 10, 'Справка МСЭ'],
  ['sibling', 12, 'Свидетельства о рождении детей'],
  ['fallenServiceman', 5, 'Справка военного комиссариата'],
  ['prosecutor', 3, 'Справка с места службы'],
  ['judge', 3, 'Справка с места работы'],
  ['investigator', 3, 'Справка с места службы'],
];
const benefitCumulative = cumulativeOf(benefitWeights.map(([, w]) => w));

/** The first day of the month on or after `day`. */
function firstOfMonthFrom(day: number): number {
  const [y, m, d] = isoDate(day).split('-').map(Number) as [number, number, number];
  return d === 1 ? day : m === 12 ? dayOf(y + 1, 1, 1) : dayOf(y, m + 1, 1);
}

/**
 * The desired start: 1 September of the snapshot's school year (or, for some, the next one),
 * or for a child too young then the first of the month after it turns 1½. Null when the child
 * would be 7 or older.
 */
export function desiredStartFor(random: Random, birthDate: string): string | null {
  const candidates = [dayOf(2025, 9, 1), dayOf(2026, 9, 1)];
  let day = random.chance(0.7) ? candidates[0]! : candidates[1]!;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const oneAndHalf = firstOfMonthFrom(dayOf(by + 1 + Math.floor((bm + 5) / 12), ((bm + 5) % 12) + 1, Math.min(bd, 28)));
  if (day < oneAndHalf) day = oneAndHalf;
  if (ageInMonths(birthDate, isoDate(day)) >= 84) day = candidates[0]!;
  const months = ageInMonths(birthDate, isoDate(day));
  return months >= 18 && months < 84 ? isoDate(day) : null;
}

/** A moment of `day` between hours `from` and `to` (Moscow time), to the second. */
function momentOf(random: Random, day: number, from: number, to: number): number {
  return day * DAY_MS - MSK_MS + from * 3_600_000 + random.int(0, (to - from) * 3_600 - 1) * 1000;
}

interface EligibleChild {
  id: string;
  birth_date: string;
  municipality_id: number;
  guardian_id: string;
  guardian_name: string;
}

interface Operator {
  account_id: string;
  display_name: string;
  municipality_id: number;
}

/**
 * Writes the groups and the waiting list. Call after the registry rows (organisations, people,
 * guardian links, accounts) are in the database, in the same transaction.
 */
export async function seedPreschoolDemo(tx: Executor, options: PreschoolDemoOptions): Promise<PreschoolDemoReport> {
  const random = new Random(options.seed, STREAM);
  const sink = new BulkSink(tx, preschoolTableSpecs, options.batchRows);
  const [settings, reference, operators] = await Promise.all([
    getPreschoolSettings(tx),
    listAllReference(tx, { activeOnly: true }),
    queryRows<Operator>(
      tx,
      sql`SELECT DISTINCT ON (g.municipality_id) a.id::text AS account_id, a.display_name, g.municipality_id
          FROM role_grant g JOIN account a ON a.id = g.account_id
          WHERE g.role = 'municipalOperator' AND g.municipality_id IS NOT NULL
          ORDER BY g.municipality_id, a.login`,
    ),
  ]);
  const operatorOf = new Map(operators.map((o) => [Number(o.municipality_id), o]));
  const deskLabel = 'Специалист управления образования';

  // Groups: the plan was drafted by the heads and approved by the operator a week before the snapshot.
  const approvedAt = new Date(momentOf(random, referenceDay - 7, 10, 17)).toISOString();
  const byMunicipality = new Map<number, string[]>();
  for (const kindergarten of options.kindergartens) {
    let list = byMunicipality.get(kindergarten.municipalityId);
    if (!list) byMunicipality.set(kindergarten.municipalityId, (list = []));
    list.push(kindergarten.id);
    const approver = operatorOf.get(kindergarten.municipalityId)?.account_id ?? null;
    for (const g of planGroups(random, kindergarten.target)) {
      sink.push('kindergarten_group', [
        options.newId(), kindergarten.id, g.name, g.ageGroupCode, g.orientationCode, g.stayModeCode, g.capacity, g.occupied,
        'approved', approver, approvedAt, approvedAt, approvedAt,
      ]);
    }
    const flushing = sink.flushFull();
    if (flushing) await flushing;
  }

  // The waiting list: preschool children without a kindergarten, each with the first guardian
  // on record (mother before father), in id order.
  const children = await queryRows<EligibleChild>(
    tx,
    sql`SELECT c.id::text AS id, to_char(c.birth_date, 'YYYY-MM-DD') AS birth_date, c.municipality_id, g.id::text AS guardian_id,
               concat_ws(' ', g.last_name, g.first_name, g.middle_name) AS guardian_name
        FROM person c
        CROSS JOIN LATERAL (
          SELECT p.id, p.last_name, p.first_name, p.middle_name FROM guardian_link l JOIN person p ON p.id = l.guardian_id
          WHERE l.child_id = c.id
          ORDER BY CASE l.relation WHEN 'mother' THEN 0 WHEN 'father' THEN 1 ELSE 2 END, p.id
          LIMIT 1
        ) g
        WHERE c.organization_id IS NULL AND c.birth_certificate_number IS NOT NULL AND c.birth_date >= '2018-09-01'
          AND c.municipality_id IS NOT NULL
        ORDER BY c.id`,
  );
  const excluded = new Set(options.excludeChildIds);
  const firstDay = referenceDay - 730;
  const lastDay = referenceDay - 12;
  interface Pending {
    id: string;
    child: EligibleChild;
    registeredAt: number;
    row: Array<string | number | boolean | null>;
    history: Array<Array<string | null>>;
    preferences: string[];
  }
  const pending: Pending[] = [];
  for (const child of children) {
    if (excluded.has(child.id) || !random.chance(waitingListShare)) continue;
    const desiredStart = desiredStartFor(random, child.birth_date);
    if (!desiredStart) continue;
    const ageGroup = ageGroupFor(child.birth_date, desiredStart, settings, reference.ageGroups);
    const kindergartens = byMunicipality.get(Number(child.municipality_id)) ?? [];
    if (!ageGroup || kindergartens.length === 0) continue;
    const born = dayOf(...(child.birth_date.split('-').map(Number) as [number, number, number]));
    const from = Math.max(firstDay, born + 7);
    if (from > lastDay) continue;
    const registeredDay = random.int(from, lastDay);
    const online = random.chance(0.75);
    const registeredAt = momentOf(random, registeredDay, online ? 7 : 9, online ? 23 : 18);
    const checkedAt = momentOf(random, registeredDay + random.int(1, 10), 9, 17);
    const queuedAt = checkedAt + random.int(5, 50) * 60_000;
    const preferences = random.shuffle([...kindergartens]).slice(0, Math.min(kindergartens.length, random.int(1, 5)));
    const x = random.float();
    const orientationCode = x < 0.9 ? 'general' : 'combined';
    const stayModeCode = random.chance(0.93) ? 'fullDay' : 'shortStay';
    const benefit = random.chance(verifiedBenefitShare) ? benefitWeights[random.pickCumulative(benefitCumulative)]! : null;
    const benefitDocument = benefit ? `${benefit[2]} № ${random.int(100_000, 999_999)} от ${isoDate(registeredDay - random.int(20, 400)).split('-').reverse().join('.')}` : null;
    const id = options.newId();
    const operator = operatorOf.get(Number(child.municipality_id));
    const staffId = operator?.account_id ?? null;
    const staffLabel = operator?.display_name ?? deskLabel;
    const iso = (ms: number) => new Date(ms).toISOString();
    pending.push({
      id,
      child,
      registeredAt,
      preferences,
      row: [
        id, '', child.id, child.guardian_id, Number(child.municipality_id), iso(registeredAt), online ? 'online' : 'serviceDesk', desiredStart,
        orientationCode, stayModeCode, benefit?.[0] ?? null, benefitDocument, benefit ? 'verified' : 'none', random.chance(0.6),
        'inQueue', iso(queuedAt), iso(registeredAt + settings.registrationDecisionDays * DAY_MS), ageGroup.code,
      ],
      history: [
        [id, null, 'new', iso(registeredAt), online ? null : staffId, online ? child.guardian_name : staffLabel, online ? 'Заявление подано через портал' : 'Заявление принято при личном обращении'],
        [id, 'new', 'documentsChecked', iso(checkedAt), staffId, staffLabel, 'Документы проверены'],
        [id, 'documentsChecked', 'inQueue', iso(queuedAt), staffId, staffLabel, 'Поставлен в очередь'],
      ],
    });
  }

  // Numbers in registration order: the sequence application.service.ts draws from continues after them.
  pending.sort((a, b) => a.registeredAt - b.registeredAt || (a.id < b.id ? -1 : 1));
  pending.forEach((p, i) => {
    const year = yearOfDay(Math.floor((p.registeredAt + MSK_MS) / DAY_MS));
    p.row[1] = formatApplicationNumber(Number(p.child.municipality_id), year, i + 1);
    sink.push('preschool_application', p.row);
    p.preferences.forEach((organizationId, rank) => sink.push('preschool_preference', [p.id, rank + 1, organizationId]));
    for (const change of p.history) sink.push('preschool_status_change', change);
  });
  await sink.finish();
  // setval, not nextval per row: one statement; registration's next nextval is pending.length + 1.
  if (pending.length > 0) {
    await tx.execute(sql`SELECT setval('preschool_application_number', GREATEST(${pending.length}::bigint, (SELECT last_value FROM preschool_application_number)))`);
  }
  return { tables: { ...sink.written }, serverMs: { ...sink.serverMs } };
}
