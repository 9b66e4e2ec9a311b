/**
 * Writes a run's figures into docs/benchmarks.md: at the end of the benchmark's own section
 * (before the next `## ` heading), creating the section with its introduction if it is missing.
 */
import fs from 'node:fs';

export function recordFigures(file: string, sectionTitle: string, introduction: string, lines: readonly string[]): void {
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (!doc.includes(sectionTitle)) doc = `${doc.trimEnd()}\n\n${sectionTitle}\n\n${introduction.trim()}\n`;
  const start = doc.indexOf(sectionTitle);
  const next = doc.indexOf('\n## ', start + sectionTitle.length);
  const entry = `${lines.join('\n').trim()}\n`;
  doc = next < 0 ? `${doc.trimEnd()}\n\n${entry}` : `${doc.slice(0, next).trimEnd()}\n\n${entry}${doc.slice(next)}`;
  fs.writeFileSync(file, doc);
}
