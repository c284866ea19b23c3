import { describe, expect, it } from '@jest/globals';
import { beforeHorizon } from './relay.ts';

const at = (iso: string) => ({ occurred_at: new Date(iso) });

describe('beforeHorizon (which payments may be published now)', () => {
  const rows = [
    at('2026-12-03T08:00:00.000Z'),
    at('2026-12-03T08:00:01.000Z'),
    at('2026-12-03T08:00:00.500Z'),
  ];

  it('takes every row when no approvals event waits', () => {
    expect(beforeHorizon(rows, null)).toBe(3);
    expect(beforeHorizon([], new Date('2026-12-03T08:00:00.000Z'))).toBe(0);
  });

  it('takes the leading rows that happened strictly before the oldest waiting event', () => {
    expect(beforeHorizon(rows, new Date('2026-12-03T08:00:02.000Z'))).toBe(3);
    // The second row is late: the third, though early, comes after it in id order and waits too.
    expect(beforeHorizon(rows, new Date('2026-12-03T08:00:00.800Z'))).toBe(1);
    // The same millisecond may hide later microseconds: it waits.
    expect(beforeHorizon(rows, new Date('2026-12-03T08:00:00.000Z'))).toBe(0);
  });
});
