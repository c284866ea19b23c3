import { describe, expect, it } from '@jest/globals';
import { addDays, dueDate, isDay, isOverdue, isWorkingDay, workingDaysBetween } from './working-days.rule.ts';

/** Tết Ất Tỵ 2025 (27–31 January) and Hùng Kings' day (7 April), as the seed of public_holidays has them. */
const HOLIDAYS = new Set([
  '2025-01-01',
  '2025-01-27',
  '2025-01-28',
  '2025-01-29',
  '2025-01-30',
  '2025-01-31',
  '2025-04-07',
]);
const NONE = new Set<string>();

describe('working days', () => {
  it('knows a day from a non-day', () => {
    expect(['2025-02-28', '2024-02-29'].map(isDay)).toEqual([true, true]);
    expect(['2025-02-29', '2025-13-01', '1/7/2025', '2025-7-1', ''].map(isDay)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(() => addDays('2025-02-30', 1)).toThrow(/not a day/);
  });

  it('skips weekends and public holidays', () => {
    expect(isWorkingDay('2025-07-04', NONE)).toBe(true); // Friday
    expect(isWorkingDay('2025-07-05', NONE)).toBe(false); // Saturday
    expect(isWorkingDay('2025-07-06', NONE)).toBe(false); // Sunday
    expect(isWorkingDay('2025-04-07', HOLIDAYS)).toBe(false); // Monday, Giỗ Tổ Hùng Vương
    expect(isWorkingDay('2025-04-07', NONE)).toBe(true);
  });

  it('does not count the day of receipt', () => {
    expect(dueDate('2025-07-01', 1, NONE)).toBe('2025-07-02'); // Tuesday → Wednesday
    expect(dueDate('2025-07-04', 1, NONE)).toBe('2025-07-07'); // Friday → Monday
    expect(dueDate('2025-07-05', 1, NONE)).toBe('2025-07-07'); // received on a Saturday
  });

  it('gives the due date of the post-reform limit of 10 working days', () => {
    // Tuesday 1 July 2025 + 10 working days: 2, 3, 4, 7, 8, 9, 10, 11, 14, 15 July.
    expect(dueDate('2025-07-01', 10, NONE)).toBe('2025-07-15');
    // The two steps in turn end on the same day as the whole limit.
    expect(dueDate(dueDate('2025-07-01', 7, NONE), 3, NONE)).toBe('2025-07-15');
  });

  it('stretches a limit over Tết and a holiday', () => {
    // Friday 24 January 2025 + 7: Tết takes 27–31 January, so 3, 4, 5, 6, 7, 10, 11 February.
    expect(dueDate('2025-01-24', 7, HOLIDAYS)).toBe('2025-02-11');
    expect(dueDate('2025-01-24', 7, NONE)).toBe('2025-02-04');
    // Thursday 3 April 2025 + 3: 4, (7 is a holiday) 8, 9 April.
    expect(dueDate('2025-04-03', 3, HOLIDAYS)).toBe('2025-04-09');
  });

  it('refuses limits out of range', () => {
    expect(() => dueDate('2025-07-01', 0, NONE)).toThrow(/out of range/);
    expect(() => dueDate('2025-07-01', 61, NONE)).toThrow(/out of range/);
    expect(() => dueDate('2025-07-01', 1.5, NONE)).toThrow(/out of range/);
  });

  it('is overdue only after the whole due day', () => {
    expect(isOverdue('2025-07-15', '2025-07-14')).toBe(false);
    expect(isOverdue('2025-07-15', '2025-07-15')).toBe(false);
    expect(isOverdue('2025-07-15', '2025-07-16')).toBe(true);
  });

  it('counts the working days used', () => {
    expect(workingDaysBetween('2025-07-01', '2025-07-15', NONE)).toBe(10);
    expect(workingDaysBetween('2025-07-04', '2025-07-06', NONE)).toBe(0);
    expect(workingDaysBetween('2025-07-15', '2025-07-01', NONE)).toBe(0);
    expect(workingDaysBetween('2025-01-24', '2025-02-11', HOLIDAYS)).toBe(7);
  });
});
