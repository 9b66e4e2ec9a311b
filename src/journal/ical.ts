/**
 * The iCalendar writer behind the diary's private feed (RFC 5545), pure: plain data in, text out.
 *
 * Each lesson is one VEVENT: the subject as SUMMARY, the topic and the homework in DESCRIPTION,
 * the lesson's bell times in UTC (the region's zone, Europe/Moscow, has been UTC+3 all year since
 * 2014, so UTC times need no VTIMEZONE and every client shows them right). Cancelled lessons stay
 * in the feed with STATUS:CANCELLED so that a calendar that already holds them removes them.
 */

export interface CalendarLesson {
  /** Stable across regenerations: a calendar updates an event by its UID (RFC 5545 §3.8.4.7). */
  uid: string;
  startsAt: Date;
  endsAt: Date;
  subject: string;
  topic: string | null;
  homework: string | null;
  cancelled: boolean;
  /** When the lesson last changed (§3.8.7.4 LAST-MODIFIED). */
  updatedAt: Date | null;
}

export interface CalendarFeed {
  /** X-WR-CALNAME: shown by most clients as the calendar's name. No surname: the URL may leak. */
  name: string;
  /** DTSTAMP of every event: when the feed was generated (§3.8.7.2). */
  generatedAt: Date;
  lessons: readonly CalendarLesson[];
}

/** 20261129T174800Z */
export function formatUtc(value: Date): string {
  return value.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT value escaping (§3.3.11): backslash, semicolon, comma, and newlines as \n. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Content lines longer than 75 octets are folded with CRLF + space (§3.1), never inside a UTF-8
 * sequence (a Cyrillic letter is two octets).
 */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // step back off UTF-8 continuation bytes (10xxxxxx)
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // the leading space of a continuation line counts
  }
  return parts.join('\r\n ');
}

export function writeCalendar(feed: CalendarFeed): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Prostor//Diary//RU',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(feed.name)}`,
    'X-WR-TIMEZONE:Europe/Moscow',
  ];
  const stamp = formatUtc(feed.generatedAt);
  for (const lesson of feed.lessons) {
    const description = [lesson.topic ? `Тема: ${lesson.topic}` : null, lesson.homework ? `Домашнее задание: ${lesson.homework}` : null]
      .filter((part): part is string => part !== null)
      .join('\n');
    lines.push('BEGIN:VEVENT', `UID:${lesson.uid}`, `DTSTAMP:${stamp}`, `DTSTART:${formatUtc(lesson.startsAt)}`, `DTEND:${formatUtc(lesson.endsAt)}`);
    lines.push(`SUMMARY:${escapeText(lesson.subject)}`);
    if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
    if (lesson.updatedAt) lines.push(`LAST-MODIFIED:${formatUtc(lesson.updatedAt)}`);
    lines.push(`STATUS:${lesson.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/**
 * A lesson's start and end in UTC from its date and the bell schedule's wall-clock times in
 * Europe/Moscow (UTC+3 without daylight saving since 26 Oct 2014, Federal law 248-FZ).
 */
export function moscowToUtc(date: string, time: string): Date {
  const hhmm = time.length === 5 ? `${time}:00` : time.slice(0, 8);
  return new Date(`${date}T${hhmm}+03:00`);
}
