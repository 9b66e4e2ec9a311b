/**
 * A streaming scanner of GAR XML: yields the attributes of every `<TAG …/>` element of a
 * readable stream, holding only the unfinished tail of the last chunk in memory. GAR files
 * (gigabytes, often a single line) consist of a root element and flat, attribute-only rows
 * (`<OBJECT ID="…" OBJECTID="…" …/>`), which is all this reads; it is not a general XML parser.
 */
import type { Readable } from 'node:stream';

const entities: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

function unescapeXml(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-f]+|#\d+|quot|amp|lt|gt|apos);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return entities[name.toLowerCase()] ?? whole;
  });
}

const attributePattern = /([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The attributes of one element's text (between the tag name and its closing `>`). */
export function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(attributePattern)) attributes[match[1]!.toUpperCase()] = unescapeXml(match[2] ?? match[3] ?? '');
  return attributes;
}

/** Where the element starting at `start` ends: the first `>` outside quoted values, or -1. */
function elementEnd(buffer: string, start: number): number {
  let from = start;
  for (;;) {
    const end = buffer.indexOf('>', from);
    if (end < 0) return -1;
    const inside = buffer.slice(start, end);
    const quotes = (inside.match(/"/g)?.length ?? 0) % 2;
    if (quotes === 0) return end;
    from = end + 1;
  }
}

function isNameEnd(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '/' || char === '>';
}

/** Yields the attributes of each `<tag …>` element in the stream, in order. */
export async function* scanElements(input: Readable, tag: string): AsyncGenerator<Record<string, string>> {
  input.setEncoding('utf8'); // decodes multi-byte characters split across chunks
  const open = `<${tag}`;
  let buffer = '';
  for await (const chunk of input as AsyncIterable<string>) {
    buffer += chunk;
    let position = 0;
    for (;;) {
      const start = buffer.indexOf(open, position);
      if (start < 0) {
        position = Math.max(position, buffer.length - open.length);
        break;
      }
      if (start + open.length >= buffer.length) {
        position = start;
        break;
      }
      if (!isNameEnd(buffer[start + open.length])) {
        position = start + open.length;
        continue;
      }
      const end = elementEnd(buffer, start);
      if (end < 0) {
        position = start;
        break;
      }
      yield parseAttributes(buffer.slice(start + open.length, end));
      position = end + 1;
    }
    buffer = buffer.slice(position);
  }
}
