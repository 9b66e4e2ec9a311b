/**
 * Planning first-grade classes before 1 September (issue 4 item 8): the shortage report per
 * school and municipality (applications by priority level and the forecast against planned
 * places), the import of the civil registry's births by house and year, the forecast of
 * first-graders per school territory for the next years, and raising planned places / opening a
 * class (adm-core's saveSchoolPlans: classes × size, audited). Formats and the method: planning.ts
 * and docs/admission.md.
 *
 * Territories come from the registry (territory.service.ts): the act in force on the day stage 1
 * opens, for every forecast year (the act of later years is not known yet). A house that two
 * schools serve (an error of the act, shown in the territory report) counts for each of them.
 */
import { sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { errors } from '../../platform/errors.ts';
import type { Locale } from '../../platform/i18n/i18n.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { getHouses } from '../../registry/address.service.ts';
import { csvBom, csvLine } from '../../registry/organization.service.ts';
import { schoolsServingHouses } from '../../registry/territory.service.ts';
import { type PriorityLevel } from './admission-order.ts';
import { findCampaignByYear, listSchoolPlans, saveSchoolPlans, type CampaignRow } from './campaign.service.ts';
import { parameterValue } from './flags.service.ts';
import { BirthsCsvHeaderError, classesNeeded, forecastFirstGraders, parseBirthsCsv, SCHOOL_ENTRY_OFFSET, shortageOf, type ForecastYear, type RejectedRow } from './planning.ts';

// Births import -----------------------------------------------------------------------------------

export interface BirthsImportReport {
  accepted: number;
  rejectedCount: number;
  /** The first 200 rejected lines with their reasons. */
  rejected: RejectedRow[];
}

const maxRejectedShown = 200;
const batchSize = 1000;

/**
 * Imports a births CSV streamed line by line: each batch of rows is checked against the address
 * register (the house must exist and lie in a municipality the operator may import for) and
 * upserted per house and year (a re-import replaces the counts). Batches commit one by one, so a
 * file cut short keeps what was read; importing it again is harmless. Audited once per file.
 * Throws 422 when the header is wrong (nothing is imported).
 */
export async function importBirths(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  lines: AsyncIterable<string> | Iterable<string>,
  allowedMunicipalities: readonly number[] | null,
): Promise<BirthsImportReport> {
  const { db } = context;
  const now = context.clock.now();
  const report: BirthsImportReport = { accepted: 0, rejectedCount: 0, rejected: [] };
  const reject = (line: number, reason: RejectedRow['reason']) => {
    report.rejectedCount++;
    if (report.rejected.length < maxRejectedShown) report.rejected.push({ line, reason });
  };
  const municipalities = new Set<number>();
  let batch: Array<{ line: number; houseId: string; birthYear: number; count: number }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const houses = await getHouses(db, [...new Set(batch.map((r) => r.houseId))]);
    const rows: Array<{ houseId: string; birthYear: number; count: number; municipalityId: number }> = [];
    for (const r of batch) {
      const house = houses.get(r.houseId);
      if (!house) reject(r.line, { ru: 'дома с таким GUID нет в реестре адресов', en: 'no house with this GUID in the address register' });
      else if (allowedMunicipalities !== null && !allowedMunicipalities.includes(house.municipalityId)) reject(r.line, { ru: 'дом в другом муниципалитете', en: 'the house is in another municipality' });
      else rows.push({ ...r, municipalityId: house.municipalityId });
    }
    if (rows.length > 0) {
      const values = sql.join(
        rows.map((r) => sql`(${r.houseId}::uuid, ${r.birthYear}::int, ${r.municipalityId}::int, ${r.count}::int, ${now})`),
        sql`, `,
      );
      await db.execute(sql`INSERT INTO admission_birth_count (house_id, birth_year, municipality_id, count, imported_at) VALUES ${values}
        ON CONFLICT (house_id, birth_year) DO UPDATE SET count = excluded.count, municipality_id = excluded.municipality_id, imported_at = excluded.imported_at`);
      for (const r of rows) municipalities.add(r.municipalityId);
      report.accepted += rows.length;
    }
    batch = [];
  };
  try {
    for await (const parsed of parseBirthsCsv(lines, { maxYear: now.getUTCFullYear() })) {
      if ('rejected' in parsed) reject(parsed.line, parsed.rejected);
      else {
        batch.push({ line: parsed.line, ...parsed.row });
        if (batch.length >= batchSize) await flush();
      }
    }
  } catch (error) {
    if (error instanceof BirthsCsvHeaderError) {
      throw errors.validation({ file: { ru: `В первой строке должны быть столбцы house_guid, birth_year, count; нет: ${error.missing.join(', ')}`, en: error.message } });
    }
    throw error;
  }
  await flush();
  await recordAudit(db, origin, {
    action: 'create',
    entityType: 'admissionBirthCount',
    entityId: null,
    details: { accepted: report.accepted, rejected: report.rejectedCount, municipalities: [...municipalities].sort((a, b) => a - b) },
  });
  return report;
}

// Forecast ---------------------------------------------------------------------------------------

/** The day whose territory act is used: the day stage 1 opens, in Moscow. */
function territoryDate(campaign: CampaignRow): string {
  return new Date(campaign.stage1OpensAt.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Births per school territory and birth year for the given birth years: one read of the
 * municipality's birth counts, one call to the registry for the schools of those houses.
 */
async function birthsBySchool(db: Executor, campaign: CampaignRow, birthYears: number[]): Promise<Map<string, Map<number, number>>> {
  const rows = await queryRows<{ house_id: string; birth_year: number; count: number }>(
    db,
    sql`SELECT house_id::text AS house_id, birth_year, count FROM admission_birth_count
        WHERE municipality_id = ${campaign.municipalityId} AND birth_year BETWEEN ${Math.min(...birthYears)} AND ${Math.max(...birthYears)}`,
  );
  const serving = await schoolsServingHouses(db, [...new Set(rows.map((r) => r.house_id))], territoryDate(campaign));
  const result = new Map<string, Map<number, number>>();
  for (const r of rows) {
    for (const school of serving.get(r.house_id) ?? []) {
      let years = result.get(school);
      if (!years) result.set(school, (years = new Map()));
      years.set(Number(r.birth_year), (years.get(Number(r.birth_year)) ?? 0) + Number(r.count));
    }
  }
  return result;
}

export interface SchoolForecast {
  organizationId: string;
  name: string;
  years: ForecastYear[];
}

/**
 * First-graders forecast per school of the campaign's municipality for `years` school years
 * from `fromSchoolYear` (default: the six years after the campaign's), and the municipality's
 * total. Schools are those of the municipality (registry), by name.
 */
export async function forecastForCampaign(db: Executor, campaign: CampaignRow, options: { fromSchoolYear?: number; years?: number } = {}): Promise<{ percent: number; schools: SchoolForecast[]; total: ForecastYear[]; observed: Awaited<ReturnType<typeof observedParticipation>> }> {
  const from = options.fromSchoolYear ?? campaign.year + 1;
  const years = options.years ?? 6;
  const percent = await parameterValue(db, 'forecastParticipationPercent');
  const birthYears = Array.from({ length: years }, (_, i) => from + i - SCHOOL_ENTRY_OFFSET);
  const bySchool = await birthsBySchool(db, campaign, birthYears);
  const plans = await listSchoolPlans(db, campaign);
  const schools = plans.map((p) => ({ organizationId: p.organizationId, name: p.schoolName, years: forecastFirstGraders(bySchool.get(p.organizationId) ?? new Map(), from, percent, years) }));
  const totalBirths = new Map<number, number>();
  const all = await queryRows<{ birth_year: number; n: number }>(
    db,
    sql`SELECT birth_year, sum(count)::int AS n FROM admission_birth_count WHERE municipality_id = ${campaign.municipalityId} AND birth_year BETWEEN ${birthYears[0]!} AND ${birthYears[birthYears.length - 1]!} GROUP BY 1`,
  );
  for (const r of all) totalBirths.set(Number(r.birth_year), Number(r.n));
  return { percent, schools, total: forecastFirstGraders(totalBirths, from, percent, years), observed: await observedParticipation(db, campaign) };
}

/**
 * The participation ratio the previous campaign of the municipality shows: its applications from
 * children of a territory (received at any time, whatever became of them, withdrawn excepted) ÷
 * the births seven years before its year, as a whole percent; null without that campaign or
 * those births. The operator compares it with the reference value the forecast uses.
 */
export async function observedParticipation(db: Executor, campaign: CampaignRow): Promise<{ year: number; applications: number; births: number; percent: number } | null> {
  const previous = await findCampaignByYear(db, campaign.municipalityId, campaign.year - 1);
  if (!previous) return null;
  const [row] = await queryRows<{ applications: number; births: number }>(
    db,
    sql`SELECT
          (SELECT count(*)::int FROM admission_application WHERE campaign_id = ${previous.id} AND in_territory AND status NOT IN ('draft', 'withdrawn')) AS applications,
          (SELECT coalesce(sum(count), 0)::int FROM admission_birth_count WHERE municipality_id = ${campaign.municipalityId} AND birth_year = ${previous.year - SCHOOL_ENTRY_OFFSET}) AS births`,
  );
  const applications = Number(row?.applications ?? 0);
  const births = Number(row?.births ?? 0);
  if (births === 0) return null;
  return { year: previous.year, applications, births, percent: Math.round((applications * 100) / births) };
}

// Shortage report -----------------------------------------------------------------------------------

export type LevelCounts = Record<PriorityLevel | 'none', number>;

export interface ShortageRow {
  organizationId: string;
  name: string;
  classes: number;
  classSize: number;
  plannedPlaces: number;
  applications: LevelCounts & { total: number };
  enrolled: number;
  forecast: number;
  births: number;
  shortage: number;
  /** Classes of the current size needed for the larger of applications and forecast. */
  classesNeeded: number;
}

export interface ShortageReport {
  campaign: CampaignRow;
  percent: number;
  rows: ShortageRow[];
  total: Omit<ShortageRow, 'organizationId' | 'name' | 'classes' | 'classSize' | 'classesNeeded'>;
}

const emptyLevels = (): LevelCounts & { total: number } => ({ outOfTurn: 0, first: 0, sibling: 0, territory: 0, none: 0, total: 0 });

/**
 * Per school of the municipality: planned places, active applications (received, documents
 * checked, enrolled) by priority level (a priority category's level, else territory if the child
 * lives in the territory, else none), the enrolled, the forecast of the campaign's year from
 * births, and the shortage = max(applications, forecast) − planned places.
 */
export async function shortageReport(db: Executor, campaign: CampaignRow): Promise<ShortageReport> {
  const percent = await parameterValue(db, 'forecastParticipationPercent');
  const birthYear = campaign.year - SCHOOL_ENTRY_OFFSET;
  const [plans, counts, births] = [
    await listSchoolPlans(db, campaign),
    await queryRows<{ organization_id: string; level: string; n: number; enrolled: number }>(
      db,
      sql`SELECT a.organization_id::text AS organization_id,
            coalesce(c.level, CASE WHEN a.in_territory THEN 'territory' ELSE 'none' END) AS level,
            count(*)::int AS n, count(*) FILTER (WHERE a.status = 'enrolled')::int AS enrolled
          FROM admission_application a LEFT JOIN admission_priority_category c ON c.code = a.priority_code
          WHERE a.campaign_id = ${campaign.id} AND a.status IN ('received', 'documentsChecked', 'enrolled')
          GROUP BY 1, 2`,
    ),
    await birthsBySchool(db, campaign, [birthYear]),
  ];
  const bySchool = new Map<string, { levels: LevelCounts & { total: number }; enrolled: number }>();
  for (const c of counts) {
    let entry = bySchool.get(c.organization_id);
    if (!entry) bySchool.set(c.organization_id, (entry = { levels: emptyLevels(), enrolled: 0 }));
    entry.levels[c.level as keyof LevelCounts] += Number(c.n);
    entry.levels.total += Number(c.n);
    entry.enrolled += Number(c.enrolled);
  }
  const rows: ShortageRow[] = plans.map((p) => {
    const entry = bySchool.get(p.organizationId) ?? { levels: emptyLevels(), enrolled: 0 };
    const b = births.get(p.organizationId)?.get(birthYear) ?? 0;
    const forecast = forecastFirstGraders(new Map([[birthYear, b]]), campaign.year, percent, 1)[0]!.forecast;
    return {
      organizationId: p.organizationId,
      name: p.schoolName,
      classes: p.classes,
      classSize: p.classSize,
      plannedPlaces: p.plannedPlaces,
      applications: entry.levels,
      enrolled: entry.enrolled,
      births: b,
      forecast,
      shortage: shortageOf(p.plannedPlaces, entry.levels.total, forecast),
      classesNeeded: classesNeeded(Math.max(entry.levels.total, forecast), p.classSize),
    };
  });
  const total = {
    plannedPlaces: 0,
    applications: emptyLevels(),
    enrolled: 0,
    births: 0,
    forecast: 0,
    shortage: 0,
  };
  for (const r of rows) {
    total.plannedPlaces += r.plannedPlaces;
    for (const k of Object.keys(total.applications) as Array<keyof typeof total.applications>) total.applications[k] += r.applications[k];
    total.enrolled += r.enrolled;
    total.births += r.births;
    total.forecast += r.forecast;
    total.shortage += r.shortage;
  }
  return { campaign, percent, rows, total };
}

/** Filters by school name (ё = е, case-insensitive) and pages the rows (shortage first, then name). */
export function pageOfReport(rows: ShortageRow[], options: { query: string; onlyShort: boolean; page: number; pageSize: number }): { rows: ShortageRow[]; pages: number; matched: number } {
  const fold = (s: string) => s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
  const q = fold(options.query);
  const matched = rows
    .filter((r) => (q === '' || fold(r.name).includes(q)) && (!options.onlyShort || r.shortage > 0))
    .sort((a, b) => b.shortage - a.shortage || a.name.localeCompare(b.name, 'ru'));
  const pages = Math.max(1, Math.ceil(matched.length / options.pageSize));
  const page = Math.min(Math.max(1, options.page), pages);
  return { rows: matched.slice((page - 1) * options.pageSize, page * options.pageSize), pages, matched: matched.length };
}

/** The report as CSV for Excel in a Russian locale (';', BOM), the municipality total last. */
export function shortageCsv(report: ShortageReport, locale: Locale): string {
  const h = (ru: string, en: string) => translate(locale, { ru, en });
  const header = csvLine([
    h('Школа', 'School'),
    h('Классов', 'Classes'),
    h('Наполняемость', 'Class size'),
    h('Плановых мест', 'Planned places'),
    h('Заявлений: внеочередное', 'Applications: out of turn'),
    h('первоочередное', 'first priority'),
    h('преимущественное', 'sibling'),
    h('территория', 'territory'),
    h('прочие', 'other'),
    h('всего', 'total'),
    h('Зачислено', 'Enrolled'),
    h(`Рождения ${report.campaign.year - SCHOOL_ENTRY_OFFSET} г.`, `Births ${report.campaign.year - SCHOOL_ENTRY_OFFSET}`),
    h('Прогноз', 'Forecast'),
    h('Нехватка мест', 'Shortage'),
    h('Нужно классов', 'Classes needed'),
  ]);
  const line = (name: string, r: Omit<ShortageRow, 'organizationId' | 'name' | 'classes' | 'classSize' | 'classesNeeded'> & Partial<ShortageRow>) =>
    csvLine([name, r.classes ?? '', r.classSize ?? '', r.plannedPlaces, r.applications.outOfTurn, r.applications.first, r.applications.sibling, r.applications.territory, r.applications.none, r.applications.total, r.enrolled, r.births, r.forecast, r.shortage, r.classesNeeded ?? '']);
  return csvBom + header + report.rows.map((r) => line(r.name, r)).join('') + line(h('Итого по муниципалитету', 'Municipality total'), report.total);
}

// Raising the plan ---------------------------------------------------------------------------------

/**
 * Sets a school's classes × class size for the campaign (raise planned places or open a class)
 * through adm-core's saveSchoolPlans (audited). Refuses fewer places than children enrolled.
 */
export async function changeSchoolPlan(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  campaign: CampaignRow,
  organizationId: string,
  raw: { classes: unknown; classSize: unknown },
): Promise<void> {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
  const classes = /^\d{1,3}$/.test(text(raw.classes)) ? Number(text(raw.classes)) : NaN;
  const classSize = /^\d{1,2}$/.test(text(raw.classSize)) ? Number(text(raw.classSize)) : NaN;
  const fields: Record<string, { ru: string; en: string }> = {};
  if (!(classes >= 0 && classes <= 60)) fields.classes = { ru: 'Число классов от 0 до 60', en: 'Classes from 0 to 60' };
  if (!(classSize >= 1 && classSize <= 40)) fields.classSize = { ru: 'Наполняемость от 1 до 40', en: 'Class size from 1 to 40' };
  if (Object.keys(fields).length === 0) {
    const [row] = await queryRows<{ n: number }>(
      context.db,
      sql`SELECT count(*)::int AS n FROM admission_application WHERE campaign_id = ${campaign.id} AND organization_id = ${organizationId} AND status = 'enrolled'`,
    );
    const enrolled = Number(row?.n ?? 0);
    if (classes * classSize < enrolled) fields.classes = { ru: `Мест меньше, чем уже зачислено (${enrolled})`, en: `Fewer places than already enrolled (${enrolled})` };
  }
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  await saveSchoolPlans(context, origin, campaign, [{ organizationId, classes, classSize }]);
}
