import { LRUCache } from 'lru-cache';

/** One caller's bucket: what is left of its budget, refilled continuously. */
type Bucket = { left: number; at: number };

export type BudgetRefusal = { retryAfterSeconds: number };

/**
 * Per-caller budgets of operation cost per minute (token buckets: a caller may spend its whole
 * minute's budget at once, and it refills evenly). Memory is bounded: at most `maxKeys` callers are
 * remembered, the least recently seen forgotten first (a forgotten caller starts again with a full
 * budget, so a flood of invented addresses cannot make anyone else's budget smaller).
 */
export class CostBudgets {
  readonly #buckets: LRUCache<string, Bucket>;
  readonly #now: () => number;

  constructor(options: { maxKeys: number; now?: () => number }) {
    this.#buckets = new LRUCache<string, Bucket>({ max: options.maxKeys });
    this.#now = options.now ?? Date.now;
  }

  /**
   * Charges `cost` to every key (each with its own budget per minute), or to none of them when any
   * is short, and says how long to wait then.
   */
  charge(charges: readonly { key: string; perMinute: number }[], cost: number): BudgetRefusal | undefined {
    const now = this.#now();
    const buckets = charges.map(({ key, perMinute }) => {
      const bucket = this.#buckets.get(key);
      const refilled = bucket
        ? Math.min(perMinute, bucket.left + ((now - bucket.at) * perMinute) / 60_000)
        : perMinute;
      return { key, perMinute, left: refilled };
    });
    let waitMs = 0;
    for (const { perMinute, left } of buckets) {
      if (left < cost) waitMs = Math.max(waitMs, ((cost - left) * 60_000) / perMinute);
    }
    if (waitMs > 0) {
      for (const { key, left } of buckets) this.#buckets.set(key, { left, at: now });
      return { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    for (const { key, left } of buckets) this.#buckets.set(key, { left: left - cost, at: now });
    return undefined;
  }

  get size(): number {
    return this.#buckets.size;
  }
}
