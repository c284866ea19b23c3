/** Value and weight pairs for `Random.weighted`; weights need not sum to 1. */
export type WeightedEntries<T> = readonly (readonly [value: T, weight: number])[];

/**
 * Weighted entries with their cumulative weights, built once: hand one to `Random.weighted` to skip
 * even the cache lookup that plain entries need.
 */
export class WeightedTable<T> {
  readonly values: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;

  constructor(entries: WeightedEntries<T>) {
    this.values = entries.map(([value]) => value);
    this.cumulative = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, weight], index) => {
      if (!(weight >= 0)) throw new Error(`weight ${weight} at ${index} is not a non-negative number`);
      total += weight;
      this.cumulative[index] = total;
    });
    if (!(total > 0)) throw new Error('weighted entries need a positive total weight');
    this.total = total;
  }

  /** The value whose cumulative-weight interval holds `target` (in [0, total)): binary search. */
  at(target: number): T {
    const { cumulative } = this;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return this.values[low]!;
  }
}

// Built once per entries array, so callers can pass constant entries on every draw.
const tables = new WeakMap<WeightedEntries<unknown>, WeightedTable<unknown>>();

function tableOf<T>(entries: WeightedEntries<T>): WeightedTable<T> {
  let table = tables.get(entries) as WeightedTable<T> | undefined;
  if (!table) {
    table = new WeightedTable(entries);
    tables.set(entries, table);
  }
  return table;
}

/** murmur3's finaliser: a bijective 32-bit mix. */
export function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of a string (FNV-1a, then mixed), to derive keys from labels. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    h = Math.imul(h ^ text.charCodeAt(index), 0x01000193);
  }
  return mix32(h);
}

/**
 * xoshiro128** seeded through splitmix32: fast, 2^128 - 1 period, and the same sequence for the same
 * seed on every platform (only 32-bit integer arithmetic).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let t = state ^ (state >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(array: readonly T[]): T {
    if (array.length === 0) throw new Error('cannot pick from an empty array');
    return array[Math.floor(this.float() * array.length)]!;
  }

  /** A value drawn by weight: O(log n) in a cumulative table (cached per entries array). */
  weighted<T>(entries: WeightedEntries<T> | WeightedTable<T>): T {
    const table = entries instanceof WeightedTable ? entries : tableOf(entries);
    return table.at(this.float() * table.total);
  }

  /** `length` random decimal digits, the first one not 0 unless `leadingZero`. */
  digits(length: number, leadingZero = true): string {
    let text = leadingZero ? '' : String(this.int(1, 9));
    while (text.length < length) {
      const take = Math.min(9, length - text.length);
      const power = POWERS_OF_TEN[take]!;
      // Adding 10^take and dropping the leading 1 pads with zeros in one conversion.
      text += String(power + Math.floor(this.float() * power)).slice(1);
    }
    return text;
  }
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

function rotl(value: number, shift: number): number {
  return (value << shift) | (value >>> (32 - shift));
}

/**
 * A keyed pseudo-random permutation of [0, size): a 4-round Feistel network on the smallest even
 * bit width that covers `size`, with cycle walking. Distinct indexes give distinct results, which
 * is how the generator hands out unique but random-looking ID numbers without remembering them.
 */
export class Permutation {
  readonly size: number;
  readonly key: number;
  private readonly halfBits: number;
  private readonly mask: number;

  constructor(size: number, key = 0) {
    // Up to 2^32 so that the halves stay in 32-bit integer arithmetic.
    if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 32) throw new RangeError(`bad size ${size}`);
    this.size = size;
    this.key = key;
    this.halfBits = Math.max(1, Math.ceil(Math.ceil(Math.log2(size)) / 2));
    this.mask = (1 << this.halfBits) - 1;
  }

  /**
   * The image of `index`; `key` picks another permutation of the same size, so that many keyed
   * sequences (one per ID prefix, say) need no object each.
   */
  at(index: number, key = this.key): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`index ${index} is outside [0, ${this.size})`);
    }
    const { halfBits, mask } = this;
    const k0 = mix32(key);
    const k1 = mix32(k0 ^ 0x9e3779b9);
    const k2 = mix32(k1 ^ 0x9e3779b9);
    const k3 = mix32(k2 ^ 0x9e3779b9);
    let value = index;
    do {
      let left = value >>> halfBits;
      let right = value & mask;
      let next = left ^ (mix32(right ^ k0) & mask);
      left = right;
      right = next;
      next = left ^ (mix32(right ^ k1) & mask);
      left = right;
      right = next;
      next = left ^ (mix32(right ^ k2) & mask);
      left = right;
      right = next;
      next = left ^ (mix32(right ^ k3) & mask);
      value = ((right << halfBits) | next) >>> 0;
    } while (value >= this.size);
    return value;
  }
}
