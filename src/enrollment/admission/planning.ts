/**
 * Planning first-grade classes, the pure part (no database): reading the civil registry's CSV of
 * births by house and year, and the forecast of first-graders from births.
 *
 * Births CSV (ЗАГС, число рождений по домам), UTF-8 (a byte-order mark is ignored), one record a
 * line, fields separated by a comma or a semicolon (as spreadsheet programs in Russia save), a
 * field may be in double quotes. The first line is the header, naming three columns in any order:
 *   house_guid  — the house's GAR object GUID (address_house.id);
 *   birth_year  — the year of birth, 4 digits;
 *   count       — children born that year and registered at that house, an integer 0–100000.
 * e.g.
 *   house_guid;birth_year;count
 *   0c5b2444-70a0-4932-980c-b4dc0d3f02b5;2019;7
 * A line that breaks a rule is rejected with its line number and the reason and the rest go on;
 * a house/year repeated in one file is rejected on its second line (the registry sends one total).
 *
 * Forecast (прогноз): a child born in year Y is 6.5–8 years old on 1 September of year Y + 7 if
 * born January–August of Y (7 to 7 2/3) and 6 2/3 to 7 if born September–December — old enough
 * under Order 458 § 9 / 273-FZ art. 67 part 1 either way — so the birth cohort Y is taken as the
 * first-graders of Y + 7 (late and early starters roughly cancel out). The forecast for a school
 * year T = births in year T − 7 in the houses of the school's territory × the participation ratio
 * (the share of a cohort that applies to the municipal school of its territory; private schools,
 * moves and late starts take the rest), a reference value (admission_parameter
 * 'forecast_participation_percent'), which the municipality can set from its last campaign:
 * territory applications of that campaign ÷ births seven years before.
 */
import { isUuid } from '../../platform/validation.ts';

export interface BirthRow {
  houseId: string;
  birthYear: number;
  count: number;
}

export interface RejectedRow {
  line: number;
  reason: { ru: string; en: string };
}

export type ParsedLine = { line: number; row: BirthRow } | { line: number; rejected: RejectedRow['reason'] };

/** Splits one CSV record (no embedded line breaks) on `separator`, honouring double quotes. */
export function splitCsvLine(text: string, separator: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === separator) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

const columns = ['house_guid', 'birth_year', 'count'] as const;

/**
 * Reads a births CSV line by line (any async iterable of lines, e.g. readline over a stream) and
 * yields each data line's row or the reason it is rejected; throws only when the header is wrong.
 */
export async function* parseBirthsCsv(lines: AsyncIterable<string> | Iterable<string>, options: { maxYear: number; minYear?: number }): AsyncGenerator<ParsedLine> {
  const minYear = options.minYear ?? 1990;
  let lineNumber = 0;
  let separator = ',';
  let index: Record<(typeof columns)[number], number> | null = null;
  const seen = new Set<string>();
  for await (const raw of lines) {
    lineNumber++;
    let text = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    text = text.replace(/\r$/, '');
    if (text.trim() === '') continue;
    if (index === null) {
      separator = text.includes(';') ? ';' : ',';
      const header = splitCsvLine(text, separator).map((h) => h.toLowerCase());
      const found = Object.fromEntries(columns.map((c) => [c, header.indexOf(c)])) as Record<(typeof columns)[number], number>;
      const missing = columns.filter((c) => found[c] < 0);
      if (missing.length > 0) throw new BirthsCsvHeaderError(missing);
      index = found;
      continue;
    }
    const fields = splitCsvLine(text, separator);
    const houseId = (fields[index.house_guid] ?? '').toLowerCase();
    const yearText = fields[index.birth_year] ?? '';
    const countText = fields[index.count] ?? '';
    if (!isUuid(houseId)) {
      const shown = fields[index.house_guid]?.slice(0, 40) ?? '';
      yield { line: lineNumber, rejected: { ru: `не GUID дома: «${shown}»`, en: `not a house GUID: "${shown}"` } };
      continue;
    }
    const birthYear = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
    if (!(birthYear >= minYear && birthYear <= options.maxYear)) {
      yield { line: lineNumber, rejected: { ru: `год рождения должен быть от ${minYear} до ${options.maxYear}: «${yearText.slice(0, 10)}»`, en: `the birth year must be ${minYear}–${options.maxYear}: "${yearText.slice(0, 10)}"` } };
      continue;
    }
    const count = /^\d{1,6}$/.test(countText) ? Number(countText) : NaN;
    if (!(count >= 0 && count <= 100_000)) {
      yield { line: lineNumber, rejected: { ru: `число рождений должно быть целым от 0 до 100000: «${countText.slice(0, 10)}»`, en: `the count must be an integer 0–100000: "${countText.slice(0, 10)}"` } };
      continue;
    }
    const key = `${houseId}|${birthYear}`;
    if (seen.has(key)) {
      yield { line: lineNumber, rejected: { ru: 'дом и год уже были в этом файле', en: 'this house and year are already in the file' } };
      continue;
    }
    seen.add(key);
    yield { line: lineNumber, row: { houseId, birthYear, count } };
  }
  if (index === null) throw new BirthsCsvHeaderError([...columns]);
}

export class BirthsCsvHeaderError extends Error {
  constructor(readonly missing: string[]) {
    super(`the header must name the columns house_guid, birth_year, count; missing: ${missing.join(', ')}`);
  }
}

/** Splits a text into lines (for a CSV pasted into a form). */
export function* textLines(text: string): Generator<string> {
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      if (start < text.length) yield text.slice(start);
      return;
    }
    yield text.slice(start, end);
    start = end + 1;
  }
}

/** Years of age at school entry: the birth cohort Y starts school in Y + 7 (see the header). */
export const SCHOOL_ENTRY_OFFSET = 7;

export interface ForecastYear {
  /** The year of 1 September when these children start school. */
  schoolYear: number;
  birthYear: number;
  births: number;
  forecast: number;
}

/**
 * First-graders forecast for `years` school years from `fromSchoolYear`: births of the cohort
 * (schoolYear − 7) × participation percent / 100, rounded half up.
 */
export function forecastFirstGraders(birthsByYear: ReadonlyMap<number, number>, fromSchoolYear: number, participationPercent: number, years = 6): ForecastYear[] {
  const list: ForecastYear[] = [];
  for (let schoolYear = fromSchoolYear; schoolYear < fromSchoolYear + years; schoolYear++) {
    const birthYear = schoolYear - SCHOOL_ENTRY_OFFSET;
    const births = birthsByYear.get(birthYear) ?? 0;
    list.push({ schoolYear, birthYear, births, forecast: Math.floor((births * participationPercent) / 100 + 0.5) });
  }
  return list;
}

/** Places missing at a school: the larger of demand (applications) and forecast, minus planned places; 0 if none. */
export function shortageOf(plannedPlaces: number, applications: number, forecast: number): number {
  return Math.max(0, Math.max(applications, forecast) - plannedPlaces);
}

/** Classes needed to seat `demand` children at `classSize` a class. */
export function classesNeeded(demand: number, classSize: number): number {
  return classSize > 0 ? Math.ceil(demand / classSize) : 0;
}
