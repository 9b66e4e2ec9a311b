import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ICAL from 'ical.js';
import { foldLine, moscowToUtc, writeCalendar } from './ical.ts';

describe('the diary calendar feed (RFC 5545)', () => {
  const feed = writeCalendar({
    name: 'Дневник: 5 «А»',
    generatedAt: new Date('2026-11-29T17:00:00Z'),
    lessons: [
      {
        uid: 'lesson-1@prostor',
        startsAt: moscowToUtc('2026-11-30', '08:30'),
        endsAt: moscowToUtc('2026-11-30', '09:15'),
        subject: 'Математика',
        topic: 'Дроби; сложение, вычитание',
        homework: '№ 512, 514\nвыучить правило — очень длинное домашнее задание, которое не поместится в одну строку календаря',
        cancelled: false,
        updatedAt: new Date('2026-11-28T10:00:00Z'),
      },
      {
        uid: 'lesson-2@prostor',
        startsAt: moscowToUtc('2026-11-30', '09:25'),
        endsAt: moscowToUtc('2026-11-30', '10:10'),
        subject: 'Русский язык',
        topic: null,
        homework: null,
        cancelled: true,
        updatedAt: null,
      },
    ],
  });

  it('is parsed by ical.js with the lessons, their times in Moscow and the homework intact', () => {
    const calendar = new ICAL.Component(ICAL.parse(feed));
    assert.equal(calendar.getFirstPropertyValue('x-wr-calname'), 'Дневник: 5 «А»');
    const events = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    assert.equal(events.length, 2);
    const [maths, russian] = events;
    assert.equal(maths!.summary, 'Математика');
    assert.equal(maths!.uid, 'lesson-1@prostor');
    assert.equal(maths!.startDate.toJSDate().toISOString(), '2026-11-30T05:30:00.000Z');
    assert.equal(maths!.endDate.toJSDate().toISOString(), '2026-11-30T06:15:00.000Z');
    assert.equal(
      maths!.description,
      'Тема: Дроби; сложение, вычитание\nДомашнее задание: № 512, 514\nвыучить правило — очень длинное домашнее задание, которое не поместится в одну строку календаря',
    );
    assert.equal(russian!.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.equal(russian!.description, null);
  });

  it('uses CRLF and folds every line at 75 octets without splitting a Cyrillic letter', () => {
    assert.ok(feed.endsWith('\r\n'));
    for (const line of feed.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, line);
    const long = 'DESCRIPTION:' + 'ж'.repeat(100);
    assert.equal(foldLine(long).replace(/\r\n /g, ''), long);
  });
});
