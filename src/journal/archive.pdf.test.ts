import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderJournalPdf, scriptRuns, sha256Hex } from './archive.pdf.ts';

describe('the archived class journal PDF', () => {
  it('renders a Cyrillic journal with the embedded Golos Text font', async () => {
    const pdf = await renderJournalPdf({
      schoolName: 'МБОУ СОШ № 1',
      className: '5 «А»',
      yearName: '2025/2026',
      generatedAt: new Date('2026-06-01T10:00:00Z'),
      pupils: ['Иванов Иван', 'Петрова Мария'],
      subjects: [
        {
          subject: 'Математика',
          teacher: 'Сидорова А. Б.',
          lessons: Array.from({ length: 40 }, (_, i) => ({ date: `2025-09-${String((i % 28) + 1).padStart(2, '0')}`, number: 1, topic: `Тема ${i + 1}: дроби`, homework: '№ 12', status: 'held' })),
          cells: [Array(40).fill('5'), Array(40).fill('Н')],
          finals: [['5', '5', '5', '5', '5'], ['4', '', '', '', '4']],
          finalsHeader: ['1', '2', '3', '4', 'Год'],
        },
      ],
    });
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.subarray(-6).toString('latin1').includes('%%EOF'));
    const text = pdf.toString('latin1');
    assert.match(text, /FontFile2|FontFile3/, 'the font is embedded');
    assert.ok((text.match(/\/Type \/Page\b/g) ?? []).length >= 5, 'title, two grid pages, finals and topics');
    assert.match(sha256Hex(pdf), /^[0-9a-f]{64}$/);
  });

  it('sets each run of text in the subset of its script', () => {
    assert.deepEqual(scriptRuns('5 «А» class'), [
      { cyrillic: false, text: '5 «' },
      { cyrillic: true, text: 'А» ' },
      { cyrillic: false, text: 'class' },
    ]);
  });
});
