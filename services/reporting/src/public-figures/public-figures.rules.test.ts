import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import {
  birthDateArgument,
  citizenCheckKeys,
  citizenCheckMonths,
  citizenIdArgument,
  monthsBetween,
  publicPeriod,
  rateLimitMessage,
} from './public-figures.rules.ts';

// 3 December 2026, 01:00 in Vietnam (still 2 December in UTC): the month is December.
const NOW = new Date('2026-12-02T18:00:00Z');

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.field };
    throw error;
  }
  return undefined;
};

describe('the period of a public table', () => {
  it('takes up to 24 months, this month included', () => {
    expect(publicPeriod('2025-01', '2026-12', NOW)).toEqual({ fromMonth: '2025-01', toMonth: '2026-12' });
    expect(publicPeriod('2026-12', '2026-12', NOW)).toEqual({ fromMonth: '2026-12', toMonth: '2026-12' });
    expect(monthsBetween('2025-01', '2026-12')).toBe(24);
  });

  it('refuses a malformed month, a reversed period, more than 24 months and a month to come', () => {
    expect(refusal(() => publicPeriod('2025-1', '2026-12', NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'fromMonth',
    });
    expect(refusal(() => publicPeriod('2025-01', '2026-13', NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'toMonth',
    });
    expect(refusal(() => publicPeriod('2026-06', '2026-05', NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'fromMonth',
    });
    expect(refusal(() => publicPeriod('2024-12', '2026-12', NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'toMonth',
    });
    expect(refusal(() => publicPeriod('2026-12', '2027-01', NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'toMonth',
    });
  });
});

describe("a citizen's check", () => {
  it('takes a CCCD of exactly 12 digits', () => {
    expect(citizenIdArgument('042041100031')).toBe('042041100031');
    for (const bad of [
      '04204110003',
      '0420411000311',
      '04204110003A',
      '042 041100031',
      '０４２０４１１０００３１',
      '',
    ])
      expect(refusal(() => citizenIdArgument(bad))).toEqual({ code: 'BAD_USER_INPUT', field: 'citizenId' });
  });

  it('takes a real full date of birth from 1900 to today, in Vietnam', () => {
    expect(birthDateArgument('1941-08-04', NOW)).toBe('1941-08-04');
    expect(birthDateArgument('2024-02-29', NOW)).toBe('2024-02-29');
    expect(birthDateArgument('2026-12-03', NOW)).toBe('2026-12-03');
    for (const bad of [
      '1941',
      '1941-08',
      '04/08/1941',
      '1941-02-29',
      '1941-13-01',
      '1899-12-31',
      '2026-12-04',
      '',
    ])
      expect(refusal(() => birthDateArgument(bad, NOW))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'birthDate',
      });
  });

  it('shows the last twelve months, this one included', () => {
    expect(citizenCheckMonths(NOW)).toEqual({ fromMonth: '2026-01', toMonth: '2026-12' });
  });

  it('counts a client and a CCCD under keyed hashes that do not contain them and differ between the two', () => {
    const [client, citizen] = citizenCheckKeys('203.0.113.7', '042041100031', 'k'.repeat(32));
    expect(client).toMatch(/^[0-9a-f]{64}$/);
    expect(citizen).not.toBe(client);
    expect(citizen).not.toContain('042041100031');
    expect(citizenCheckKeys('203.0.113.7', '042041100031', 'x'.repeat(32))[1]).not.toBe(citizen);
    // The same value as a client and as a CCCD counts apart.
    expect(citizenCheckKeys('042041100031', '042041100031', 'k'.repeat(32))[0]).not.toBe(citizen);
  });

  it('tells when to try again in whole minutes', () => {
    expect(rateLimitMessage(1)).toContain('1 phút');
    expect(rateLimitMessage(599)).toContain('10 phút');
  });
});
