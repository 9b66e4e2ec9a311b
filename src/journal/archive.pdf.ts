/**
 * The class journal of a closed year as PDF (letter АП-147/07: the journal of a finished year is
 * kept electronically, with printouts possible), pure apart from reading the font files.
 *
 * The project's typeface, Golos Text, ships with @fontsource as per-script WOFF subsets; pdfkit
 * (through fontkit) embeds WOFF, so each run of text is set in the Cyrillic or the Latin subset
 * by its characters. No system font is needed, so the PDF is the same on every machine.
 */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

export interface JournalPdfSubject {
  subject: string;
  teacher: string;
  lessons: readonly { date: string; number: number; topic: string; homework: string; status: string }[];
  /** Per pupil (same order as `pupils`), per lesson: a mark list "5 4", an absence code "Н", or "". */
  cells: readonly (readonly string[])[];
  /** Per pupil: term finals by term number and the year's, e.g. ["5", "4", "", "", "5"]. */
  finals: readonly (readonly string[])[];
  finalsHeader: readonly string[];
}

export interface JournalPdf {
  schoolName: string;
  className: string;
  yearName: string;
  generatedAt: Date;
  pupils: readonly string[];
  subjects: readonly JournalPdfSubject[];
}

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('@fontsource/golos-text/package.json')), 'files');
const fonts = {
  cyrillic: path.join(fontDir, 'golos-text-cyrillic-400-normal.woff'),
  latin: path.join(fontDir, 'golos-text-latin-400-normal.woff'),
  cyrillicBold: path.join(fontDir, 'golos-text-cyrillic-600-normal.woff'),
  latinBold: path.join(fontDir, 'golos-text-latin-600-normal.woff'),
};

// The code points of @fontsource's "cyrillic" subset (its unicode-range); everything else is Latin.
function isCyrillic(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c >= 0x0400 && c <= 0x052f) || c === 0x2116 || c === 0x0301;
}

/** Splits text into runs of one script. */
export function scriptRuns(text: string): { cyrillic: boolean; text: string }[] {
  const runs: { cyrillic: boolean; text: string }[] = [];
  for (const ch of text) {
    const cyr = isCyrillic(ch);
    const last = runs[runs.length - 1];
    // spaces and punctuation stay in the current run
    if (last && (last.cyrillic === cyr || /[\s.,:;!?()«»"'\-–—/]/.test(ch))) last.text += ch;
    else runs.push({ cyrillic: cyr, text: ch });
  }
  return runs;
}

type Doc = InstanceType<typeof PDFDocument>;

function write(doc: Doc, text: string, x: number, y: number, options: { width: number; bold?: boolean; size?: number; height?: number }): void {
  const runs = scriptRuns(text || ' ');
  doc.fontSize(options.size ?? 8);
  runs.forEach((run, i) => {
    doc.font(run.cyrillic ? (options.bold ? 'cyrillicBold' : 'cyrillic') : options.bold ? 'latinBold' : 'latin');
    const common = { width: options.width, height: options.height, ellipsis: options.height !== undefined, lineBreak: options.height === undefined || options.height > 12 };
    if (i === 0) doc.text(run.text, x, y, { ...common, continued: i < runs.length - 1 });
    else doc.text(run.text, { ...common, continued: i < runs.length - 1 });
  });
}

const margin = 30;
const rowHeight = 13;

/** Renders the journal; resolves to the PDF bytes. */
export function renderJournalPdf(journal: JournalPdf): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin,
    info: { Title: `Журнал ${journal.className} ${journal.yearName}`, Author: journal.schoolName, Producer: 'Prostor', Creator: 'Prostor', CreationDate: journal.generatedAt },
  });
  for (const [name, file] of Object.entries(fonts)) doc.registerFont(name, file);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pageWidth = doc.page.width - 2 * margin;
  const pageBottom = doc.page.height - margin;

  write(doc, 'Классный журнал', margin, 180, { width: pageWidth, bold: true, size: 24 });
  write(doc, `${journal.className} класс, ${journal.yearName} учебный год`, margin, 220, { width: pageWidth, size: 16 });
  write(doc, journal.schoolName, margin, 250, { width: pageWidth, size: 12 });
  write(doc, `Обучающихся: ${journal.pupils.length}. Предметов: ${journal.subjects.length}.`, margin, 280, { width: pageWidth, size: 10 });
  write(doc, `Сформирован ${journal.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC при закрытии учебного года.`, margin, 300, { width: pageWidth, size: 10 });

  const nameWidth = 150;
  const cellWidth = 22;
  const perPage = Math.floor((pageWidth - nameWidth) / cellWidth);

  for (const subject of journal.subjects) {
    // marks and attendance: pupils × lessons, in chunks of columns that fit the page
    const held = subject.lessons;
    for (let from = 0; from < Math.max(held.length, 1); from += perPage) {
      doc.addPage();
      write(doc, `${subject.subject} — ${subject.teacher}`, margin, margin, { width: pageWidth, bold: true, size: 12 });
      write(doc, `Отметки и посещаемость, уроки ${from + 1}–${Math.min(from + perPage, held.length)} из ${held.length}`, margin, margin + 16, { width: pageWidth, size: 8 });
      let y = margin + 32;
      write(doc, 'Обучающийся', margin, y, { width: nameWidth, bold: true, height: rowHeight });
      held.slice(from, from + perPage).forEach((lesson, i) => write(doc, lesson.date.slice(8, 10) + '.' + lesson.date.slice(5, 7), margin + nameWidth + i * cellWidth, y, { width: cellWidth, size: 6, height: rowHeight }));
      y += rowHeight;
      journal.pupils.forEach((pupil, p) => {
        if (y > pageBottom - rowHeight) {
          doc.addPage();
          y = margin;
        }
        doc.moveTo(margin, y - 2).lineTo(margin + pageWidth, y - 2).lineWidth(0.3).strokeColor('#999999').stroke();
        write(doc, `${p + 1}. ${pupil}`, margin, y, { width: nameWidth, height: rowHeight });
        held.slice(from, from + perPage).forEach((_, i) => write(doc, subject.cells[p]?.[from + i] ?? '', margin + nameWidth + i * cellWidth, y, { width: cellWidth, height: rowHeight }));
        y += rowHeight;
      });
    }
    // finals
    doc.addPage();
    write(doc, `${subject.subject}: итоговые отметки`, margin, margin, { width: pageWidth, bold: true, size: 12 });
    let y = margin + 24;
    write(doc, 'Обучающийся', margin, y, { width: nameWidth, bold: true, height: rowHeight });
    subject.finalsHeader.forEach((h, i) => write(doc, h, margin + nameWidth + i * 60, y, { width: 60, bold: true, height: rowHeight }));
    y += rowHeight;
    journal.pupils.forEach((pupil, p) => {
      if (y > pageBottom - rowHeight) {
        doc.addPage();
        y = margin;
      }
      write(doc, `${p + 1}. ${pupil}`, margin, y, { width: nameWidth, height: rowHeight });
      (subject.finals[p] ?? []).forEach((v, i) => write(doc, v, margin + nameWidth + i * 60, y, { width: 60, height: rowHeight }));
      y += rowHeight;
    });
    // lessons: date, topic, homework
    doc.addPage();
    write(doc, `${subject.subject}: темы уроков и домашние задания`, margin, margin, { width: pageWidth, bold: true, size: 12 });
    y = margin + 24;
    for (const lesson of held) {
      if (y > pageBottom - 2 * rowHeight) {
        doc.addPage();
        y = margin;
      }
      write(doc, `${lesson.date} №${lesson.number}${lesson.status === 'cancelled' ? ' (отменён)' : ''}`, margin, y, { width: 90, height: rowHeight });
      write(doc, lesson.topic, margin + 95, y, { width: 330, height: 2 * rowHeight });
      write(doc, lesson.homework, margin + 430, y, { width: pageWidth - 430, height: 2 * rowHeight });
      y += 2 * rowHeight;
    }
  }
  doc.end();
  return done;
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
