import { describe, expect, it } from '@jest/globals';
import { dateRange, daysBefore, monthRange, shortMonth } from './periods.ts';

describe('periods', () => {
  it('writes a month short, for lists of months', () => {
    expect(shortMonth('2026-03')).toBe('03/2026');
  });

  it('writes one month, or a range of months', () => {
    expect(monthRange('2026-03', '2026-03')).toBe('tháng 03/2026');
    expect(monthRange('2025-12', '2026-02')).toBe('từ tháng 12/2025 đến tháng 02/2026');
  });

  it('writes one day, or a range of days', () => {
    expect(dateRange('2026-12-01', '2026-12-01')).toBe('ngày 01/12/2026');
    expect(dateRange('2026-11-28', '2026-12-01')).toBe('từ 28/11/2026 đến 01/12/2026');
  });

  it('counts days back across months and years', () => {
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
    expect(daysBefore('2026-01-10', 29)).toBe('2025-12-12');
  });
});
