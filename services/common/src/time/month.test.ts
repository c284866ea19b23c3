import { describe, expect, it } from '@jest/globals';
import { currentMonth, isMonth, monthArgument } from './month.ts';
import { todayInVietnam } from './today.ts';

describe('months', () => {
  it('takes the month in Vietnam, not in UTC', () => {
    expect(currentMonth(new Date('2026-11-30T18:00:00Z'))).toBe('2026-12');
    expect(currentMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-11');
  });

  it('accepts YYYY-MM only', () => {
    expect(isMonth('2026-01')).toBe(true);
    for (const bad of ['2026-1', '2026-13', '2026-00', '11/2026', '2026-11-01'])
      expect(isMonth(bad)).toBe(false);
  });

  it('refuses a malformed month argument, naming the field', () => {
    expect(() => monthArgument('2026-13', 'activeInMonth')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'activeInMonth' }),
    );
    expect(monthArgument(undefined, 'month')).toBe(currentMonth());
  });

  it("takes today's date in Vietnam", () => {
    expect(todayInVietnam(new Date('2026-11-30T18:00:00Z'))).toBe('2026-12-01');
    expect(todayInVietnam(new Date('2026-11-30T16:59:59Z'))).toBe('2026-11-30');
  });
});
