import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_POLICY, outcomeOf, retryDelayMs } from './delivery.rules.ts';

const NOW = new Date('2026-12-03T08:00:00.000Z');
const policy = DEFAULT_RETRY_POLICY;

describe('retryDelayMs (exponential, full jitter)', () => {
  it('draws up to base × 2^(attempts − 1), capped at an hour', () => {
    expect(retryDelayMs(1, policy, () => 0.999999)).toBe(1_999);
    expect(retryDelayMs(2, policy, () => 0.999999)).toBe(3_999);
    expect(retryDelayMs(5, policy, () => 0.5)).toBe(16_000);
    expect(retryDelayMs(12, policy, () => 0.999999)).toBe(3_599_996);
    expect(retryDelayMs(1_000, policy, () => 0.999999)).toBe(3_599_996);
    // Full jitter: anywhere from nothing to the ceiling.
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('spreads retries of many deliveries across the window', () => {
    // The draws pinned: 1,000 evenly spread values in [0, 1).
    const delays = Array.from({ length: 1_000 }, (_, i) => retryDelayMs(4, policy, () => i / 1_000));
    expect(delays[0]).toBe(0);
    expect(delays[500]).toBe(8_000);
    expect(delays.at(-1)).toBe(15_984);
    // The largest draw below 1 stays under the ceiling.
    expect(retryDelayMs(4, policy, () => 1 - Number.EPSILON)).toBe(15_999);
    expect(new Set(delays.map((delay) => Math.floor(delay / 1_600))).size).toBe(10);
  });
});

describe('outcomeOf', () => {
  it('counts any 2xx as delivered', () => {
    for (const status of [200, 201, 202, 204, 299])
      expect(outcomeOf({ status }, 1, policy, NOW)).toEqual({ outcome: 'delivered', status });
  });

  it('deactivates on 410 Gone, at any attempt', () => {
    expect(outcomeOf({ status: 410 }, 1, policy, NOW)).toMatchObject({ outcome: 'gone', status: 410 });
  });

  it('retries other statuses and network errors later, and gives up after the last attempt', () => {
    for (const result of [
      { status: 500 },
      { status: 301 },
      { status: 400 },
      { status: 429 },
      { error: 'timeout after 10000 ms' },
    ]) {
      const retried = outcomeOf(result, 3, policy, NOW, () => 0.5);
      expect(retried).toMatchObject({ outcome: 'retry', retryAt: new Date(NOW.getTime() + 4_000) });
      expect(outcomeOf(result, 12, policy, NOW)).toMatchObject({ outcome: 'dead' });
    }
    expect(outcomeOf({ status: 503 }, 2, policy, NOW)).toMatchObject({ status: 503, error: 'HTTP 503' });
    expect(outcomeOf({ error: 'ECONNREFUSED' }, 2, policy, NOW)).toMatchObject({
      status: null,
      error: 'ECONNREFUSED',
    });
    expect(outcomeOf({ status: 500 }, 3, { ...policy, maxAttempts: 3 }, NOW)).toMatchObject({
      outcome: 'dead',
    });
  });
});
