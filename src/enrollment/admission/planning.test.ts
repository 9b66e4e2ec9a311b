import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { BirthsCsvHeaderError, classesNeeded, forecastFirstGraders, parseBirthsCsv, shortageOf, splitCsvLine, textLines, type ParsedLine } from './planning.ts';

const H1 = '0c5b2444-70a0-4932-980c-b4dc0d3f02b5';
const H2 = '1d6c3555-81b1-4a43-a91d-c5ed1e4f03c6';

async function collect(lines: AsyncIterable<string> | Iterable<string>): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const p of parseBirthsCsv(lines, { maxYear: 2026 })) out.push(p);
  return out;
}

describe('births CSV', () => {
  test('reads a semicolon file with a BOM and columns in any order, streamed line by line', async () => {
    const text = `\ufeffcount;house_guid;birth_year\r\n7;${H1};2019\r\n"3";"${H2.toUpperCase()}";2020\r\n\r\n`;
    const lines = createInterface({ input: Readable.from([Buffer.from(text.slice(0, 20)), Buffer.from(text.slice(20))]), crlfDelay: Infinity });
    assert.deepEqual(await collect(lines), [
      { line: 2, row: { houseId: H1, birthYear: 2019, count: 7 } },
      { line: 3, row: { houseId: H2, birthYear: 2020, count: 3 } },
    ]);
  });

  test('rejects each bad row with its line number and reason and goes on', async () => {
    const parsed = await collect(textLines(`house_guid,birth_year,count\nnot-a-guid,2019,1\n${H1},19,1\n${H1},2030,1\n${H1},2019,-2\n${H1},2019,2.5\n${H1},2019,4\n${H1},2019,5\n`));
    assert.deepEqual(
      parsed.map((p) => ('row' in p ? `${p.line}:ok` : `${p.line}:${p.rejected.en.split(':')[0]}`)),
      ['2:not a house GUID', '3:the birth year must be 1990–2026', '4:the birth year must be 1990–2026', '5:the count must be an integer 0–100000', '6:the count must be an integer 0–100000', '7:ok', '8:this house and year are already in the file'],
    );
  });

  test('a file without the three columns in its header is refused as a whole', async () => {
    await assert.rejects(collect(['guid,year,count', `${H1},2019,1`]), (e: unknown) => e instanceof BirthsCsvHeaderError && e.missing.join() === 'house_guid,birth_year');
    await assert.rejects(collect([]), BirthsCsvHeaderError);
  });

  test('quoted fields may hold the separator and doubled quotes', () => {
    assert.deepEqual(splitCsvLine('"a;b";"c""d"; e ', ';'), ['a;b', 'c"d', 'e']);
  });
});

describe('forecast of first-graders', () => {
  test('the cohort born in Y starts school in Y + 7, times the participation ratio, for six years', () => {
    const births = new Map([
      [2019, 100],
      [2020, 81],
      [2021, 0],
      [2024, 7],
    ]);
    assert.deepEqual(forecastFirstGraders(births, 2026, 90), [
      { schoolYear: 2026, birthYear: 2019, births: 100, forecast: 90 },
      { schoolYear: 2027, birthYear: 2020, births: 81, forecast: 73 }, // 72.9 → 73
      { schoolYear: 2028, birthYear: 2021, births: 0, forecast: 0 },
      { schoolYear: 2029, birthYear: 2022, births: 0, forecast: 0 },
      { schoolYear: 2030, birthYear: 2023, births: 0, forecast: 0 },
      { schoolYear: 2031, birthYear: 2024, births: 7, forecast: 6 }, // 6.3 → 6
    ]);
  });

  test('the shortage is the larger of applications and forecast beyond the planned places; classes round up', () => {
    assert.equal(shortageOf(50, 60, 40), 10);
    assert.equal(shortageOf(50, 30, 58), 8);
    assert.equal(shortageOf(75, 60, 70), 0);
    assert.equal(classesNeeded(51, 25), 3);
    assert.equal(classesNeeded(0, 25), 0);
  });
});
