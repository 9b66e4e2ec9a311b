/**
 * The canonical JSON form of an instance and its SHA-256, so that a published protocol names
 * exactly the input it was computed from, whatever whitespace or key order the file had.
 *
 * The form is that of RFC 8785 (JSON Canonicalization Scheme) for the values an instance holds:
 * object keys sorted by UTF-16 code units (JavaScript's default sort), no whitespace, strings and
 * numbers written as ECMAScript's JSON.stringify writes them, arrays in their given order
 * (order is meaningful: preferences, priorities). The hash is SHA-256 over the UTF-8 bytes, in hex.
 */
import { createHash, type Hash } from 'node:crypto';

/**
 * True when JSON.stringify already writes `value` in canonical form: every object's keys are in
 * ascending code-unit order with no undefined values, and every number is finite. Instances parsed
 * from files usually are (applicants are written `{"id", "preferences"}`), and the native writer is
 * many times faster than a hand-written one.
 */
function isCanonicalAsIs(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isCanonicalAsIs(value[i])) return false;
        return true;
      }
      const object = value as Record<string, unknown>;
      if (typeof (object as { toJSON?: unknown }).toJSON === 'function') return false;
      let previous: string | undefined;
      for (const key in object) {
        if (!Object.prototype.hasOwnProperty.call(object, key)) return false;
        if (previous !== undefined && !(previous < key)) return false;
        if (!isCanonicalAsIs(object[key])) return false;
        previous = key;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Writes the canonical form of a JSON value in pieces (an instance can be tens of megabytes). */
function writeCanonical(value: unknown, write: (chunk: string) => void): void {
  if (isCanonicalAsIs(value)) {
    write(JSON.stringify(value));
    return;
  }
  if (typeof value === 'number') throw new TypeError('canonical JSON has no form for NaN or Infinity');
  if (Array.isArray(value)) {
    write('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) write(',');
      const item: unknown = value[i];
      writeCanonical(item === undefined || typeof item === 'function' ? null : item, write);
    }
    write(']');
    return;
  }
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object)
      .filter((key) => object[key] !== undefined && typeof object[key] !== 'function')
      .sort();
    write('{');
    keys.forEach((key, index) => {
      if (index > 0) write(',');
      write(JSON.stringify(key));
      write(':');
      writeCanonical(object[key], write);
    });
    write('}');
    return;
  }
  throw new TypeError(`canonical JSON has no form for ${typeof value === 'object' ? 'an object with toJSON' : `a ${typeof value}`}`);
}

/** The canonical JSON text of a value (keys sorted, no whitespace). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, (chunk) => parts.push(chunk));
  return parts.join('');
}

/** SHA-256 (hex) of the canonical JSON form of a value, streamed into the hash. */
export function canonicalSha256(value: unknown): string {
  const hash: Hash = createHash('sha256');
  let buffer = '';
  writeCanonical(value, (chunk) => {
    if (chunk.length > 65536) {
      hash.update(buffer, 'utf8');
      hash.update(chunk, 'utf8');
      buffer = '';
      return;
    }
    buffer += chunk;
    if (buffer.length > 65536) {
      hash.update(buffer, 'utf8');
      buffer = '';
    }
  });
  hash.update(buffer, 'utf8');
  return hash.digest('hex');
}
