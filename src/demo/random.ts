/**
 * The demo generator's only source of randomness: a seeded PRNG (sfc32, 128-bit state, period
 * ≥ 2^32 and on average about 2^127) and keyed bijections that turn a running counter into a
 * scattered but collision-free number (for SNILS, certificates, passports, INN). Never
 * Math.random and never the clock, so one (scale, seed) always gives the same region.
 */

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    // splitmix-like expansion of (seed, stream) into the four words of state
    this.a = 0x9e3779b9 ^ seed;
    this.b = 0x243f6a88 ^ Math.imul(stream + 1, 0x85ebca6b);
    this.c = 0xb7e15162 ^ Math.imul(seed ^ 0x5bd1e995, 0xc2b2ae35);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** An index drawn with probability proportional to `cumulative[i] - cumulative[i-1]`. */
  pickCumulative(cumulative: readonly number[]): number {
    const x = this.float() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Fisher–Yates, in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** Hex digits drawn from the stream. */
  hex(digits: number): string {
    let out = '';
    while (out.length < digits) {
      const x = this.next();
      out += hexByte[x >>> 24]! + hexByte[(x >>> 16) & 255]! + hexByte[(x >>> 8) & 255]! + hexByte[x & 255]!;
    }
    return out.length === digits ? out : out.slice(0, digits);
  }
}

const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function cumulativeOf(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) out.push((sum += w));
  return out;
}

/**
 * Largest-remainder (Hamilton) apportionment: splits `total` into integers proportional to
 * `weights`, each within one of its exact quota, summing to `total`.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const result = quotas.map(Math.floor);
  let left = total - result.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    result[i]! += 1;
    left -= 1;
  }
  return result;
}

/**
 * A keyed bijection on [0, 2^bits): odd multiplications, xor-shifts and additions modulo 2^bits
 * are each invertible, so distinct inputs give distinct outputs.
 */
function mixBits(x: number, bits: number, key: number): number {
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  const shift = Math.max(1, bits >>> 1);
  let v = x;
  for (let round = 0; round < 3; round++) {
    v = (Math.imul(v, 0x2c1b3c6d | 1) & mask) >>> 0;
    v = (v ^ (v >>> shift)) >>> 0;
    v = ((v + Math.imul(key, round + 0x27d4eb2f)) & mask) >>> 0;
    v = (Math.imul(v, 0x297a2d39 | 1) & mask) >>> 0;
    v = (v ^ (v >>> (shift - 1 || 1))) >>> 0;
  }
  return v >>> 0;
}

/**
 * A keyed permutation of [low, high): counter i (0 ≤ i < high − low) maps to a distinct number
 * in the range. Cycle-walking keeps it a bijection on a range that is not a power of two.
 */
export class Scatter {
  private readonly bits: number;
  constructor(
    private readonly low: number,
    private readonly high: number,
    private readonly key: number,
  ) {
    let bits = 1;
    while (2 ** bits < high) bits++;
    if (bits > 32) throw new Error('Scatter supports ranges up to 2^32');
    this.bits = bits;
  }

  map(counter: number): number {
    if (counter < 0 || counter >= this.high - this.low) throw new Error(`Scatter exhausted at ${counter}`);
    // walk from the counter's place in the range until the mixed value lands in [low, high)
    let v = counter + this.low;
    do v = mixBits(v, this.bits, this.key);
    while (v < this.low || v >= this.high);
    return v;
  }
}
