/**
 * SHA-256 (FIPS 180-4) of short messages, written out so that a lottery over 150,000 applicants
 * costs one tight loop instead of 150,000 native hash objects (node:crypto spends most of its time
 * creating them: about 5 µs per applicant against well under 1 µs here). The tests check it
 * against node:crypto on arbitrary strings, so the lottery stays the documented
 * SHA-256(seed + ':' + applicantId).
 */

/** First 32 bits of the fractional parts of the square roots (H0) and cube roots (K) of the first primes. */
const H0 = new Int32Array(8);
const K = new Int32Array(64);
{
  const primes: number[] = [];
  for (let candidate = 2; primes.length < 64; candidate++) {
    if (primes.every((p) => candidate % p !== 0)) primes.push(candidate);
  }
  const fraction32 = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
  for (let i = 0; i < 8; i++) H0[i] = fraction32(Math.sqrt(primes[i]!));
  for (let i = 0; i < 64; i++) K[i] = fraction32(Math.cbrt(primes[i]!));
}

const W = new Int32Array(64);
let block = new Uint8Array(128);

/**
 * Writes the SHA-256 digest of bytes[0 .. length) as 8 big-endian 32-bit words into
 * out[offset .. offset+8) (unsigned values in a Uint32Array).
 */
export function sha256Into(bytes: Uint8Array, length: number, out: Uint32Array, offset: number): void {
  const padded = (((length + 8) >>> 6) + 1) << 6;
  if (block.length < padded) block = new Uint8Array(padded * 2);
  block.set(bytes.subarray(0, length));
  block[length] = 0x80;
  block.fill(0, length + 1, padded);
  // Message length in bits, big-endian in the last 8 bytes (messages here are far below 2^32 bits).
  const bits = length * 8;
  block[padded - 4] = bits >>> 24;
  block[padded - 3] = bits >>> 16;
  block[padded - 2] = bits >>> 8;
  block[padded - 1] = bits;
  if (bits > 0xffffffff) {
    const high = Math.floor(bits / 2 ** 32);
    block[padded - 8] = high >>> 24;
    block[padded - 7] = high >>> 16;
    block[padded - 6] = high >>> 8;
    block[padded - 5] = high;
  }

  let h0 = H0[0]!, h1 = H0[1]!, h2 = H0[2]!, h3 = H0[3]!, h4 = H0[4]!, h5 = H0[5]!, h6 = H0[6]!, h7 = H0[7]!;
  for (let base = 0; base < padded; base += 64) {
    for (let t = 0; t < 16; t++) {
      const i = base + t * 4;
      W[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!;
      const w2 = W[t - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  out[offset] = h0;
  out[offset + 1] = h1;
  out[offset + 2] = h2;
  out[offset + 3] = h3;
  out[offset + 4] = h4;
  out[offset + 5] = h5;
  out[offset + 6] = h6;
  out[offset + 7] = h7;
}

const encoder = new TextEncoder();
let utf8 = new Uint8Array(256);

/** Encodes `prefix + text` as UTF-8 into a shared buffer; returns the byte length. */
function encode(prefix: Uint8Array, text: string): number {
  const needed = prefix.length + text.length * 3;
  if (utf8.length < needed) utf8 = new Uint8Array(needed * 2);
  utf8.set(prefix);
  let length = prefix.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return prefix.length + encoder.encodeInto(text, utf8.subarray(prefix.length)).written;
    utf8[length++] = code;
  }
  return length;
}

/** SHA-256 words of `prefix + text` (UTF-8) for many texts: out[8i .. 8i+8) for texts[i]. */
export function sha256Many(prefix: string, texts: readonly string[]): Uint32Array {
  const prefixBytes = encoder.encode(prefix);
  const out = new Uint32Array(texts.length * 8);
  for (let i = 0; i < texts.length; i++) {
    const length = encode(prefixBytes, texts[i]!); // may replace the shared buffer: read it after
    sha256Into(utf8, length, out, i * 8);
  }
  return out;
}

/** The hex digest of words out[offset .. offset+8). */
export function wordsToHex(words: Uint32Array, offset: number): string {
  let hex = '';
  for (let i = 0; i < 8; i++) hex += words[offset + i]!.toString(16).padStart(8, '0');
  return hex;
}
