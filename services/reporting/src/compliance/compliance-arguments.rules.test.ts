import { describe, expect, it } from '@jest/globals';
import {
  dayRangeArguments,
  isCalendarDay,
  monthRangeArguments,
  pageArguments,
  refuseOtherArguments,
} from './compliance-arguments.rules.ts';

// 2026-12-03 08:00 in Vietnam (01:00 UTC).
const NOW = new Date('2026-12-03T01:00:00Z');

const refusal = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', field });

describe('a range of months', () => {
  it('takes a range up to the current month in Vietnam and counts both ends', () => {
    expect(monthRangeArguments('2025-01', '2026-12', '', NOW)).toEqual({
      fromMonth: '2025-01',
      toMonth: '2026-12',
      months: 24,
    });
    expect(monthRangeArguments('2026-12', '2026-12', '', NOW).months).toBe(1);
    // 30 November 18:00 UTC is already 1 December in Vietnam.
    expect(monthRangeArguments('2026-12', '2026-12', '', new Date('2026-11-30T18:00:00Z')).months).toBe(1);
  });

  it('takes 60 months and refuses 61', () => {
    expect(monthRangeArguments('2022-01', '2026-12', '', NOW).months).toBe(60);
    expect(() => monthRangeArguments('2021-12', '2026-12', '', NOW)).toThrow(refusal('fromMonth'));
  });

  it('refuses a reversed range, a month to come and malformed or missing months', () => {
    expect(() => monthRangeArguments('2026-05', '2026-04', '', NOW)).toThrow(refusal('fromMonth'));
    expect(() => monthRangeArguments('2026-12', '2027-01', '', NOW)).toThrow(refusal('toMonth'));
    expect(() => monthRangeArguments('2026-1', '2026-12', '', NOW)).toThrow(refusal('fromMonth'));
    expect(() => monthRangeArguments('2026-01', '12/2026', '', NOW)).toThrow(refusal('toMonth'));
    expect(() => monthRangeArguments(undefined, '2026-12', '', NOW)).toThrow(refusal('fromMonth'));
    expect(() => monthRangeArguments('2026-01', null, 'input.', NOW)).toThrow(refusal('input.toMonth'));
  });
});

describe('a range of days', () => {
  it('takes a range up to today in Vietnam and counts both ends', () => {
    expect(dayRangeArguments('2026-12-01', '2026-12-03', '', NOW)).toEqual({
      fromDate: '2026-12-01',
      toDate: '2026-12-03',
      days: 3,
    });
    expect(() => dayRangeArguments('2026-12-01', '2026-12-04', '', NOW)).toThrow(refusal('toDate'));
  });

  it('takes 92 days and refuses 93', () => {
    expect(dayRangeArguments('2026-09-03', '2026-12-03', '', NOW).days).toBe(92);
    expect(() => dayRangeArguments('2026-09-02', '2026-12-03', '', NOW)).toThrow(refusal('fromDate'));
  });

  it('refuses a reversed range and days that do not exist', () => {
    expect(() => dayRangeArguments('2026-12-02', '2026-12-01', '', NOW)).toThrow(refusal('fromDate'));
    expect(() => dayRangeArguments('2026-02-30', '2026-03-01', '', NOW)).toThrow(refusal('fromDate'));
    expect(() => dayRangeArguments('2026-11-01', '1/12/2026', '', NOW)).toThrow(refusal('toDate'));
    expect(() => dayRangeArguments('', '2026-12-01', 'input.', NOW)).toThrow(refusal('input.fromDate'));
  });

  it('knows a real calendar day', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '2026-12-1', ' 2026-12-01']) {
      expect(isCalendarDay(bad)).toBe(false);
    }
  });
});

describe('a page of rows', () => {
  it('defaults and bounds first and offset', () => {
    expect(pageArguments(undefined, undefined)).toEqual({ first: 500, offset: 0 });
    expect(pageArguments(2_000, 100_000)).toEqual({ first: 2_000, offset: 100_000 });
    expect(() => pageArguments(0, 0)).toThrow(refusal('first'));
    expect(() => pageArguments(2_001, 0)).toThrow(refusal('first'));
    expect(() => pageArguments(10, -1)).toThrow(refusal('offset'));
    expect(() => pageArguments(10, 100_001)).toThrow(refusal('offset'));
  });
});

describe("an export's arguments", () => {
  it('refuses an argument the report does not read', () => {
    expect(() =>
      refuseOtherArguments(
        { fromMonth: '2026-01', month: '2026-02' },
        ['fromMonth', 'toMonth'],
        'x',
        'input.',
      ),
    ).toThrow(refusal('input.month'));
    expect(() => refuseOtherArguments({ fromMonth: '2026-01' }, ['fromMonth', 'toMonth'], 'x')).not.toThrow();
  });
});
