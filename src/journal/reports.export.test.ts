import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import XLSX from 'xlsx';
import { columnName, crc32, toCsv, toXlsx, type ReportTable } from './reports.export.ts';

const table: ReportTable = {
  title: 'Успеваемость: 1 четверть',
  columns: ['Класс', 'Учеников', 'Успеваемость, %', 'Комментарий'],
  rows: [
    ['5 «А»', 25, 92.5, 'ок, "лучше" всех'],
    ['5 «Б»', 24, 100, null],
    ['=cmd', 0, 0, 'a < b & c'],
  ],
};

describe('report downloads', () => {
  it('writes an XLSX that a spreadsheet reader opens with the same cells', () => {
    const book = XLSX.read(toXlsx(table), { type: 'buffer' });
    assert.deepEqual(book.SheetNames, ['Успеваемость  1 четверть']);
    const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1, defval: null });
    assert.deepEqual(rows, [table.columns, ...table.rows]);
  });

  it('writes a ZIP that unzip tests clean (when unzip is installed)', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-'));
    const file = path.join(dir, 'report.xlsx');
    fs.writeFileSync(file, toXlsx(table));
    try {
      execFileSync('unzip', ['-tq', file]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return t.skip('no unzip on this machine');
      throw error;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes CSV with a BOM, CRLF, quoting, and formulas disarmed', () => {
    assert.equal(
      toCsv(table),
      '\uFEFFКласс,Учеников,"Успеваемость, %",Комментарий\r\n5 «А»,25,92.5,"ок, ""лучше"" всех"\r\n5 «Б»,24,100,\r\n"\'=cmd",0,0,a < b & c\r\n',
    );
  });

  it('names columns and checksums like the standards', () => {
    assert.deepEqual([0, 25, 26, 701, 702].map(columnName), ['A', 'Z', 'AA', 'ZZ', 'AAA']);
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });
});
